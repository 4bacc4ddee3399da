/**
 * The outlet operator on the WeChat build (dist/weapp in miniprogram-simulate), the handset whose
 * Bluetooth the card work needs: the operator logs in on the real login page, and the operator
 * token rides beside the OPENID through wx.cloud.callFunction to the real router, read as the api
 * function reads it. The device and card pages run the load subpackage's scan list and load view
 * from another subpackage: they must take them from modules the WeChat build keeps whole (a page
 * module keeps only its default export there) and draw the progress without the load subpackage's
 * native component. Bluetooth goes through WeChat's privacy check, answered by the page's popup; with
 * Bluetooth off both pages say so.
 */
import { collections } from '../../cloudfunctions/core/documents'
import { demoOutletOperator } from '../../tools/demo/seedOperators'
import { bootWeapp, startBackend, type Backend, type SimComponent, type WeappWorld } from './weappHarness'

const CAPTCHA = 'Q7mK'
let backend: Backend
let world: WeappWorld
const opened: string[] = []
type PrivacyAnswer = { event: string; buttonId?: string }
let privacy: ((resolve: (answer: PrivacyAnswer) => void) => void) | null = null
let agreed = false

beforeAll(async () => {
  // the page picks its default days from the phone's clock: the server's is the same one here
  backend = await startBackend(new Date(), { captchaText: CAPTCHA })
  world = bootWeapp(backend, {
    // with __usePrivacyCheck__, Bluetooth is a privacy API: WeChat asks the app's listener first
    onNeedPrivacyAuthorization: (listener: typeof privacy) => {
      privacy = listener
    },
    // the phone's Bluetooth is off: once the privacy guide is agreed, WeChat answers 10001
    openBluetoothAdapter: (opts: { fail?: (e: unknown) => void; complete?: () => void }) => {
      opened.push('openBluetoothAdapter')
      const answer = (error: unknown) => {
        opts.fail?.(error)
        opts.complete?.()
      }
      const off = () => answer({ errCode: 10001, errMsg: 'openBluetoothAdapter:fail not available' })
      if (agreed) return off()
      if (!privacy)
        return answer({
          errno: 104,
          errMsg: 'openBluetoothAdapter:fail privacy permission is not authorized',
        })
      privacy(({ event }) => {
        if (event === 'exposureAuthorization') return
        if (event !== 'agree')
          return answer({
            errno: 104,
            errMsg: 'openBluetoothAdapter:fail privacy permission is not authorized',
          })
        agreed = true
        off()
      })
    },
    closeBluetoothAdapter: (opts: { success?: (r: unknown) => void; complete?: () => void }) => {
      opts.success?.({ errMsg: 'closeBluetoothAdapter:ok' })
      opts.complete?.()
    },
    onBLEConnectionStateChange: () => undefined,
    onBLECharacteristicValueChange: () => undefined,
    onBluetoothAdapterStateChange: () => undefined,
    onBluetoothDeviceFound: () => undefined,
  })
}, 60_000)

afterAll(() => backend?.close())

async function type(page: SimComponent, selector: string, value: string): Promise<void> {
  const input = page.querySelector(`${selector} .nut-input-native`)
  if (!input) throw new Error(`${selector} has no native input: ${page.dom.textContent ?? ''}`)
  input.dispatchEvent('input', { detail: { value, cursor: value.length } })
  await world.settle()
}

async function tap(page: SimComponent, selector: string): Promise<void> {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`${selector} is not on the page: ${page.dom.textContent ?? ''}`)
  node.dispatchEvent('tap')
  await world.settle()
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 40 && !check(); i++) await world.settle()
  if (!check()) throw new Error(`still waiting for ${what}`)
}

test('WeChat build: the outlet operator logs in on the handset and searches 充值记录 with that session', async () => {
  const login = await world.openPage('packages/operator/pages/login/index')
  await type(login, '.operator-login-name', demoOutletOperator.loginName)
  await type(login, '.operator-login-password', demoOutletOperator.password)
  await type(login, '.operator-login-captcha', CAPTCHA)
  await tap(login, '.operator-login-submit')
  await until(
    () => world.navigations.some((n) => n.url.includes('packages/outlet/pages/home')),
    'the outlet home',
  )

  // the session the server opened is bound to this handset's OPENID
  const sessions = await backend.store.query<{ wechatCaller?: string | null }>(collections.operatorSessions, {
    limit: 10,
  })
  expect(sessions.items).toHaveLength(1)
  expect(sessions.items[0]?.wechatCaller).toBeTruthy()

  const home = await world.openPage('packages/outlet/pages/home/index')
  expect(home.dom.textContent).toContain(demoOutletOperator.name)

  // an operator action over callFunction: answered for this outlet, not sent back to the login
  const records = await world.openPage('packages/outlet/pages/records/index')
  await type(records, '.outlet-records-plate', '浙A12345')
  await tap(records, '.outlet-records-search')
  await until(() => (records.dom.textContent ?? '').includes('暂无充值记录'), '暂无充值记录')
  expect(world.navigations.filter((n) => n.url.includes('operator/pages/login'))).toEqual([])
})

test('WeChat build: the outlet 选择设备 asks for the privacy guide, draws the load subpackage’s scan list and says Bluetooth is off', async () => {
  opened.length = 0
  const page = await world.openPage('packages/outlet/pages/device/index', { task: 'read' })
  // the scan's first Bluetooth call waits for the user's answer in the page's own popup
  await until(() => (page.dom.textContent ?? '').includes('用户隐私保护提示'), 'the privacy popup')
  expect(agreed).toBe(false)
  const agree = page.querySelector('.privacy-popup__agree')
  if (!agree) throw new Error('no 同意 in the privacy popup')
  agree.dispatchEvent('agreeprivacyauthorization')
  await world.settle()
  await until(() => opened.length > 0 && (page.dom.textContent ?? '').includes('蓝牙不可用'), 'the scan')
  const shown = page.dom.textContent ?? ''
  expect(shown).toContain('附近的ETC设备')
  expect(shown).toContain('重新搜索')
})

test('WeChat build: the outlet 圈存 of a record draws the load view and says Bluetooth is off', async () => {
  opened.length = 0
  const page = await world.openPage('packages/outlet/pages/card/index', {
    task: 'reload',
    recordId: 'load-1',
    deviceId: 'AA-BB',
  })
  await until(() => opened.length > 0 && (page.dom.textContent ?? '').includes('蓝牙不可用'), 'the load')
  const shown = page.dom.textContent ?? ''
  // the load view's progress, drawn by Taro (no native load-progress outside its subpackage)
  for (const step of ['连接设备', '读取卡片', '确认金额', '写卡圈存', '核对余额'])
    expect(shown).toContain(step)
  expect(page.dom.querySelector('load-progress')).toBeNull()
})
