/**
 * The outlet's device and card pages from dist/weapp in miniprogram-simulate. They run the load
 * subpackage's scan list and load view from another subpackage, so they must take them from modules
 * the WeChat build keeps whole (a page module keeps only its default export there) and draw the
 * progress without the load subpackage's native component. With Bluetooth off both pages say so.
 */
import { demoOutletOperator } from '../../tools/demo/seedOperators'
import { bootWeapp, startBackend, type Backend, type WeappWorld } from './weappHarness'

let backend: Backend
let world: WeappWorld
const opened: string[] = []

beforeAll(async () => {
  backend = await startBackend()
  world = bootWeapp(backend, {
    // the phone's Bluetooth is off: WeChat answers 10001
    openBluetoothAdapter: (opts: { fail?: (e: unknown) => void; complete?: () => void }) => {
      opened.push('openBluetoothAdapter')
      const error = { errCode: 10001, errMsg: 'openBluetoothAdapter:fail not available' }
      // called with callbacks, WeChat answers through them and returns nothing
      opts.fail?.(error)
      opts.complete?.()
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

function outletSession(): void {
  world.storage.set('etc.operatorSession', {
    token: 'outlet-session',
    expiresAt: '2099-01-01T00:00:00.000Z',
    operator: {
      loginName: demoOutletOperator.loginName,
      name: demoOutletOperator.name,
      roles: ['outlet'],
      outletId: demoOutletOperator.outletId,
    },
  })
}

test('WeChat build: the outlet 选择设备 draws the load subpackage’s scan list and says Bluetooth is off', async () => {
  outletSession()
  opened.length = 0
  const page = await world.openPage('packages/outlet/pages/device/index', { task: 'read' })
  for (let i = 0; i < 20 && !opened.length; i++) await world.settle()
  await world.settle()
  const shown = page.dom.textContent ?? ''
  expect(opened.length).toBeGreaterThan(0)
  expect(shown).toContain('附近的ETC设备')
  expect(shown).toContain('蓝牙不可用')
  expect(shown).toContain('重新搜索')
})

test('WeChat build: the outlet 圈存 of a record draws the load view and says Bluetooth is off', async () => {
  outletSession()
  opened.length = 0
  const page = await world.openPage('packages/outlet/pages/card/index', {
    task: 'reload',
    recordId: 'load-1',
    deviceId: 'AA-BB',
  })
  for (let i = 0; i < 20 && !opened.length; i++) await world.settle()
  await world.settle()
  const shown = page.dom.textContent ?? ''
  expect(opened.length).toBeGreaterThan(0)
  // the load view's progress, drawn by Taro (no native load-progress outside its subpackage)
  for (const step of ['连接设备', '读取卡片', '确认金额', '写卡圈存', '核对余额'])
    expect(shown).toContain(step)
  expect(page.dom.querySelector('load-progress')).toBeNull()
  expect(shown).toContain('蓝牙不可用')
})
