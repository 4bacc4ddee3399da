import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import { useSession } from '../../hooks/useSession'
import { errorMessage, LOGIN_URL } from '../../services/api'
import { logout } from '../../services/api'
import './index.scss'

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
      <View className="card me__profile">
        {session.loading && !me ? <Text className="muted">加载中…</Text> : null}
        {session.error && !me ? (
          <View className="me__error">
            <Text className="error-text">{session.error.message}</Text>
            <Button size="small" onClick={() => void session.refetch()}>
              重试
            </Button>
          </View>
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

      <View className="card me__menu">
        <View className="me__menu-item" onClick={() => void Taro.switchTab({ url: '/pages/vehicles/index' })}>
          <Text>我的车辆</Text>
          <Text className="muted">{'>'}</Text>
        </View>
        {me?.showStoredValueMenu ? (
          <View className="me__menu-item me__stored-value">
            <Text>储值卡资金服务</Text>
            <Text className="muted">即将上线</Text>
          </View>
        ) : null}
      </View>

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
