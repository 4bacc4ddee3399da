/**
 * The real WeChat home page (dist/weapp/pages/home/index) after login, in miniprogram-simulate,
 * with its cloud calls answered by the real `api` router on a fresh embedded database.
 */
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { bootWeapp, startBackend, type Backend, type WeappWorld } from './weappHarness'

let backend: Backend
let world: WeappWorld

beforeAll(async () => {
  backend = await startBackend()
  world = bootWeapp(backend)
})

afterAll(() => backend?.store.close())

async function loginAs(phone: string, userType: 'personal' | 'unit'): Promise<void> {
  const caller = { platform: 'wechat' as const, openid: backend.openid }
  const sent = await backend.api.handle({ action: 'auth.sendSmsCode', payload: { phone, userType } }, caller)
  expect(sent.ok).toBe(true)
  const [message] = await listOutbox(backend.store, 1)
  const login = await backend.api.handle(
    { action: 'auth.loginBySms', payload: { phone, userType, code: message.code } },
    caller,
  )
  if (!login.ok) throw new Error(login.error.message)
  // what the login page stores on WeChat: no token, the OPENID is the session
  world.storage.set('etc.session', { expiresAt: (login.data as { expiresAt: string }).expiresAt })
}

it('renders the logged-in user greeting and vehicles from the router', async () => {
  await loginAs('13800138000', 'personal')
  const page = await world.openPage('pages/home/index')
  await world.settle(20)
  const text = page.dom.textContent ?? ''
  console.log(text, world.navigations, world.toasts)
  expect(text).toContain('您好')
  expect(text).toContain('我的车辆')
})
