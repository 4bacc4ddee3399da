import { Text, View } from '@tarojs/components'
import NavBar from '../../components/nav-bar'
import './index.scss'

/** Bills arrive in a later release; this tab says so rather than showing made-up numbers. */
export default function BillsPage() {
  return (
    <View className="bills page">
      <NavBar title="账单" />
      <View className="card bills__notice">
        <Text className="bills__title">账单服务即将上线</Text>
        <Text className="bills__text muted">
          通行账单、通行流水和退费记录将在后续版本提供，届时可按月、季、年查看每辆车的账单。
        </Text>
      </View>
    </View>
  )
}
