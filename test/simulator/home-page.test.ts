/**
 * The real WeChat pages from dist/weapp in miniprogram-simulate: log in on the login page
 * (typing, ticking the agreement, tapping), then the home page shows the account's vehicles.
 * Every cloud call goes to the real `api` router on a fresh embedded database.
 */
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import {
  bootWeapp,
  startBackend,
  type Backend,
  type SimComponent,
  type SimNode,
  type WeappWorld,
} from './weappHarness'
import type { Page, VehicleSummary } from '../../types'

let backend: Backend
let world: WeappWorld

// Seeding the demo data takes about 6 s on this machine type (npm run bench:seed), more while
// the other suites run beside it.
beforeAll(async () => {
  backend = await startBackend()
  world = bootWeapp(backend)
}, 60_000)

afterAll(() => backend?.close())

function find(page: SimComponent, selector: string): SimNode {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`${selector} is not on the page: ${page.dom.textContent ?? ''}`)
  return node
}

/** Types into a NutUI Input: the class sits on its wrapper, the native <input> is inside. */
async function type(page: SimComponent, selector: string, value: string): Promise<void> {
  const input = page.querySelector(`${selector} .nut-input-native`)
  if (!input) throw new Error(`${selector} has no native input`)
  input.dispatchEvent('input', { detail: { value, cursor: value.length } })
  await world.settle()
}

async function tap(node: SimNode): Promise<void> {
  node.dispatchEvent('tap')
  await world.settle()
}

/** The vehicles the router itself answers for this WeChat user, to compare the page with. */
async function vehiclesOfCaller(): Promise<VehicleSummary[]> {
  const result = await backend.api.handle(
    { action: 'vehicles.list', payload: { scope: 'current', limit: 50 } },
    { platform: 'wechat', openid: backend.openid },
  )
  if (!result.ok) throw new Error(result.error.message)
  return (result.data as Page<VehicleSummary>).items
}

describe('WeChat build: login page then home page', () => {
  it('a visitor opening home is sent to the login page', async () => {
    const page = await world.openPage('pages/home/index')
    expect(page.dom.textContent).toContain('正在前往登录')
    expect(world.navigations).toContainEqual({ api: 'reLaunch', url: '/packages/auth/pages/login/index' })
    page.detach()
  })

  it('refuses to log in before the agreement is accepted, then logs in with the code from the outbox', async () => {
    const login = await world.openPage('packages/auth/pages/login/index')
    expect(login.dom.textContent).toContain('个人用户')
    expect(login.dom.textContent).toContain('获取验证码')

    await type(login, '.login-phone', '13800138000')
    await tap(find(login, '.login-send-code'))
    await world.settle(20)
    const [message] = await listOutbox(backend.store, 1)
    expect(message?.phone).toBe('13800138000')
    expect(login.dom.textContent).toMatch(/\d+秒后重新获取/)
    await type(login, '.login-code', message.code)

    // the agreement is not ticked yet: no login, a message instead
    await tap(find(login, '.login-submit'))
    expect(login.dom.textContent).toMatch(/请.*同意/)
    expect(world.storage.has('etc.session')).toBe(false)

    await tap(find(login, '.login-agree'))
    await tap(find(login, '.login-submit'))
    await world.settle(20)

    // on WeChat the session is the OPENID: nothing but the expiry is kept on the phone
    const stored = world.storage.get('etc.session') as { token?: string; expiresAt: string } | undefined
    expect(stored?.expiresAt).toBeTruthy()
    expect(stored?.token).toBeUndefined()
    const last = world.navigations[world.navigations.length - 1]
    expect(last.url).toBe('/pages/home/index')
    login.detach()
  })

  it('home shows the greeting and exactly the vehicles the router gives this OPENID', async () => {
    const page = await world.openPage('pages/home/index')
    await world.settle(20)
    const text = page.dom.textContent ?? ''
    expect(text).toContain('您好，张*')

    const vehicles = await vehiclesOfCaller()
    expect(vehicles.length).toBeGreaterThanOrEqual(2)
    expect(text).toContain(`名下车辆 ${vehicles.length} 辆`)
    const cards = page.querySelectorAll('.home-vehicle')
    expect(cards).toHaveLength(vehicles.length)
    for (const v of vehicles) {
      expect(text).toContain(v.plate)
      expect(text).toContain(v.cardNo)
    }
    // credit cards show signing, stored-value ones do not
    const credit = vehicles.find((v) => v.cardType === 'credit')
    const stored = vehicles.find((v) => v.cardType === 'stored')
    const cardText = (v: VehicleSummary | undefined) =>
      cards.map((c) => c.dom.textContent ?? '').find((t) => v && t.includes(v.plate)) ?? ''
    expect(cardText(credit)).toMatch(/已签约|未签约/)
    expect(cardText(stored)).not.toMatch(/签约/)
    expect(cardText(stored)).toContain('储值卡')
    page.detach()
  })
})
