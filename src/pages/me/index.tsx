import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import { useSession } from '../../hooks/useSession'
import { errorMessage, loginKind, LOGIN_URL } from '../../services/api'
import { logout } from '../../services/api'
import NavBar from '../../components/nav-bar'
import VehicleCard from '../../components/vehicle-card'
import { etcRoutes } from '../../packages/etc/routes'
import { moneyRoutes } from '../../packages/money/routes'
import ErrorRetry from '../../components/error-retry'
import './index.scss'

const go = (url: string) => () => void Taro.navigateTo({ url })

/** User center menu (seed 001 §2.4–2.5): ETC management and basic info. */
const menu = [
  {
    title: '车辆管理',
    className: 'me-menu-vehicles',
    open: () => void Taro.switchTab({ url: '/pages/vehicles/index' }),
  },
  { title: '通行卡管理', className: 'me-menu-cards', open: go(etcRoutes.cards) },
  { title: '标签管理', className: 'me-menu-tags', open: go(etcRoutes.tags) },
  { title: '拓展授权管理', className: 'me-menu-parking', open: go(etcRoutes.parking) },
  // 发票服务 (seed 001 §2.7): the path only, so packages/invoices stays out of the main package
  { title: '发票服务', className: 'me-menu-invoices', open: go('/packages/invoices/pages/list/index') },
  { title: '用户基本信息', className: 'me-menu-profile', open: go(etcRoutes.profile) },
]

export default function MePage() {
  const session = useSession({ requireLogin: true })
  const [confirming, setConfirming] = useState(false)
  const [logoutError, setLogoutError] = useState<string | null>(null)
  const me = session.me

  const doLogout = async () => {
    setConfirming(false)
    try {
      await logout()
    } catch (e) {
      setLogoutError(errorMessage(e))
    }
    await Taro.reLaunch({ url: LOGIN_URL })
  }

  return (
    <View className="me page">
      <NavBar title="我的" />
      <View className="card me__profile">
        {session.loading && !me ? <Text className="muted">加载中…</Text> : null}
        {session.error && !me ? (
          <ErrorRetry message={session.error.message} onRetry={() => void session.refetch()} />
        ) : null}
        {me ? (
          <View>
            <Text className="me__name">{me.account.displayName}</Text>
            <Text className="me__type muted">{me.account.userType === 'unit' ? '单位用户' : '个人用户'}</Text>
            <View className="me__row">
              <Text className="muted">手机号</Text>
              <Text className="me__phone">{me.phone}</Text>
            </View>
            <View className="me__row">
              <Text className="muted">车辆总数</Text>
              <Text className="me__vehicles">{me.vehicleCount} 辆</Text>
            </View>
          </View>
        ) : null}
      </View>

      {me && me.validVehicles.items.length > 0 ? (
        <View className="me__valid">
          <Text className="me__section">有效车辆</Text>
          {me.validVehicles.items.map((v) => (
            <VehicleCard
              key={v.id}
              className="me-vehicle"
              vehicle={v}
              onClick={() => void Taro.navigateTo({ url: etcRoutes.vehicle(v.id) })}
            />
          ))}
          {me.validVehicles.nextCursor ? (
            <Text
              className="me__more link"
              onClick={() => void Taro.switchTab({ url: '/pages/vehicles/index' })}
            >
              查看全部 {me.validVehicles.total} 辆有效车辆
            </Text>
          ) : null}
        </View>
      ) : null}

      <View className="card me__menu">
        {menu.map((m) => (
          <View key={m.className} className={`me__menu-item ${m.className}`} onClick={m.open}>
            <Text>{m.title}</Text>
            <Text className="muted">{'>'}</Text>
          </View>
        ))}
        {me?.showStoredValueMenu ? (
          <View className="me__menu-item me__stored-value me-menu-stored">
            <Text>储值卡资金服务</Text>
            {/* 充值 / 预分配 / 历史记录 (seed 001 §2.8): the pages of packages/money */}
            <View className="me__stored-actions">
              <Button
                size="small"
                type="primary"
                className="me-stored-recharge"
                onClick={go(moneyRoutes.recharge)}
              >
                充值
              </Button>
              <Button size="small" className="me-stored-allocate" onClick={go(moneyRoutes.allocate)}>
                预分配
              </Button>
              <Button size="small" className="me-stored-records" onClick={go(moneyRoutes.records())}>
                历史记录
              </Button>
            </View>
          </View>
        ) : null}
      </View>

      {session.loggedIn ? (
        <View className="card me__menu me__account">
          {loginKind() === 'nickname' ? (
            <View
              className="me__menu-item me-change-password"
              onClick={() => void Taro.navigateTo({ url: '/packages/auth/pages/change-password/index' })}
            >
              <Text>修改密码</Text>
              <Text className="muted">{'>'}</Text>
            </View>
          ) : null}
          <View
            className="me__menu-item me-switch-account"
            onClick={() => void Taro.navigateTo({ url: '/packages/auth/pages/switch-account/index' })}
          >
            <Text>切换账号</Text>
            <Text className="muted">{'>'}</Text>
          </View>
        </View>
      ) : null}
      {logoutError ? <Text className="error-text me__logout-error">{logoutError}</Text> : null}
      {session.loggedIn ? (
        <Button block className="me-logout" onClick={() => setConfirming(true)}>
          退出登录
        </Button>
      ) : null}
      <Dialog
        visible={confirming}
        title="退出登录"
        content="确定要退出当前账号吗？"
        confirmText="退出"
        cancelText="取消"
        onConfirm={() => void doLogout()}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
    </View>
  )
}
