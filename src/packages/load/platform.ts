/**
 * The platform side of the load pages, in one place: the BLE adapter (src/ble/transport/taro.ts;
 * H5 reaches the virtual card box once its bridge answers there) and WeChat's NFC.
 */
import Taro from '@tarojs/taro'
import type { BleAdapter } from '../../ble/transport/adapter'
import { createTaroBleAdapter, taroNfcAdapter } from '../../ble/transport/taro'
import { newBatchKey } from '../../components/fleet-batch/useFleetBatch'
import { call } from '../../services/api'
import { driverLoadApi, LoadFlow, type LoadCaller, type LoadKeyStore } from './flow'
import { bleLink, nfcLink, type DeviceProfiles } from './links'
import { FRAME_PROFILES, type FrameProfileId } from '../../ble/frames/profiles'
import type { LoadTransport } from './routes'

let adapter: BleAdapter | null | undefined

/** One adapter for the scan and the load pages (null where this build has no Bluetooth). */
export function bleAdapter(): BleAdapter | null {
  if (adapter === undefined) adapter = createTaroBleAdapter()
  return adapter
}

/** NFC needs WeChat's IsoDep; Alipay and H5 offer Bluetooth only. */
export function nfcOffered(): boolean {
  return process.env.TARO_ENV === 'weapp'
}

export const BLUETOOTH_ONLY = '当前平台仅支持通过蓝牙设备（OBU或读卡器）圈存，暂不支持NFC贴卡圈存'
export const NO_BLUETOOTH = '当前环境不支持蓝牙，请在微信或支付宝小程序中圈存'

const KEYS = 'etc.load.openKeys'

function readKeys(): Record<string, string> {
  try {
    const stored: unknown = Taro.getStorageSync(KEYS)
    return typeof stored === 'object' && stored !== null ? (stored as Record<string, string>) : {}
  } catch {
    return {}
  }
}

/** The open load's key per card (or outlet record), in storage: it outlives the page and a restart of the app. */
export const storedLoadKeys: LoadKeyStore = {
  get: (cardId) => readKeys()[cardId] ?? null,
  set: (cardId, key) => Taro.setStorageSync(KEYS, { ...readKeys(), [cardId]: key }),
  clear: (cardId) => {
    const keys = readKeys()
    delete keys[cardId]
    Taro.setStorageSync(KEYS, keys)
  },
}

const PROFILES = 'etc.load.deviceProfiles'

function readProfiles(): Record<string, string> {
  try {
    const stored: unknown = Taro.getStorageSync(PROFILES)
    return typeof stored === 'object' && stored !== null ? (stored as Record<string, string>) : {}
  } catch {
    return {}
  }
}

/** Each device's vendor profile once found (links.ts probes a device seen for the first time). */
export const storedDeviceProfiles: DeviceProfiles = {
  get: (deviceId) => {
    const id = readProfiles()[deviceId]
    return id !== undefined && id in FRAME_PROFILES ? (id as FrameProfileId) : null
  },
  set: (deviceId, profile) => Taro.setStorageSync(PROFILES, { ...readProfiles(), [deviceId]: profile }),
}

const callLoad: LoadCaller = (action, payload) => call(action, payload)

export function createLoadFlow(
  cardId: string,
  link: { transport: 'ble'; deviceId: string } | { transport: Exclude<LoadTransport, 'ble'> },
): LoadFlow | null {
  let connect
  if (link.transport === 'ble') {
    const ble = bleAdapter()
    if (!ble) return null
    connect = bleLink(ble, link.deviceId, { profiles: storedDeviceProfiles })
  } else {
    const nfc = taroNfcAdapter()
    if (!nfc) return null
    connect = nfcLink(nfc)
  }
  return new LoadFlow({
    api: driverLoadApi(callLoad, cardId),
    connect,
    newKey: newBatchKey,
    keys: storedLoadKeys,
  })
}
