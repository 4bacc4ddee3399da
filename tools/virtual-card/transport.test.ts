import { VirtualCard } from './card'
import { createVirtualSetup, DEMO_CARD } from './harness'
import { fakeMy, SimLink, taroOverMy } from './link'
import { VirtualClock } from './clock'
import { fakeNfcAdapter } from './nfc'
import { VirtualObu } from './obu'
import { readCard, getBalance } from '../../src/ble/apdu'
import { bytesToHex, concatBytes, hexToBytes } from '../../src/ble/bytes'
import { CardLinkError } from '../../src/ble/errors'
import { FRAME_PROFILES, PhoneFrameProtocol } from '../../src/ble/frames'
import { BleAdapter, bleError, sameUuid, shortUuid } from '../../src/ble/transport/adapter'
import { BleConnection, scanDevices } from '../../src/ble/transport/connection'
import { waitForNfcCard } from '../../src/ble/transport/nfc'

describe('platform values', () => {
  it('WeChat: writes ArrayBuffers of at most 20 bytes that add up to the frames', async () => {
    const setup = createVirtualSetup({ platform: 'weapp' })
    const channel = await setup.run(setup.connect())
    await setup.run(readCard(channel))
    const written = (setup.api as unknown as { written: Uint8Array[] }).written
    expect(written.every((w) => w.length <= 20)).toBe(true)
    const expected = new PhoneFrameProtocol(FRAME_PROFILES.legacy33).cardRequest([
      hexToBytes('00A40000023F00'),
      hexToBytes('00A40000021001'),
      hexToBytes('00B095002B'),
      hexToBytes('805C000204'),
    ])
    expect(bytesToHex(concatBytes(...written))).toBe(bytesToHex(concatBytes(...expected)))
  })

  it('Alipay: writes hex strings, reads hex notifications and characteristicId lists', async () => {
    const clock = new VirtualClock()
    const link = new SimLink({ clock })
    const card = new VirtualCard(DEMO_CARD)
    link.addDevice({
      deviceId: 'AA:BB',
      name: 'OBU',
      rssi: -50,
      obu: new VirtualObu({ profile: FRAME_PROFILES.national50, card }),
    })
    const my = fakeMy(link)
    const adapter = new BleAdapter(taroOverMy(my), 'alipay')
    const balance = await clock.run(
      (async () => {
        await adapter.open()
        const [device] = await scanDevices(adapter, { clock, durationMs: 500 })
        const { BleCardChannel } = await import('../../src/ble/transport/bleChannel')
        const channel = new BleCardChannel(
          await BleConnection.open(adapter, device.deviceId, { clock }),
          FRAME_PROFILES.national50,
          { clock },
        )
        await readCard(channel)
        return getBalance(channel)
      })(),
    )
    expect(balance).toBe(8000)
    expect(my.written.length).toBeGreaterThan(2)
    expect(my.written.every((w) => /^[0-9A-F]+$/.test(w) && w.length <= 40)).toBe(true)
    // the handshake answers went out first
    expect(my.written[0]).toBe('FE01000C4E2100000A020800')
    expect(my.written[1]).toBe('FE01000C4E2300000A020800')
  })

  it('iOS short UUIDs and Android 128-bit UUIDs are the same ids', async () => {
    expect(shortUuid('0000fee7-0000-1000-8000-00805f9b34fb')).toBe('FEE7')
    expect(sameUuid('FEC7', '0000FEC7-0000-1000-8000-00805F9B34FB')).toBe(true)
    expect(sameUuid('FEC7', 'FEC8')).toBe(false)
    const setup = createVirtualSetup({ fake: { os: 'ios' } })
    expect((await setup.run(setup.connect().then(readCard))).balance).toBe(8000)
  })

  it('scanning finds the FEE7 device, or a box that only advertises a known name', async () => {
    const setup = createVirtualSetup()
    setup.link.addDevice({
      deviceId: 'other',
      name: 'Mi Band',
      rssi: -40,
      obu: setup.obu,
      advertisesService: false,
    })
    setup.link.addDevice({
      deviceId: 'box',
      name: 'ETC-BOX-77',
      rssi: -70,
      obu: setup.obu,
      advertisesService: false,
    })
    await setup.run(setup.adapter.open())
    const plain = await setup.run(scanDevices(setup.adapter, { clock: setup.clock, durationMs: 500 }))
    expect(plain.map((d) => d.deviceId)).toEqual([setup.deviceId])
    const named = await setup.run(
      scanDevices(setup.adapter, { clock: setup.clock, durationMs: 500, namePrefixes: ['ETC-BOX'] }),
    )
    expect(named.map((d) => d.name)).toEqual(['ETC-OBU-1234', 'ETC-BOX-77'])
  })
})

describe('errors with Chinese guidance', () => {
  it.each([
    [10000, 'BLE_NOT_INIT', '蓝牙未初始化，请重新进入页面'],
    [10001, 'BLE_UNAVAILABLE', '蓝牙不可用，请在手机设置中打开蓝牙'],
    [10002, 'BLE_NO_DEVICE', '未找到设备，请确认OBU或读卡器已开启并靠近手机'],
    [10003, 'BLE_CONNECT_FAILED', '连接设备失败，请重试'],
    [10004, 'BLE_NO_SERVICE', '未找到设备服务，请确认设备型号后重试'],
    [10005, 'BLE_NO_CHARACTERISTIC', '未找到设备特征值，请确认设备型号后重试'],
    [10006, 'BLE_DISCONNECTED', '设备连接已断开，请重新连接'],
    [10007, 'BLE_PROPERTY', '设备不支持该操作'],
    [10008, 'BLE_SYSTEM', '系统蓝牙异常，请稍后重试'],
    [10009, 'BLE_NOT_SUPPORTED', '当前系统版本不支持低功耗蓝牙'],
    [10012, 'BLE_TIMEOUT', '设备响应超时，请靠近设备后重试'],
  ])('WeChat %i → %s', (errCode, code, message) => {
    expect(bleError({ errCode, errMsg: 'x:fail' })).toMatchObject({ code, message })
  })

  it('Alipay 12 and 14, and WeChat location errors on Android', () => {
    expect(bleError({ error: 12, errorMessage: '蓝牙未打开' }).code).toBe('BLE_UNAVAILABLE')
    expect(bleError({ error: 14, errorMessage: '未授权' }).message).toBe(
      '未授权使用蓝牙，请在设置中允许本应用使用蓝牙',
    )
    expect(
      bleError({
        errCode: 10001,
        errMsg: 'startBluetoothDevicesDiscovery:fail location permission is denied',
      }).message,
    ).toBe('安卓手机搜索蓝牙设备需要位置权限，请在设置中允许')
    expect(
      bleError({ errCode: 10001, errMsg: 'startBluetoothDevicesDiscovery:fail location service is disabled' })
        .code,
    ).toBe('BLE_LOCATION_OFF')
    expect(bleError(new Error('boom'))).toMatchObject({
      code: 'BLE_UNKNOWN',
      message: '蓝牙操作失败，请重试',
    })
  })

  it('Bluetooth off, app not authorised, location off or denied: the real fakes say so', async () => {
    const off = createVirtualSetup({ fake: { bluetoothOn: false } })
    await expect(off.run(off.connect())).rejects.toMatchObject({ code: 'BLE_UNAVAILABLE' })
    const myOff = createVirtualSetup({ platform: 'alipay', fake: { bluetoothOn: false } })
    await expect(myOff.run(myOff.connect())).rejects.toMatchObject({ code: 'BLE_UNAVAILABLE' })
    const myDenied = createVirtualSetup({ platform: 'alipay', fake: { bluetoothAuthorized: false } })
    await expect(myDenied.run(myDenied.connect())).rejects.toMatchObject({ code: 'BLE_NOT_AUTHORIZED' })
    const noLocation = createVirtualSetup({ fake: { locationOn: false } })
    expect(() => noLocation.adapter.checkLocation()).toThrow(
      '安卓手机搜索蓝牙设备需要打开位置信息（GPS），请打开后重试',
    )
    await expect(noLocation.run(noLocation.connect())).rejects.toMatchObject({ code: 'BLE_LOCATION_OFF' })
    const denied = createVirtualSetup({ fake: { locationAuthorized: false } })
    await expect(denied.run(denied.connect())).rejects.toMatchObject({ code: 'BLE_LOCATION_DENIED' })
  })

  it('a failed connect is retried once; a device that keeps failing reports BLE_CONNECT_FAILED', async () => {
    const once = createVirtualSetup()
    once.link.failConnects = 1
    expect((await once.run(once.connect().then(readCard))).balance).toBe(8000)
    const always = createVirtualSetup()
    always.link.failConnects = 5
    await expect(always.run(always.connect())).rejects.toMatchObject({
      code: 'BLE_CONNECT_FAILED',
      message: '连接设备失败，请重试',
    })
  })

  it('a write the system fails (10008) is retried once; a second failure reaches the caller', async () => {
    const once = createVirtualSetup()
    const channel = await once.run(once.connect())
    once.link.failWrites = 1
    expect((await once.run(readCard(channel))).balance).toBe(8000)
    const twice = createVirtualSetup()
    const broken = await twice.run(twice.connect())
    twice.link.failWrites = 2
    await expect(twice.run(readCard(broken))).rejects.toMatchObject({
      code: 'BLE_SYSTEM',
      message: '系统蓝牙异常，请稍后重试',
    })
  })

  it('a device that never answers times out; the channel then refuses further use', async () => {
    const setup = createVirtualSetup()
    const channel = await setup.run(setup.connect())
    await setup.run(readCard(channel))
    setup.card.loseNextReply(0x5c)
    await expect(setup.run(getBalance(channel))).rejects.toMatchObject({ code: 'BLE_TIMEOUT' })
    await expect(setup.run(getBalance(channel))).rejects.toMatchObject({ code: 'BLE_TIMEOUT' })
    expect(setup.card.state.balance).toBe(8000)
  })

  it('a lost link fails the outstanding command with BLE_DISCONNECTED, and a reconnect works', async () => {
    const setup = createVirtualSetup()
    const channel = await setup.run(setup.connect())
    setup.link.dropAt(3)
    await expect(setup.run(readCard(channel))).rejects.toMatchObject({ code: 'BLE_DISCONNECTED' })
    expect(channel.failed).toBeInstanceOf(CardLinkError)
    expect((await setup.run(setup.connect().then(readCard))).balance).toBe(8000)
  })

  it('a larger MTU on Android makes larger writes; iOS keeps 20-byte writes', async () => {
    const android = createVirtualSetup({ mtu: 185 })
    await android.run(android.connect().then(readCard))
    const ups = android.link.packets.filter((p) => p.direction === 'up')
    expect(Math.max(...ups.map((p) => p.bytes.length))).toBeGreaterThan(20)
    expect(ups.every((p) => p.bytes.length <= 182)).toBe(true)
    const ios = createVirtualSetup({ mtu: 185, fake: { os: 'ios' } })
    await ios.run(ios.connect().then(readCard))
    expect(ios.link.packets.filter((p) => p.direction === 'up').every((p) => p.bytes.length <= 20)).toBe(true)
  })

  it('the profile chunk gap spaces the writes (virtual time)', async () => {
    const setup = createVirtualSetup({ profile: FRAME_PROFILES.legacy33SlowFixedSn })
    await setup.run(setup.connect().then(readCard))
    const ups = setup.link.packets.filter((p) => p.direction === 'up')
    expect(ups.length).toBeGreaterThan(2)
    for (let i = 1; i < ups.length; i++) expect(ups[i].at - ups[i - 1].at).toBeGreaterThanOrEqual(200)
  })
})

describe('NFC (IsoDep)', () => {
  it.each(['android', 'ios'] as const)('reads the card on %s (iOS reports SW1 SW2 apart)', async (os) => {
    const card = new VirtualCard(DEMO_CARD)
    const nfc = fakeNfcAdapter(card, { os })
    const pending = waitForNfcCard(nfc, { timeoutMs: 1000 })
    await Promise.resolve()
    nfc.tap()
    const channel = await pending
    const reading = await readCard(channel)
    expect(reading).toMatchObject({ balance: 8000, file: { plate: '浙AD35288', cardNo: DEMO_CARD.cardNo } })
    expect(nfc.transceived).toBe(4)
    await channel.close()
  })

  it.each([
    [13000, 'NFC_UNSUPPORTED', '当前手机不支持NFC，请使用蓝牙设备圈存'],
    [13001, 'NFC_OFF', '手机NFC未开启，请在系统设置中打开NFC'],
    [13019, 'NFC_NOT_AUTHORIZED', '未授权使用NFC，请在设置中允许本应用使用NFC'],
  ] as const)('%i → %s', async (startError, code, message) => {
    const nfc = fakeNfcAdapter(new VirtualCard(DEMO_CARD), { os: 'android', startError })
    await expect(waitForNfcCard(nfc)).rejects.toMatchObject({ code, message })
  })

  it('a card taken away mid-session is NFC_TAG_LOST', async () => {
    const nfc = fakeNfcAdapter(new VirtualCard(DEMO_CARD), { os: 'android', removeAfter: 2 })
    const pending = waitForNfcCard(nfc, { timeoutMs: 1000 })
    await Promise.resolve()
    nfc.tap()
    await expect(readCard(await pending)).rejects.toMatchObject({ code: 'NFC_TAG_LOST' })
  })
})
