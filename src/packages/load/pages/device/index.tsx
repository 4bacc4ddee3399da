import { useCallback } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import DeviceList, { type Scan } from '../../components/device-list'
import { scanEtcDevices } from '../../links'
import { bleAdapter } from '../../platform'
import { loadRoutes } from '../../routes'
import '../../common.scss'

export default function LoadDevicePage() {
  useRequireLogin()
  const { params } = useRouter()
  const cardId = params.cardId ?? ''
  const adapter = bleAdapter()
  const scan = useCallback<Scan>(() => (adapter ? scanEtcDevices(adapter) : Promise.resolve([])), [adapter])
  return (
    <DeviceList
      scan={adapter ? scan : null}
      onPick={(d) =>
        void Taro.redirectTo({ url: loadRoutes.load(cardId, { transport: 'ble', deviceId: d.deviceId }) })
      }
    />
  )
}
