import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import NavBar from '../../components/nav-bar'
import VehicleCard from '../../components/vehicle-card'
import { useSession } from '../../hooks/useSession'
import { usePagedList } from '../../hooks/usePagedList'
import { etcRoutes } from '../../packages/etc/routes'
import ErrorRetry from '../../components/error-retry'
import './index.scss'

export default function HomePage() {
  const session = useSession({ requireLogin: true })
  const vehicles = usePagedList(
    'vehicles.list',
    { scope: 'current' },
    { limit: 50, enabled: session.loggedIn },
  )

  usePullDownRefresh(() => {
    void Promise.all([session.refetch(), vehicles.refresh()]).finally(() => Taro.stopPullDownRefresh())
  })

  if (!session.loggedIn) {
    return (
      <View className="home page">
        <NavBar title="浙江ETC" />
        <Text className="state-text">正在前往登录…</Text>
      </View>
    )
  }

  const me = session.me
  return (
    <View className="home page">
      <NavBar title="浙江ETC" />
      <View className="home__hello card">
        {session.loading && !me ? <Text className="muted">加载中…</Text> : null}
        {session.error && !me ? (
          <ErrorRetry message={session.error.message} onRetry={() => void session.refetch()} />
        ) : null}
        {me ? (
          <View>
            <Text className="home-greeting home__greeting">您好，{me.account.displayName}</Text>
            <Text className="home__count muted">名下车辆 {me.vehicleCount} 辆</Text>
          </View>
        ) : null}
      </View>

      <Text className="home__section">我的车辆</Text>
      {vehicles.loading && vehicles.items.length === 0 ? <Text className="state-text">加载中…</Text> : null}
      {vehicles.error && vehicles.items.length === 0 ? (
        <ErrorRetry message={vehicles.error.message} onRetry={() => void vehicles.refresh()} />
      ) : null}
      {!vehicles.loading && !vehicles.error && vehicles.items.length === 0 ? (
        <Text className="state-text">暂无有效车辆</Text>
      ) : null}
      {vehicles.items.map((v) => (
        <VehicleCard
          key={v.id}
          className="home-vehicle"
          vehicle={v}
          onClick={() => void Taro.navigateTo({ url: etcRoutes.vehicle(v.id) })}
        />
      ))}
      {vehicles.hasMore ? (
        <Button
          size="small"
          fill="none"
          className="home__more"
          onClick={() => void Taro.switchTab({ url: '/pages/vehicles/index' })}
        >
          查看全部车辆
        </Button>
      ) : null}
    </View>
  )
}
