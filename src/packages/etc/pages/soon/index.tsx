import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import './index.scss'

/** Features of a later release (recharge, pre-allocation…): a notice, never a fake payment. */
export function SoonView({ feature }: { feature: string }) {
  return (
    <View className="etc-soon page">
      <View className="card etc-soon__card">
        <Text className="etc-soon__title">{feature ? `${feature}功能即将上线` : '即将上线'}</Text>
        <Text className="etc-soon__text muted">该功能正在建设中，敬请期待。</Text>
        <Button size="small" className="etc-soon__back" onClick={() => void Taro.navigateBack()}>
          返回
        </Button>
      </View>
    </View>
  )
}

export default function SoonPage() {
  const { params } = useRouter()
  return <SoonView feature={decodeURIComponent(params.feature ?? '')} />
}
