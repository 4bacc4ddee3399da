// Production wiring: Taro's API object as the platform BLE / NFC API. Taro's typings are richer than
// the slice the transport uses and spell callbacks differently, so the boundary casts once here.
import Taro from '@tarojs/taro'
import { BleAdapter } from './adapter'
import { createH5BridgeApi } from './h5Bridge'
import type { NfcAdapterApi } from './nfc'
import type { BleApi, BlePlatform } from './platformApi'

/** 'h5': the virtual card boxes of the local server, over its WebSocket (h5Bridge.ts). */
export type AppBlePlatform = BlePlatform | 'h5'

export function currentBlePlatform(): AppBlePlatform | null {
  if (process.env.TARO_ENV === 'weapp') return 'weapp'
  if (process.env.TARO_ENV === 'alipay') return 'alipay'
  // Taro's H5 build has no BLE: H5 reaches the virtual card boxes through the local server instead
  if (process.env.TARO_ENV === 'h5') return 'h5'
  return null
}

export function createTaroBleAdapter(): BleAdapter | null {
  const platform = currentBlePlatform()
  if (platform === null) return null
  // the literal comparison is what lets webpack drop the bridge from the mini-program bundles;
  // the bridge speaks WeChat's spelling (ArrayBuffer values)
  if (process.env.TARO_ENV === 'h5') return new BleAdapter(createH5BridgeApi(), 'weapp')
  return platform === 'h5' ? null : new BleAdapter(Taro as unknown as BleApi, platform)
}

/** WeChat only: Alipay offers no IsoDep equivalent, so the load page offers Bluetooth only there. */
export function taroNfcAdapter(): NfcAdapterApi | null {
  if (process.env.TARO_ENV !== 'weapp' || typeof Taro.getNFCAdapter !== 'function') return null
  return Taro.getNFCAdapter() as unknown as NfcAdapterApi
}
