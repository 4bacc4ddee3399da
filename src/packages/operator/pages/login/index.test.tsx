import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { captcha, fakeSend } from '../../../../testing/fake-api'
import { operatorLogin } from '../../../../testing/operator-fixtures'
import { click, find, findLater, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { readSession, saveSession } from '../../../../services/api/session'
import { readOperatorSession, saveOperatorSession } from '../../shared/session'
import OperatorLoginPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

let captchas = 0
const answers = fakeSend({
  'auth.captcha': () => ({ data: captcha(`c${++captchas}`) }),
  'operator.login': (payload) => {
    const p = payload as { loginName: string; password: string; captchaId: string; captchaText: string }
    if (p.password === 'locked') return { error: 'LOGIN_LOCKED', message: '密码错误次数过多，请15分钟后再试' }
    if (p.captchaId !== `captcha-${p.captchaText}`) return { error: 'CAPTCHA_INVALID' }
    if (p.loginName !== 'op-demo' || p.password !== 'OpDemo2025') {
      return { error: 'PASSWORD_INVALID', message: '账号或密码错误，还可尝试9次' }
    }
    return { data: operatorLogin() }
  },
})

const captchaSrc = () => find('.operator-login-captcha-image').getAttribute('src') ?? ''

async function open(): Promise<void> {
  await mount(() => <OperatorLoginPage />)
  await waitFor(() => expect(captchaSrc()).toMatch(/^data:image\/svg\+xml;base64,/))
  for (const field of ['operator-login-name', 'operator-login-password', 'operator-login-captcha'])
    await findLater(`.${field} input`)
}

async function fill(loginName: string, password: string, captchaText: string): Promise<void> {
  await typeIn('.operator-login-name', loginName)
  await typeIn('.operator-login-password', password)
  await typeIn('.operator-login-captcha', captchaText)
}

beforeEach(() => {
  captchas = 0
  localStorage.clear()
  jest.mocked(send).mockReset()
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => answers(envelope))
})

describe('operator login page', () => {
  it('shows the login name, password and captcha fields', async () => {
    await open()
    expect(text()).toContain('操作员登录')
    expect(find('.operator-login-name input').getAttribute('placeholder')).toBe('请输入操作员账号')
    expect(find('.operator-login-password input').getAttribute('type')).toBe('password')
    expect(find('.operator-login-password input').getAttribute('maxlength')).toBe('65')
    const svg = Buffer.from(captchaSrc().split(',')[1], 'base64').toString('utf8')
    expect(svg).toContain('c1')
  })

  it('asks for what is missing before sending anything', async () => {
    await open()
    click(find('.operator-login-submit'))
    await waitForText('请输入操作员账号')
    await typeIn('.operator-login-name', 'op-demo')
    click(find('.operator-login-submit'))
    await waitForText('请输入密码')
    expect(jest.mocked(send).mock.calls.some(([e]) => e.action === 'operator.login')).toBe(false)
  })

  it('shows the server message for a wrong password and gets a new captcha', async () => {
    await open()
    const first = captchaSrc()
    await fill('op-demo', 'wrong', 'c1')
    click(find('.operator-login-submit'))
    await waitForText('账号或密码错误，还可尝试9次')
    await waitFor(() => expect(captchaSrc()).not.toBe(first))
    expect((find('.operator-login-captcha input') as HTMLInputElement).value).toBe('')
    expect(readOperatorSession()).toBeNull()
  })

  it('shows the lockout as the server words it', async () => {
    await open()
    await fill('op-demo', 'locked', 'c1')
    click(find('.operator-login-submit'))
    await waitForText('密码错误次数过多，请15分钟后再试')
  })

  it('logs in without the driver token, keeps the operator session apart, and opens the reports', async () => {
    saveSession({ token: 'driver-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
    await open()
    await fill(' op-demo ', 'OpDemo2025', 'c1')
    click(find('.operator-login-submit'))
    await waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/operator/pages/reconciliation/index' }),
    )
    const login = jest.mocked(send).mock.calls.find(([e]) => e.action === 'operator.login')
    expect(login?.[0].payload).toEqual({
      loginName: 'op-demo',
      password: 'OpDemo2025',
      captchaId: 'captcha-c1',
      captchaText: 'c1',
    })
    // no token at all on the login and the captcha: neither the driver's nor an operator's
    expect(jest.mocked(send).mock.calls.every(([, token]) => token === null)).toBe(true)
    expect(readOperatorSession()?.token).toBe('op.operator-token')
    expect(readSession()?.token).toBe('driver-token')
    redirectTo.mockRestore()
  })

  it('offers the current operator session and logs it out on request', async () => {
    localStorage.clear()
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
      fakeSend({
        'auth.captcha': { data: captcha('c1') },
        'operator.logout': { data: { loggedOut: true } },
      })(envelope),
    )
    saveOperatorSession({
      token: 'op.t',
      expiresAt: operatorLogin().expiresAt,
      operator: operatorLogin().operator,
    })
    await mount(() => <OperatorLoginPage />)
    await waitForText('当前已登录：演示对账员（op-demo）')
    click(find('.operator-login-logout'))
    await waitFor(() => expect(readOperatorSession()).toBeNull())
    const logout = jest.mocked(send).mock.calls.find(([e]) => e.action === 'operator.logout')
    expect(logout?.[1]).toBe('op.t')
    await waitFor(() => expect(text()).not.toContain('当前已登录'))
  })

  it('an outlet operator lands on the 网点工作台, after login and from the current session', async () => {
    const outlet = operatorLogin({
      operator: {
        loginName: 'outlet-demo',
        name: '演示网点操作员',
        roles: ['outlet'],
        outletId: 'outlet-demo-001',
      },
    })
    jest
      .mocked(send)
      .mockImplementation((envelope: ApiEnvelope) =>
        fakeSend({ 'auth.captcha': { data: captcha('c1') }, 'operator.login': { data: outlet } })(envelope),
      )
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
    await open()
    await fill('outlet-demo', 'OutletDemo2025', 'c1')
    click(find('.operator-login-submit'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/outlet/pages/home/index' }))
    expect(readOperatorSession()?.operator.roles).toEqual(['outlet'])
    redirectTo.mockClear()

    await mount(() => <OperatorLoginPage />)
    await waitForText('当前已登录：演示网点操作员（outlet-demo）')
    const continues = document.querySelectorAll('.operator-login-continue')
    const last = continues[continues.length - 1]
    expect(text(last)).toBe('进入网点工作台')
    click(last)
    expect(redirectTo).toHaveBeenCalledWith({ url: '/packages/outlet/pages/home/index' })
    redirectTo.mockRestore()
  })
})
