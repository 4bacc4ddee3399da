// The slice of Taro's BLE API the transport uses, with the WeChat names Taro exposes. On Alipay
// Taro renames the calls (createBLEConnection → my.connectBLEDevice …) but passes values through:
// hex strings instead of ArrayBuffers and characteristicId instead of uuid. BleAdapter handles that.

export type BinaryValue = ArrayBuffer | string

export interface PlatformError {
  errCode?: number
  errMsg?: string
  /** Alipay */
  error?: number
  errorMessage?: string
}

export interface PlatformDevice {
  deviceId: string
  name?: string
  localName?: string
  deviceName?: string
  RSSI?: number
  advertisServiceUUIDs?: string[]
  advertisData?: BinaryValue
}

export interface PlatformService {
  uuid?: string
  serviceId?: string
  isPrimary?: boolean
}

export interface PlatformCharacteristic {
  uuid?: string
  characteristicId?: string
  properties?: {
    read?: boolean
    write?: boolean
    notify?: boolean
    indicate?: boolean
    writeNoResponse?: boolean
  }
}

export interface BleApi {
  openBluetoothAdapter(options?: object): Promise<unknown>
  closeBluetoothAdapter(options?: object): Promise<unknown>
  getBluetoothAdapterState?(options?: object): Promise<{ available: boolean; discovering?: boolean }>
  startBluetoothDevicesDiscovery(options: {
    services?: string[]
    allowDuplicatesKey?: boolean
  }): Promise<unknown>
  stopBluetoothDevicesDiscovery(options?: object): Promise<unknown>
  onBluetoothDeviceFound(callback: (result: { devices: PlatformDevice[] }) => void): void
  offBluetoothDeviceFound?(callback?: (result: { devices: PlatformDevice[] }) => void): void
  createBLEConnection(options: { deviceId: string; timeout?: number }): Promise<unknown>
  closeBLEConnection(options: { deviceId: string }): Promise<unknown>
  getBLEDeviceServices(options: { deviceId: string }): Promise<{ services: PlatformService[] }>
  getBLEDeviceCharacteristics(options: {
    deviceId: string
    serviceId: string
  }): Promise<{ characteristics: PlatformCharacteristic[] }>
  notifyBLECharacteristicValueChange(options: {
    deviceId: string
    serviceId: string
    characteristicId: string
    state: boolean
  }): Promise<unknown>
  onBLECharacteristicValueChange(
    callback: (result: {
      deviceId: string
      serviceId?: string
      characteristicId: string
      value: BinaryValue
    }) => void,
  ): void
  offBLECharacteristicValueChange?(callback?: (result: { value: BinaryValue }) => void): void
  writeBLECharacteristicValue(options: {
    deviceId: string
    serviceId: string
    characteristicId: string
    value: BinaryValue
  }): Promise<unknown>
  onBLEConnectionStateChange(callback: (result: { deviceId: string; connected: boolean }) => void): void
  offBLEConnectionStateChange?(callback?: (result: { deviceId: string; connected: boolean }) => void): void
  setBLEMTU?(options: { deviceId: string; mtu: number }): Promise<unknown>
  /** WeChat 2.20.1+: system switches (Android location) */
  getSystemSetting?(): { bluetoothEnabled?: boolean; locationEnabled?: boolean }
  getAppAuthorizeSetting?(): { bluetoothAuthorized?: string; locationAuthorized?: string }
}

export type BlePlatform = 'weapp' | 'alipay'
