// The one place where WeChat and Alipay differ: value encoding, id field names, error shapes.
import { bytesToHex, hexToBytes } from '../bytes'
import { CardLinkError, type CardLinkErrorCode } from '../errors'
import type { BinaryValue, BleApi, BlePlatform, PlatformDevice } from './platformApi'

export interface ScannedDevice {
  deviceId: string
  name: string
  rssi: number
  serviceUuids: string[]
  advertisData: Uint8Array
}

/** `FEE7` and `0000FEE7-0000-1000-8000-00805F9B34FB` are the same id. */
export function shortUuid(uuid: string): string {
  const u = uuid.toUpperCase()
  const full = /^0000([0-9A-F]{4})-0000-1000-8000-00805F9B34FB$/.exec(u)
  return full ? full[1] : u
}

export function sameUuid(a: string, b: string): boolean {
  return shortUuid(a) === shortUuid(b)
}

const WECHAT_CODES: Record<number, CardLinkErrorCode> = {
  10000: 'BLE_NOT_INIT',
  10001: 'BLE_UNAVAILABLE',
  10002: 'BLE_NO_DEVICE',
  10003: 'BLE_CONNECT_FAILED',
  10004: 'BLE_NO_SERVICE',
  10005: 'BLE_NO_CHARACTERISTIC',
  10006: 'BLE_DISCONNECTED',
  10007: 'BLE_PROPERTY',
  10008: 'BLE_SYSTEM',
  10009: 'BLE_NOT_SUPPORTED',
  10010: 'BLE_SYSTEM',
  10011: 'BLE_SYSTEM',
  10012: 'BLE_TIMEOUT',
  10013: 'BLE_NO_DEVICE',
}

/** Alipay's own small codes (its 100xx codes match WeChat's). */
const ALIPAY_CODES: Record<number, CardLinkErrorCode> = {
  12: 'BLE_UNAVAILABLE',
  13: 'BLE_DISCONNECTED',
  14: 'BLE_NOT_AUTHORIZED',
  15: 'BLE_UNKNOWN',
}

/** Any platform failure → CardLinkError with a Chinese message. */
export function bleError(raw: unknown): CardLinkError {
  if (raw instanceof CardLinkError) return raw
  const e = (typeof raw === 'object' && raw !== null ? raw : {}) as {
    errCode?: number
    errMsg?: string
    error?: number
    errorMessage?: string
    message?: string
  }
  const code = e.errCode ?? e.error
  const text = e.errMsg ?? e.errorMessage ?? e.message ?? String(raw)
  const detail = `${code ?? ''} ${text}`.trim()
  if (/location permission is denied|permission.*location|位置权限/i.test(text))
    return new CardLinkError('BLE_LOCATION_DENIED', detail)
  if (/location service is disabled|location.*(disabled|off)|定位服务/i.test(text))
    return new CardLinkError('BLE_LOCATION_OFF', detail)
  if (/auth deny|authorize|not authorized|未授权/i.test(text) && code === undefined) {
    return new CardLinkError('BLE_NOT_AUTHORIZED', detail)
  }
  if (code !== undefined) {
    const mapped = WECHAT_CODES[code] ?? ALIPAY_CODES[code]
    if (mapped) return new CardLinkError(mapped, detail)
  }
  return new CardLinkError('BLE_UNKNOWN', detail)
}

function toBytes(value: BinaryValue): Uint8Array {
  return typeof value === 'string' ? hexToBytes(value) : new Uint8Array(value.slice(0))
}

export type NotifyListener = (deviceId: string, characteristicId: string, bytes: Uint8Array) => void
export type ConnectionListener = (deviceId: string, connected: boolean) => void

export class BleAdapter {
  private readonly notifyListeners = new Set<NotifyListener>()
  private readonly connectionListeners = new Set<ConnectionListener>()
  private subscribed = false

  constructor(
    private readonly api: BleApi,
    readonly platform: BlePlatform,
  ) {}

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (e) {
      throw bleError(e)
    }
  }

  private encodeValue(bytes: Uint8Array): BinaryValue {
    if (this.platform === 'alipay') return bytesToHex(bytes)
    const buffer = new ArrayBuffer(bytes.length)
    new Uint8Array(buffer).set(bytes)
    return buffer
  }

  /** Listeners are registered once on the platform and fanned out here (platforms keep them globally). */
  private subscribe(): void {
    if (this.subscribed) return
    this.subscribed = true
    this.api.onBLECharacteristicValueChange((result) => {
      const bytes = toBytes(result.value)
      for (const l of this.notifyListeners) l(result.deviceId, result.characteristicId, bytes)
    })
    this.api.onBLEConnectionStateChange((result) => {
      for (const l of this.connectionListeners) l(result.deviceId, result.connected)
    })
  }

  onNotify(listener: NotifyListener): () => void {
    this.subscribe()
    this.notifyListeners.add(listener)
    return () => this.notifyListeners.delete(listener)
  }

  onConnectionChange(listener: ConnectionListener): () => void {
    this.subscribe()
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  /** Checks before scanning: Bluetooth on, app authorised, and on Android the location switch. */
  async open(): Promise<void> {
    const setting = this.api.getSystemSetting?.()
    const auth = this.api.getAppAuthorizeSetting?.()
    if (auth?.bluetoothAuthorized === 'denied')
      throw new CardLinkError('BLE_NOT_AUTHORIZED', 'app bluetooth denied')
    if (setting && setting.bluetoothEnabled === false)
      throw new CardLinkError('BLE_UNAVAILABLE', 'system bluetooth off')
    await this.call(() => this.api.openBluetoothAdapter({}))
    this.subscribe()
  }

  /** Android scanning needs location: call before startScan on Android. */
  checkLocation(): void {
    const setting = this.api.getSystemSetting?.()
    const auth = this.api.getAppAuthorizeSetting?.()
    if (auth?.locationAuthorized === 'denied')
      throw new CardLinkError('BLE_LOCATION_DENIED', 'app location denied')
    if (setting && setting.locationEnabled === false)
      throw new CardLinkError('BLE_LOCATION_OFF', 'system location off')
  }

  async close(): Promise<void> {
    await this.call(() => this.api.closeBluetoothAdapter({}))
  }

  async startScan(
    services: string[],
    onDevices: (devices: ScannedDevice[]) => void,
  ): Promise<() => Promise<void>> {
    const handler = (result: { devices: PlatformDevice[] }) =>
      onDevices(result.devices.map((d) => this.device(d)))
    this.api.onBluetoothDeviceFound(handler)
    await this.call(() => this.api.startBluetoothDevicesDiscovery({ services, allowDuplicatesKey: false }))
    return async () => {
      this.api.offBluetoothDeviceFound?.(handler)
      await this.call(() => this.api.stopBluetoothDevicesDiscovery({}))
    }
  }

  private device(d: PlatformDevice): ScannedDevice {
    return {
      deviceId: d.deviceId,
      name: d.localName || d.name || d.deviceName || '',
      rssi: d.RSSI ?? 0,
      serviceUuids: (d.advertisServiceUUIDs ?? []).map(shortUuid),
      advertisData: d.advertisData === undefined ? new Uint8Array(0) : toBytes(d.advertisData),
    }
  }

  async connect(deviceId: string, timeoutMs: number): Promise<void> {
    await this.call(() => this.api.createBLEConnection({ deviceId, timeout: timeoutMs }))
  }

  async disconnect(deviceId: string): Promise<void> {
    await this.call(() => this.api.closeBLEConnection({ deviceId }))
  }

  /** Service ids as the platform spells them (needed verbatim in later calls). */
  async services(deviceId: string): Promise<string[]> {
    const { services } = await this.call(() => this.api.getBLEDeviceServices({ deviceId }))
    return services.map((s) => s.uuid ?? s.serviceId ?? '')
  }

  async characteristics(
    deviceId: string,
    serviceId: string,
  ): Promise<Array<{ id: string; notify: boolean; write: boolean }>> {
    const { characteristics } = await this.call(() =>
      this.api.getBLEDeviceCharacteristics({ deviceId, serviceId }),
    )
    return characteristics.map((c) => ({
      id: c.uuid ?? c.characteristicId ?? '',
      notify: Boolean(c.properties?.notify || c.properties?.indicate),
      write: Boolean(c.properties?.write || c.properties?.writeNoResponse),
    }))
  }

  async enableNotify(deviceId: string, serviceId: string, characteristicId: string): Promise<void> {
    await this.call(() =>
      this.api.notifyBLECharacteristicValueChange({ deviceId, serviceId, characteristicId, state: true }),
    )
  }

  async write(
    deviceId: string,
    serviceId: string,
    characteristicId: string,
    bytes: Uint8Array,
  ): Promise<void> {
    const value = this.encodeValue(bytes)
    await this.call(() =>
      this.api.writeBLECharacteristicValue({ deviceId, serviceId, characteristicId, value }),
    )
  }

  /** Android only; failures are harmless (20-byte chunks stay the default). */
  async setMtu(deviceId: string, mtu: number): Promise<boolean> {
    if (!this.api.setBLEMTU) return false
    try {
      await this.api.setBLEMTU({ deviceId, mtu })
      return true
    } catch {
      return false
    }
  }
}
