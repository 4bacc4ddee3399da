import { useCallback, useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ScannedDevice } from '../../../../ble/transport/adapter'
import { CardLinkError } from '../../../../ble/errors'
import NavBar from '../../../../components/nav-bar'
import PrivacyPopup, { confirmPrivacyPolicy } from '../../../../components/privacy-popup'
import { NO_BLUETOOTH } from '../../platform'
import '../../common.scss'

export type Scan = () => Promise<ScannedDevice[]>

export const PRIVACY_REFUSED = '同意隐私政策后才能使用蓝牙连接设备，请点击重新搜索'

/** Signal strength in words: the nearest device is usually the car's own. */
export function signalLabel(rssi: number): string {
  if (rssi >= -60) return '信号强'
  if (rssi >= -80) return '信号中'
  return '信号弱'
}

/** The scan list of nearby ETC devices; the driver's page and the outlet operator's (packages/outlet) wrap it. */
export default function DeviceList({
  scan,
  onPick,
}: {
  scan: Scan | null
  onPick: (device: ScannedDevice) => void
}) {
  const [devices, setDevices] = useState<ScannedDevice[]>([])
  const [scanning, setScanning] = useState(false)
  const [error, setError] = useState<string | null>(scan ? null : NO_BLUETOOTH)
  const busy = useRef(false)

  const run = useCallback(async () => {
    if (!scan || busy.current) return
    busy.current = true
    setScanning(true)
    setError(null)
    try {
      // Alipay: our notice before the platform's own popup; WeChat asks through <PrivacyPopup />
      if (!(await confirmPrivacyPolicy('bluetooth'))) {
        setError(PRIVACY_REFUSED)
        return
      }
      const found = await scan()
      setDevices(found)
      if (found.length === 0) setError(new CardLinkError('BLE_NO_DEVICE').message)
    } catch (e) {
      setError(e instanceof CardLinkError ? e.message : '搜索设备失败，请重试')
    } finally {
      busy.current = false
      setScanning(false)
    }
  }, [scan])

  useEffect(() => {
    void run()
  }, [run])

  return (
    <View className="load-device load-page">
      <NavBar title="选择设备" />
      <View className="load-section">
        <Text className="load-section__title">附近的ETC设备</Text>
        <Text className="load-note">请打开手机蓝牙，插好储值卡并唤醒OBU或读卡器</Text>
        {scanning ? <Text className="load-note load-device__scanning">正在搜索设备…</Text> : null}
        {devices.map((d) => (
          <View key={d.deviceId} className="load-option load-device__item" onClick={() => onPick(d)}>
            <Text className="load-device__name">{d.name || '未命名设备'}</Text>
            <Text className="muted">{signalLabel(d.rssi)}</Text>
          </View>
        ))}
        {error ? <Text className="error-text load-device__error">{error}</Text> : null}
      </View>
      {scan ? (
        <View className="load-actions">
          <Button block className="load-device__rescan" disabled={scanning} onClick={() => void run()}>
            重新搜索
          </Button>
        </View>
      ) : null}
      {/* Bluetooth is a privacy API on WeChat: the platform asks through the page on top */}
      <PrivacyPopup />
    </View>
  )
}
