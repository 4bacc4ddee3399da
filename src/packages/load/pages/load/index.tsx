import { useMemo } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import NavBar from '../../../../components/nav-bar'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import LoadRunView from '../../components/load-run'
import { moneyRoutes } from '../../../money/routes'
import { createLoadFlow, NO_BLUETOOTH } from '../../platform'
import '../../common.scss'

export default function LoadPage() {
  useRequireLogin()
  const { params } = useRouter()
  const cardId = params.cardId ?? ''
  // Taro H5 hands query values over still encoded (an Android MAC's colons arrive as %3A)
  const deviceId = decodeURIComponent(params.deviceId ?? '')
  const transport = params.transport === 'nfc' ? 'nfc' : 'ble'
  const flow = useMemo(
    () => createLoadFlow(cardId, transport === 'nfc' ? { transport } : { transport, deviceId }),
    [cardId, deviceId, transport],
  )
  const leave = () =>
    void Taro.navigateBack().catch(() => Taro.redirectTo({ url: moneyRoutes.records('load') }))
  if (!flow) {
    return (
      <View className="load-run load-page">
        <NavBar title="圈存" />
        <Text className="error-text load-run__unsupported">{NO_BLUETOOTH}</Text>
      </View>
    )
  }
  return <LoadRunView flow={flow} onLeave={leave} />
}
