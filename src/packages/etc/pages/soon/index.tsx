import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import NavBar from '../../../../components/nav-bar'
import './index.scss'

/**
 * Features of a later release the app links to (etcRoutes.soon), by the name callers pass, with
 * the heading each shows. The page never prints its query text: a link could say anything.
 */
const features: Readonly<Record<string, string>> = {
  充值: '充值',
  recharge: '充值',
  预分配: '预分配',
  allocate: '预分配',
  圈存: '圈存',
  load: '圈存',
  储值卡资金服务: '储值卡资金服务',
  storedFunds: '储值卡资金服务',
}

/** The fixed Chinese name of a known feature; null for anything else. */
export function featureTitle(feature: string | undefined): string | null {
  if (!feature || !Object.prototype.hasOwnProperty.call(features, feature)) return null
  return features[feature]
}

/** Features of a later release (recharge, pre-allocation…): a notice, never a fake payment. */
export function SoonView({ feature }: { feature: string | undefined }) {
  const title = featureTitle(feature)
  return (
    <View className="etc-soon page">
      <NavBar title={title ?? '即将上线'} />
      <View className="card etc-soon__card">
        <Text className="etc-soon__title">{title ? `${title}功能即将上线` : '该功能即将上线'}</Text>
        <Text className="etc-soon__text muted">该功能正在建设中，敬请期待。</Text>
        <Button size="small" className="etc-soon__back" onClick={() => void Taro.navigateBack()}>
          返回
        </Button>
      </View>
    </View>
  )
}

function decoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

export default function SoonPage() {
  const { params } = useRouter()
  return <SoonView feature={decoded(params.feature)} />
}
