// A simulated BLE link between the phone's BLE API and virtual OBUs, on a virtual clock: MTU,
// connection interval, latency, packet loss (link-layer retransmission), duplicates and forced
// disconnects. fakeWx / fakeMy present it as the platforms do, values in each platform's encoding.
import type { BleApi, PlatformCharacteristic, PlatformDevice } from '../../src/ble/transport/platformApi'
import type { VirtualClock } from './clock'
import type { VirtualObu } from './obu'

export interface LinkOptions {
  clock: VirtualClock
  /** bytes per packet (ATT payload): 20 by default */
  mtu?: number
  connectionIntervalMs?: number
  /** extra one-way delay, ms */
  latencyMs?: number
  /** probability a packet needs a retransmission (costs one more interval) */
  lossRate?: number
  /** probability a notification is delivered twice */
  duplicateRate?: number
  /** deterministic randomness for loss and duplicates */
  random?: () => number
}

export interface SimDevice {
  deviceId: string
  name: string
  rssi: number
  obu: VirtualObu
  /** advertise FEE7 (some boxes only advertise a name) */
  advertisesService?: boolean
}

export type PacketDirection = 'up' | 'down'

interface Connection {
  device: SimDevice
  notifying: boolean
  lastUp: number
  lastDown: number
}

/** Deterministic PRNG (mulberry32) for reproducible fault runs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class SimLink {
  readonly clock: VirtualClock
  /** bytes per packet; a successful MTU exchange raises it */
  mtu: number
  /** largest MTU the device accepts (ATT MTU; payload = MTU - 3) */
  maxMtu = 247
  readonly interval: number
  private readonly latency: number
  private readonly lossRate: number
  private readonly duplicateRate: number
  private readonly random: () => number
  private readonly devices = new Map<string, SimDevice>()
  private readonly connections = new Map<string, Connection>()
  private dropAtPacket: number | null = null
  /** connect attempts still to fail (10003) */
  failConnects = 0
  /** writes still to fail with a system error (10008), as some Android phones do right after notify */
  failWrites = 0
  /** every packet that crossed the link, in order */
  readonly packets: Array<{ direction: PacketDirection; at: number; bytes: Uint8Array }> = []
  disconnects = 0

  notifyListener: ((deviceId: string, bytes: Uint8Array) => void) | null = null
  connectionListener: ((deviceId: string, connected: boolean) => void) | null = null

  constructor(options: LinkOptions) {
    this.clock = options.clock
    this.mtu = options.mtu ?? 20
    this.interval = options.connectionIntervalMs ?? 30
    this.latency = options.latencyMs ?? 0
    this.lossRate = options.lossRate ?? 0
    this.duplicateRate = options.duplicateRate ?? 0
    this.random = options.random ?? seededRandom(1)
  }

  addDevice(device: SimDevice): void {
    this.devices.set(device.deviceId, device)
  }

  get advertised(): SimDevice[] {
    return [...this.devices.values()]
  }

  device(deviceId: string): SimDevice | undefined {
    return this.devices.get(deviceId)
  }

  isConnected(deviceId: string): boolean {
    return this.connections.has(deviceId)
  }

  /** Force a disconnect when the `packet`-th packet (1-based, both directions, from now on) is about to cross. */
  dropAt(packet: number): void {
    this.dropAtPacket = this.packets.length + packet
  }

  /** The phone's link supervision timeout noticed the device is gone. */
  forceDisconnect(deviceId: string): void {
    const c = this.connections.get(deviceId)
    if (!c) return
    this.connections.delete(deviceId)
    this.disconnects += 1
    c.device.obu.disconnected()
    // the phone hears about it a little later (supervision timeout ~ a few intervals)
    this.clock.setTimeout(() => this.connectionListener?.(deviceId, false), this.interval * 3)
  }

  connect(deviceId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.clock.setTimeout(() => {
        const device = this.devices.get(deviceId)
        if (!device) return reject(new Error('no device'))
        if (this.failConnects > 0) {
          this.failConnects -= 1
          return reject(new Error('connection failed'))
        }
        const now = this.clock.now()
        this.connections.set(deviceId, { device, notifying: false, lastUp: now, lastDown: now })
        resolve()
      }, this.interval * 2)
    })
  }

  disconnect(deviceId: string): void {
    const c = this.connections.get(deviceId)
    if (!c) return
    this.connections.delete(deviceId)
    c.device.obu.disconnected()
  }

  enableNotify(deviceId: string): Promise<void> {
    const c = this.connections.get(deviceId)
    if (!c) return Promise.reject(new Error('not connected'))
    return new Promise((resolve) => {
      this.clock.setTimeout(() => {
        if (this.connections.get(deviceId) !== c) return resolve()
        c.notifying = true
        c.device.obu.connected((bytes) => this.notify(c, bytes))
        resolve()
      }, this.interval)
    })
  }

  /**
   * The first connection event strictly after both now and the direction's previous packet, plus
   * retransmissions and latency. Strictly after now: a packet sent in answer to one that arrived in
   * event T (the OBU's reply to the last chunk, the phone's next write after a notification) can
   * only go in event T + 1, so each chunk costs one interval (load-protocol.md §7).
   */
  private deliveryTime(after: number): number {
    const from = Math.max(after, this.clock.now())
    let t = (Math.floor(from / this.interval) + 1) * this.interval
    while (this.random() < this.lossRate) t += this.interval
    return t + this.latency
  }

  /** Count a packet; false when the forced disconnect happens here. */
  private cross(c: Connection, direction: PacketDirection, bytes: Uint8Array): boolean {
    if (this.connections.get(c.device.deviceId) !== c) return false
    if (this.dropAtPacket !== null && this.packets.length + 1 >= this.dropAtPacket) {
      this.dropAtPacket = null
      this.forceDisconnect(c.device.deviceId)
      return false
    }
    this.packets.push({ direction, at: this.clock.now(), bytes })
    return true
  }

  /** Phone write with response: resolves when the device acknowledged it. */
  write(deviceId: string, bytes: Uint8Array): Promise<void> {
    const c = this.connections.get(deviceId)
    if (!c) return Promise.reject(new Error('not connected'))
    if (bytes.length > this.mtu)
      return Promise.reject(new Error(`write of ${bytes.length} bytes over MTU ${this.mtu}`))
    const at = this.deliveryTime(c.lastUp)
    c.lastUp = at
    return new Promise((resolve, reject) => {
      this.clock.setTimeout(() => {
        if (!this.cross(c, 'up', bytes)) return reject(new Error('disconnected'))
        c.device.obu.receive(bytes)
        resolve()
      }, at - this.clock.now())
    })
  }

  private notify(c: Connection, bytes: Uint8Array): void {
    const copies = this.random() < this.duplicateRate ? 2 : 1
    for (let i = 0; i < copies; i++) {
      const at = this.deliveryTime(c.lastDown)
      c.lastDown = at
      this.clock.setTimeout(() => {
        if (!c.notifying || !this.cross(c, 'down', bytes)) return
        this.notifyListener?.(c.device.deviceId, bytes)
      }, at - this.clock.now())
    }
  }
}

export interface FakePlatformOptions {
  os?: 'android' | 'ios'
  bluetoothOn?: boolean
  locationOn?: boolean
  locationAuthorized?: boolean
  bluetoothAuthorized?: boolean
}

const FULL = (short: string) => `0000${short}-0000-1000-8000-00805F9B34FB`

function uuidFor(os: 'android' | 'ios', short: string): string {
  return os === 'android' ? FULL(short) : short
}

/** The BLE functions of `wx`, as Taro exposes them on WeChat (values are ArrayBuffers). */
export function fakeWx(link: SimLink, options: FakePlatformOptions = {}): BleApi & { written: Uint8Array[] } {
  const os = options.os ?? 'android'
  let opened = false
  const written: Uint8Array[] = []
  const fail = (errCode: number, errMsg: string) => Promise.reject({ errCode, errMsg })
  const later = <T>(value: T): Promise<T> =>
    new Promise((resolve) => link.clock.setTimeout(() => resolve(value), 1))
  const foundListeners = new Set<(r: { devices: PlatformDevice[] }) => void>()
  const valueListeners: Array<
    (r: { deviceId: string; characteristicId: string; serviceId?: string; value: ArrayBuffer }) => void
  > = []
  const stateListeners: Array<(r: { deviceId: string; connected: boolean }) => void> = []
  link.notifyListener = (deviceId, bytes) => {
    const value = new ArrayBuffer(bytes.length)
    new Uint8Array(value).set(bytes)
    for (const l of valueListeners)
      l({ deviceId, serviceId: uuidFor(os, 'FEE7'), characteristicId: uuidFor(os, 'FEC8'), value })
  }
  link.connectionListener = (deviceId, connected) => {
    for (const l of stateListeners) l({ deviceId, connected })
  }
  const connectedOr = (deviceId: string) => (link.isConnected(deviceId) ? null : fail(10006, 'no connection'))
  const api: BleApi & { written: Uint8Array[] } = {
    written,
    openBluetoothAdapter: () => {
      if (options.bluetoothOn === false) return fail(10001, 'openBluetoothAdapter:fail not available')
      opened = true
      return later({ errMsg: 'openBluetoothAdapter:ok' })
    },
    closeBluetoothAdapter: () => {
      opened = false
      return later({})
    },
    getSystemSetting: () => ({
      bluetoothEnabled: options.bluetoothOn !== false,
      locationEnabled: options.locationOn !== false,
    }),
    getAppAuthorizeSetting: () => ({
      bluetoothAuthorized: options.bluetoothAuthorized === false ? 'denied' : 'authorized',
      locationAuthorized: options.locationAuthorized === false ? 'denied' : 'authorized',
    }),
    startBluetoothDevicesDiscovery: () => {
      if (!opened) return fail(10000, 'not init')
      if (os === 'android' && options.locationAuthorized === false) {
        return fail(10001, 'startBluetoothDevicesDiscovery:fail location permission is denied')
      }
      if (os === 'android' && options.locationOn === false) {
        return fail(10001, 'startBluetoothDevicesDiscovery:fail location service is disabled')
      }
      link.clock.setTimeout(() => {
        const devices: PlatformDevice[] = link.advertised.map((d) => ({
          deviceId: d.deviceId,
          name: d.name,
          localName: d.name,
          RSSI: d.rssi,
          advertisServiceUUIDs: d.advertisesService === false ? [] : [uuidFor(os, 'FEE7')],
          advertisData: new ArrayBuffer(0),
        }))
        for (const l of foundListeners) l({ devices })
      }, 200)
      return later({})
    },
    stopBluetoothDevicesDiscovery: () => later({}),
    onBluetoothDeviceFound: (cb) => void foundListeners.add(cb),
    offBluetoothDeviceFound: (cb) => void (cb && foundListeners.delete(cb)),
    createBLEConnection: ({ deviceId }) => {
      if (!opened) return fail(10000, 'not init')
      if (!link.device(deviceId)) return fail(10002, 'no device')
      return link.connect(deviceId).then(
        () => ({ errMsg: 'createBLEConnection:ok' }),
        () => fail(10003, 'createBLEConnection:fail connection fail'),
      )
    },
    closeBLEConnection: ({ deviceId }) => {
      link.disconnect(deviceId)
      return later({})
    },
    getBLEDeviceServices: ({ deviceId }) =>
      connectedOr(deviceId) ??
      later({
        services: [
          { uuid: uuidFor(os, '180A'), isPrimary: true },
          { uuid: uuidFor(os, 'FEE7'), isPrimary: true },
        ],
      }),
    getBLEDeviceCharacteristics: ({ deviceId }) => {
      const characteristics: PlatformCharacteristic[] = [
        { uuid: uuidFor(os, 'FEC7'), properties: { write: true } },
        { uuid: uuidFor(os, 'FEC8'), properties: { indicate: true } },
        { uuid: uuidFor(os, 'FEC9'), properties: { read: true } },
      ]
      return connectedOr(deviceId) ?? later({ characteristics })
    },
    notifyBLECharacteristicValueChange: ({ deviceId }) =>
      connectedOr(deviceId) ?? link.enableNotify(deviceId).then(() => ({})),
    onBLECharacteristicValueChange: (cb) => void valueListeners.push(cb),
    writeBLECharacteristicValue: ({ deviceId, characteristicId, value }) => {
      if (!(value instanceof ArrayBuffer)) return fail(10013, 'value must be an ArrayBuffer')
      if (characteristicId.toUpperCase() !== uuidFor(os, 'FEC7').toUpperCase())
        return fail(10005, 'no characteristic')
      if (link.failWrites > 0) {
        link.failWrites -= 1
        return fail(10008, 'writeBLECharacteristicValue:fail system error')
      }
      const bytes = new Uint8Array(value.slice(0))
      written.push(bytes)
      return (
        connectedOr(deviceId) ??
        link.write(deviceId, bytes).then(
          () => ({}),
          () => fail(10006, 'no connection'),
        )
      )
    },
    onBLEConnectionStateChange: (cb) => void stateListeners.push(cb),
    setBLEMTU: ({ mtu }) => {
      if (os !== 'android' || mtu > link.maxMtu) return fail(10008, 'setBLEMTU:fail')
      link.mtu = mtu - 3
      return later({ mtu })
    },
  }
  return api
}

/** Alipay's `my` BLE functions with Alipay's names and hex-string values. */
export interface FakeMy {
  openBluetoothAdapter(o?: object): Promise<unknown>
  closeBluetoothAdapter(o?: object): Promise<unknown>
  startBluetoothDevicesDiscovery(o: { services?: string[] }): Promise<unknown>
  stopBluetoothDevicesDiscovery(o?: object): Promise<unknown>
  onBluetoothDeviceFound(cb: (r: { devices: PlatformDevice[] }) => void): void
  connectBLEDevice(o: { deviceId: string }): Promise<unknown>
  disconnectBLEDevice(o: { deviceId: string }): Promise<unknown>
  getBLEDeviceServices(o: {
    deviceId: string
  }): Promise<{ services: Array<{ serviceId: string; isPrimary: boolean }> }>
  getBLEDeviceCharacteristics(o: {
    deviceId: string
    serviceId: string
  }): Promise<{ characteristics: PlatformCharacteristic[] }>
  notifyBLECharacteristicValueChange(o: {
    deviceId: string
    serviceId: string
    characteristicId: string
    state: boolean
  }): Promise<unknown>
  onBLECharacteristicValueChange(
    cb: (r: { deviceId: string; serviceId: string; characteristicId: string; value: string }) => void,
  ): void
  writeBLECharacteristicValue(o: {
    deviceId: string
    serviceId: string
    characteristicId: string
    value: string | ArrayBuffer
  }): Promise<unknown>
  onBLEConnectionStateChanged(cb: (r: { deviceId: string; connected: boolean }) => void): void
  written: string[]
}

export function fakeMy(link: SimLink, options: FakePlatformOptions = {}): FakeMy {
  const os = options.os ?? 'android'
  let opened = false
  const written: string[] = []
  const fail = (error: number, errorMessage: string) => Promise.reject({ error, errorMessage })
  const later = <T>(value: T): Promise<T> =>
    new Promise((resolve) => link.clock.setTimeout(() => resolve(value), 1))
  const found: Array<(r: { devices: PlatformDevice[] }) => void> = []
  const values: Array<
    (r: { deviceId: string; serviceId: string; characteristicId: string; value: string }) => void
  > = []
  const states: Array<(r: { deviceId: string; connected: boolean }) => void> = []
  link.notifyListener = (deviceId, bytes) => {
    const value = Buffer.from(bytes).toString('hex')
    for (const l of values)
      l({ deviceId, serviceId: uuidFor(os, 'FEE7'), characteristicId: uuidFor(os, 'FEC8'), value })
  }
  link.connectionListener = (deviceId, connected) => {
    for (const l of states) l({ deviceId, connected })
  }
  const connectedOr = (deviceId: string) =>
    link.isConnected(deviceId) ? null : fail(10006, '当前连接已断开')
  return {
    written,
    openBluetoothAdapter: () => {
      if (options.bluetoothOn === false) return fail(12, '蓝牙未打开')
      if (options.bluetoothAuthorized === false) return fail(14, '未授权支付宝使用蓝牙功能')
      opened = true
      return later({ isSupportBLE: true })
    },
    closeBluetoothAdapter: () => later({}),
    startBluetoothDevicesDiscovery: () => {
      if (!opened) return fail(10000, '未初始化蓝牙适配器')
      link.clock.setTimeout(() => {
        const devices = link.advertised.map((d) => ({
          deviceId: d.deviceId,
          deviceName: d.name,
          localName: d.name,
          RSSI: d.rssi,
          advertisServiceUUIDs: d.advertisesService === false ? [] : [uuidFor(os, 'FEE7')],
          advertisData: '',
        }))
        for (const l of found) l({ devices })
      }, 200)
      return later({})
    },
    stopBluetoothDevicesDiscovery: () => later({}),
    onBluetoothDeviceFound: (cb) => void found.push(cb),
    connectBLEDevice: ({ deviceId }) => {
      if (!opened) return fail(10000, '未初始化蓝牙适配器')
      return link.connect(deviceId).then(
        () => ({}),
        () => fail(10003, '连接失败'),
      )
    },
    disconnectBLEDevice: ({ deviceId }) => {
      link.disconnect(deviceId)
      return later({})
    },
    getBLEDeviceServices: ({ deviceId }) =>
      connectedOr(deviceId) ?? later({ services: [{ serviceId: uuidFor(os, 'FEE7'), isPrimary: true }] }),
    getBLEDeviceCharacteristics: ({ deviceId }) =>
      connectedOr(deviceId) ??
      later({
        characteristics: [
          { characteristicId: uuidFor(os, 'FEC7'), properties: { write: true } },
          { characteristicId: uuidFor(os, 'FEC8'), properties: { notify: true } },
        ],
      }),
    notifyBLECharacteristicValueChange: ({ deviceId }) =>
      connectedOr(deviceId) ?? link.enableNotify(deviceId).then(() => ({})),
    onBLECharacteristicValueChange: (cb) => void values.push(cb),
    writeBLECharacteristicValue: ({ deviceId, value }) => {
      if (typeof value !== 'string' || !/^[0-9a-fA-F]*$/.test(value))
        return fail(10013, '写入数据须为十六进制字符串')
      written.push(value)
      return (
        connectedOr(deviceId) ??
        link.write(deviceId, Uint8Array.from(Buffer.from(value, 'hex'))).then(
          () => ({}),
          () => fail(10006, '当前连接已断开'),
        )
      )
    },
    onBLEConnectionStateChanged: (cb) => void states.push(cb),
  }
}

/**
 * What Taro's Alipay plugin does to `my` (toolchain.md): renames three calls and maps service ids
 * in getBLEDeviceServices results to `uuid`; values pass through untouched.
 */
export function taroOverMy(my: FakeMy): BleApi {
  return {
    openBluetoothAdapter: (o) => my.openBluetoothAdapter(o),
    closeBluetoothAdapter: (o) => my.closeBluetoothAdapter(o),
    startBluetoothDevicesDiscovery: (o) => my.startBluetoothDevicesDiscovery(o),
    stopBluetoothDevicesDiscovery: (o) => my.stopBluetoothDevicesDiscovery(o),
    onBluetoothDeviceFound: (cb) => my.onBluetoothDeviceFound(cb),
    createBLEConnection: (o) => my.connectBLEDevice(o),
    closeBLEConnection: (o) => my.disconnectBLEDevice(o),
    getBLEDeviceServices: async (o) => {
      const { services } = await my.getBLEDeviceServices(o)
      return { services: services.map((s) => ({ uuid: s.serviceId, isPrimary: s.isPrimary })) }
    },
    getBLEDeviceCharacteristics: (o) => my.getBLEDeviceCharacteristics(o),
    notifyBLECharacteristicValueChange: (o) => my.notifyBLECharacteristicValueChange(o),
    onBLECharacteristicValueChange: (cb) => my.onBLECharacteristicValueChange(cb),
    writeBLECharacteristicValue: (o) => my.writeBLECharacteristicValue(o),
    onBLEConnectionStateChange: (cb) => my.onBLEConnectionStateChanged(cb),
  }
}
