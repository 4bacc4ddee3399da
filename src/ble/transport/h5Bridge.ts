// The H5 build's Bluetooth: a browser cannot reach an OBU the mini-programs' way, so H5 talks to
// the local server's virtual card boxes (tools/server/virtualBle.ts) over a WebSocket, behind the
// same platform API the Taro adapters implement (WeChat spelling, ArrayBuffer values). Only
// taro.ts selects it, under TARO_ENV === 'h5', so the mini-program bundles drop it.
import { bytesToHex, hexToBytes } from '../bytes'
import type { BinaryValue, BleApi, PlatformCharacteristic, PlatformDevice } from './platformApi'
import { VIRTUAL_BLE_PATH, type BridgeEvent, type BridgeReply, type BridgeRequest } from './h5BridgeProtocol'

/** What the bridge needs of a WebSocket: the browser's, or `ws` in Node tests. */
export interface BridgeSocket {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((event: unknown) => void) | null
  onclose: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
}

export type BridgeSocketFactory = (url: string) => BridgeSocket

export interface H5BridgeOptions {
  /** ws://host/dev/ble; by default the page's own origin (the local server serves H5) */
  url?: string
  /** by default the browser's WebSocket */
  connect?: BridgeSocketFactory
}

const OPEN = 1
const FULL = (short: string) => `0000${short}-0000-1000-8000-00805F9B34FB`
const SERVICE = FULL('FEE7')
const WRITE = FULL('FEC7')
const NOTIFY = FULL('FEC8')

type RequestBody = BridgeRequest extends infer R ? (R extends BridgeRequest ? Omit<R, 'id'> : never) : never
type ValueListener = Parameters<BleApi['onBLECharacteristicValueChange']>[0]
type StateListener = Parameters<BleApi['onBLEConnectionStateChange']>[0]
type FoundListener = Parameters<BleApi['onBluetoothDeviceFound']>[0]
type ValueChange = Parameters<ValueListener>[0]

interface PlatformFailure {
  errCode: number
  errMsg: string
}

const failure = (errCode: number, errMsg: string): PlatformFailure => ({ errCode, errMsg })

function defaultUrl(): string {
  const { protocol, host } = window.location
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${VIRTUAL_BLE_PATH}`
}

function defaultConnect(url: string): BridgeSocket {
  return new WebSocket(url) as unknown as BridgeSocket
}

function toHex(value: BinaryValue): string {
  return typeof value === 'string' ? value : bytesToHex(new Uint8Array(value))
}

function toArrayBuffer(hex: string): ArrayBuffer {
  const bytes = hexToBytes(hex)
  const buffer = new ArrayBuffer(bytes.length)
  new Uint8Array(buffer).set(bytes)
  return buffer
}

/** A BleApi over the local server's virtual card boxes; hand it to `new BleAdapter(api, 'weapp')`. */
export function createH5BridgeApi(options: H5BridgeOptions = {}): BleApi {
  const connectSocket = options.connect ?? defaultConnect
  let socket: BridgeSocket | null = null
  let opening: Promise<BridgeSocket> | null = null
  let nextId = 1
  const pending = new Map<
    number,
    { resolve: (r: BridgeReply) => void; reject: (e: PlatformFailure) => void }
  >()
  const connected = new Set<string>()
  const found = new Set<FoundListener>()
  const values = new Set<ValueListener>()
  const states = new Set<StateListener>()

  function onEvent(event: BridgeEvent): void {
    if (event.event === 'notify') {
      const change: ValueChange = {
        deviceId: event.deviceId,
        serviceId: SERVICE,
        characteristicId: NOTIFY,
        value: toArrayBuffer(event.value),
      }
      for (const l of values) l(change)
      return
    }
    if (!event.connected) connected.delete(event.deviceId)
    for (const l of states) l({ deviceId: event.deviceId, connected: event.connected })
  }

  /** The server went away: every call waiting fails and every link is reported lost. */
  function onClosed(closed: BridgeSocket): void {
    if (socket !== closed) return
    socket = null
    for (const { reject } of pending.values()) reject(failure(10006, 'bridge closed'))
    pending.clear()
    for (const deviceId of [...connected]) onEvent({ event: 'state', deviceId, connected: false })
  }

  function open(): Promise<BridgeSocket> {
    if (socket && socket.readyState === OPEN) return Promise.resolve(socket)
    opening ??= new Promise<BridgeSocket>((resolve, reject) => {
      const s = connectSocket(options.url ?? defaultUrl())
      s.onopen = () => {
        socket = s
        resolve(s)
      }
      s.onerror = () => reject(failure(10001, 'openBluetoothAdapter:fail 本机服务的虚拟卡盒不可用'))
      s.onclose = () => {
        reject(failure(10001, 'openBluetoothAdapter:fail 本机服务的虚拟卡盒不可用'))
        onClosed(s)
      }
      s.onmessage = ({ data }) => {
        if (typeof data !== 'string') return
        const message = JSON.parse(data) as BridgeReply | BridgeEvent
        if ('event' in message) {
          onEvent(message)
          return
        }
        const waiting = pending.get(message.id)
        pending.delete(message.id)
        waiting?.resolve(message)
      }
    }).finally(() => {
      opening = null
    })
    return opening
  }

  async function request(body: RequestBody): Promise<BridgeReply & { ok: true }> {
    const s = socket && socket.readyState === OPEN ? socket : null
    if (!s) throw failure(10000, 'not init')
    const id = nextId++
    const reply = await new Promise<BridgeReply>((resolve, reject) => {
      pending.set(id, { resolve, reject })
      s.send(JSON.stringify({ ...body, id }))
    })
    if (!reply.ok) throw failure(reply.errCode, reply.errMsg)
    return reply
  }

  const linked = (deviceId: string) => {
    if (!connected.has(deviceId)) throw failure(10006, 'no connection')
  }

  return {
    async openBluetoothAdapter() {
      await open()
      return { errMsg: 'openBluetoothAdapter:ok' }
    },
    async closeBluetoothAdapter() {
      const s = socket
      if (s) {
        s.close()
        onClosed(s)
      }
      return {}
    },
    async getBluetoothAdapterState() {
      return { available: socket !== null && socket.readyState === OPEN }
    },
    async startBluetoothDevicesDiscovery() {
      const { devices = [] } = await request({ op: 'scan' })
      const platformDevices: PlatformDevice[] = devices.map((d) => ({
        deviceId: d.deviceId,
        name: d.name,
        localName: d.name,
        RSSI: d.rssi,
        advertisServiceUUIDs: [SERVICE],
      }))
      // found after the discovery call returns, as on a phone
      setTimeout(() => {
        for (const l of found) l({ devices: platformDevices })
      }, 0)
      return {}
    },
    async stopBluetoothDevicesDiscovery() {
      return {}
    },
    onBluetoothDeviceFound: (callback) => void found.add(callback),
    offBluetoothDeviceFound: (callback) => {
      if (callback) found.delete(callback)
      else found.clear()
    },
    async createBLEConnection({ deviceId }) {
      await request({ op: 'connect', deviceId })
      connected.add(deviceId)
      return { errMsg: 'createBLEConnection:ok' }
    },
    async closeBLEConnection({ deviceId }) {
      if (!connected.has(deviceId)) return {}
      await request({ op: 'disconnect', deviceId }).catch(() => undefined)
      onEvent({ event: 'state', deviceId, connected: false })
      return {}
    },
    async getBLEDeviceServices({ deviceId }) {
      linked(deviceId)
      return { services: [{ uuid: SERVICE, isPrimary: true }] }
    },
    async getBLEDeviceCharacteristics({ deviceId }) {
      linked(deviceId)
      const characteristics: PlatformCharacteristic[] = [
        { uuid: WRITE, properties: { write: true } },
        { uuid: NOTIFY, properties: { indicate: true } },
      ]
      return { characteristics }
    },
    async notifyBLECharacteristicValueChange({ deviceId }) {
      linked(deviceId)
      await request({ op: 'notify', deviceId })
      return {}
    },
    onBLECharacteristicValueChange: (callback) => void values.add(callback),
    offBLECharacteristicValueChange: (callback) => {
      if (callback) values.delete(callback)
      else values.clear()
    },
    async writeBLECharacteristicValue({ deviceId, value }) {
      linked(deviceId)
      await request({ op: 'write', deviceId, value: toHex(value) })
      return {}
    },
    onBLEConnectionStateChange: (callback) => void states.add(callback),
    offBLEConnectionStateChange: (callback) => {
      if (callback) states.delete(callback)
      else states.clear()
    },
  }
}
