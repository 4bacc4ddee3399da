// Production wiring: Taro's API object as the platform BLE / NFC API. Taro's typings are richer than
// the slice the transport uses and spell callbacks differently, so the boundary casts once here.
import Taro from '@tarojs/taro'
import { BleAdapter } from './adapter'
import type { NfcAdapterApi } from './nfc'
import type { BleApi, BlePlatform } from './platformApi'

export function currentBlePlatform(): BlePlatform | null {
  if (process.env.TARO_ENV === 'weapp') return 'weapp'
  if (process.env.TARO_ENV === 'alipay') return 'alipay'
  // Taro's H5 build has no BLE: H5 reaches the virtual card box through the local server instead
  return null
}

export function createTaroBleAdapter(): BleAdapter | null {
  const platform = currentBlePlatform()
  return platform ? new BleAdapter(Taro as unknown as BleApi, platform) : null
}

/** WeChat only: Alipay offers no IsoDep equivalent, so the load page offers Bluetooth only there. */
export function taroNfcAdapter(): NfcAdapterApi | null {
  if (process.env.TARO_ENV !== 'weapp' || typeof Taro.getNFCAdapter !== 'function') return null
  return Taro.getNFCAdapter() as unknown as NfcAdapterApi
}
