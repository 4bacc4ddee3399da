import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import { CardLinkError } from '../../../../ble/errors'
import type { ScannedDevice } from '../../../../ble/transport/adapter'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { saveSession } from '../../../../services/api/session'
import { NO_BLUETOOTH } from '../../platform'
import DeviceList, { PRIVACY_REFUSED, type Scan } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const device = (deviceId: string, name: string, rssi: number): ScannedDevice => ({
  deviceId,
  name,
  rssi,
  serviceUuids: ['FEE7'],
  advertisData: new Uint8Array(0),
})

beforeEach(() => {
  localStorage.clear()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

const items = () => Array.from(document.querySelectorAll('.load-device__item')).map((d) => text(d))

describe('选择设备', () => {
  it('lists the devices the scan found, nearest first as the scan orders them, and hands on the picked one', async () => {
    const scan: Scan = () =>
      Promise.resolve([device('C8:47', 'ETC-OBU-1234', -55), device('D1:02', 'OBU-88', -85)])
    const picked: string[] = []
    await mount(() => <DeviceList scan={scan} onPick={(d) => picked.push(d.deviceId)} />)
    await waitForText('ETC-OBU-1234')
    expect(items()).toEqual(['ETC-OBU-1234信号强', 'OBU-88信号弱'])
    click(document.querySelectorAll('.load-device__item')[0])
    expect(picked).toEqual(['C8:47'])
  })

  it('shows the platform guidance when the scan fails, and finds the device on 重新搜索', async () => {
    let tries = 0
    const scan: Scan = () =>
      ++tries === 1
        ? Promise.reject(new CardLinkError('BLE_LOCATION_OFF', 'location service is disabled'))
        : Promise.resolve([device('C8:47', 'ETC-OBU-1234', -70)])
    await mount(() => <DeviceList scan={scan} onPick={() => undefined} />)
    await waitForText('需要打开位置信息')
    expect(text(find('.load-device__error'))).toBe(
      '安卓手机搜索蓝牙设备需要打开位置信息（GPS），请打开后重试',
    )
    click(find('.load-device__rescan'))
    await waitForText('ETC-OBU-1234')
    expect(items()).toEqual(['ETC-OBU-1234信号中'])
    expect(document.querySelector('.load-device__error')).toBeNull()
  })

  it('says so when nothing is found, and where there is no Bluetooth at all', async () => {
    await mount(() => <DeviceList scan={() => Promise.resolve([])} onPick={() => undefined} />)
    await waitForText('未找到设备')
    expect(text(find('.load-device__error'))).toBe('未找到设备，请确认OBU或读卡器已开启并靠近手机')
  })

  it('without Bluetooth in this build', async () => {
    await mount(() => <DeviceList scan={null} onPick={() => undefined} />)
    expect(text(find('.load-device__error'))).toBe(NO_BLUETOOTH)
    expect(document.querySelector('.load-device__rescan')).toBeNull()
  })
})

describe('选择设备 on Alipay: our privacy notice comes before the first Bluetooth call', () => {
  const env = process.env.TARO_ENV
  afterEach(() => {
    process.env.TARO_ENV = env
    jest.restoreAllMocks()
  })

  it('查看政策 scans nothing and says why; 同意 on 重新搜索 scans, and is not asked again', async () => {
    process.env.TARO_ENV = 'alipay'
    const answers = [false, true]
    const asked: string[] = []
    jest.spyOn(Taro, 'showModal').mockImplementation((options) => {
      asked.push(String(options?.content))
      const confirm = answers.shift() ?? false
      return Promise.resolve({ confirm, cancel: !confirm, errMsg: 'showModal:ok' })
    })
    jest.spyOn(Taro, 'navigateTo').mockImplementation(() => Promise.resolve({ errMsg: 'navigateTo:ok' }))
    let scans = 0
    const scan: Scan = () => {
      scans++
      return Promise.resolve([device('C8:47', 'ETC-OBU-1234', -55)])
    }
    await mount(() => <DeviceList scan={scan} onPick={() => undefined} />)
    await waitForText(PRIVACY_REFUSED)
    expect(scans).toBe(0)
    expect(asked[0]).toContain('使用蓝牙连接ETC车载单元或读卡器完成圈存')

    click(find('.load-device__rescan'))
    await waitForText('ETC-OBU-1234')
    expect(scans).toBe(1)
    click(find('.load-device__rescan'))
    await waitFor(() => expect(scans).toBe(2))
    expect(asked).toHaveLength(2)
  })
})
