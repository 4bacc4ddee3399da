import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import NavBar from '../../../../components/nav-bar'
import { operatorLogout } from '../../../operator/shared/api'
import OutletGate from '../../components/outlet-gate'
import { outletRoutes } from '../../routes'
import { operatorRoutes, useOutletSession } from '../../shared/useOutletSession'
import '../../common.scss'

/** 网点工作台 (seed 002 主页): 用户卡充值 and 充值记录 for the outlet's operator. */
export default function OutletHomePage() {
  const { session, allowed } = useOutletSession()

  const logout = async () => {
    await operatorLogout()
    void Taro.reLaunch({ url: operatorRoutes.login })
  }

  return (
    <View className="outlet-home outlet-page">
      <NavBar title="网点工作台" />
      {session ? (
        <View className="outlet-who">
          <Text className="muted outlet-home__who">
            操作员 {session.operator.name}（{session.operator.loginName}）
          </Text>
          <Text className="outlet-link outlet-home-logout" onClick={() => void logout()}>
            退出
          </Text>
        </View>
      ) : null}
      <OutletGate session={session} allowed={allowed}>
        <View className="outlet-entries">
          <View
            className="outlet-entry outlet-home-recharge"
            onClick={() => void Taro.navigateTo({ url: outletRoutes.device({ task: 'read' }) })}
          >
            <Text className="outlet-entry__title">用户卡充值</Text>
            <Text className="outlet-entry__hint muted">读卡、在线支付、写卡</Text>
          </View>
          <View
            className="outlet-entry outlet-home-records"
            onClick={() => void Taro.navigateTo({ url: outletRoutes.records })}
          >
            <Text className="outlet-entry__title">充值记录</Text>
            <Text className="outlet-entry__hint muted">查询、未圈存、圈存</Text>
          </View>
        </View>
      </OutletGate>
    </View>
  )
}
