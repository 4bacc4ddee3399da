/**
 * The API client's session keeping, through its one transport stub: what is stored after each
 * kind of answer, and which token the next call carries.
 */
import Taro from '@tarojs/taro'
import type { ApiEnvelope, LoginHome } from '../../../types'
import { fakeSend, loginHome } from '../../testing/fake-api'
import { call, goToLogin, logout, readSession, takeReturnPage } from '.'
import { send } from './transport'

jest.mock('./transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const tokensSent: (string | null)[] = []
const home = (token?: string): LoginHome => {
  // a week left: no automatic rotation gets in the way
  const login = loginHome({ token, expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString() })
  if (!token) delete login.token
  return login
}

beforeEach(() => {
  Taro.clearStorageSync()
  tokensSent.length = 0
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope, token: string | null) => {
    tokensSent.push(token)
    return fakeSend({
      'auth.loginBySms': { data: home('token-1') },
      // steps on the same server session answer no token
      'auth.switchAccount': { data: home() },
      'auth.refresh': { data: { token: 'token-2', expiresAt: '2026-12-01T00:00:00.000Z' } },
      'auth.logout': { data: { loggedOut: true } },
      'account.me': { error: 'SESSION_INVALID' },
    })(envelope)
  })
})

it('keeps the token across account switching, replaces it on rotation and forgets it on logout', async () => {
  await call('auth.loginBySms', { phone: '13800138000', code: '123456', userType: 'personal' })
  expect(readSession()?.token).toBe('token-1')

  await call('auth.switchAccount', { accountId: 'acc-2' })
  expect(readSession()?.token).toBe('token-1')
  expect(tokensSent[tokensSent.length - 1]).toBe('token-1')

  await call('auth.refresh', {})
  expect(readSession()?.token).toBe('token-2')
  await call('auth.switchAccount', { accountId: 'acc-1' })
  expect(tokensSent[tokensSent.length - 1]).toBe('token-2')

  await logout()
  expect(readSession()).toBeNull()
})

it('drops the session when the server says it is no longer valid', async () => {
  await call('auth.loginBySms', { phone: '13800138000', code: '123456', userType: 'personal' })
  await expect(call('account.me', {})).rejects.toMatchObject({ code: 'SESSION_INVALID' })
  expect(readSession()).toBeNull()
})

it('a page opened from outside (a scanned code) is returned to once after the login, and only soon after', async () => {
  jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' })
  const payPage = '/packages/outlet/pages/pay/index?intent=orc-1'
  goToLogin(payPage)
  expect(takeReturnPage()).toBe(payPage)
  // taken once: a later login ends at home
  expect(takeReturnPage()).toBeNull()
  goToLogin(payPage)
  expect(takeReturnPage(Date.now() + 16 * 60_000)).toBeNull()
  // only pages of the app's own subpackages
  goToLogin('https://evil.example/phish')
  expect(takeReturnPage()).toBeNull()
})
