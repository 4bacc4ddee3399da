import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { AccountSummary } from '../../../../../types'
import { call } from '../../../../services/api'
import { useSession } from '../../../../hooks/useSession'
import AccountList from '../../components/account-list'
import { continueLogin } from '../../shared/flow'
import { useAccountChoice } from '../../shared/useAccountChoice'
import { useFormAction } from '../../shared/useFormAction'
import ErrorRetry from '../../../../components/error-retry'
import '../../shared/form.scss'
import NavBar from '../../../../components/nav-bar'

/** 切换账号: the accounts this login reaches, the current one marked; switching reloads home. */
export default function SwitchAccountPage() {
  const session = useSession({ requireLogin: true })
  const choice = useAccountChoice(null, session.loggedIn)
  const [switching, setSwitching] = useState<string | null>(null)
  const form = useFormAction()

  const switchTo = async (account: AccountSummary) => {
    if (account.id === choice.current?.id) return
    setSwitching(account.id)
    const result = await form.run(null, () => call('auth.switchAccount', { accountId: account.id }))
    if (result) await continueLogin(result).catch(() => form.setMessage('页面跳转失败，请重新打开小程序'))
    setSwitching(null)
  }

  if (!session.loggedIn) {
    return (
      <View className="switch-account page">
        <Text className="state-text">正在前往登录…</Text>
      </View>
    )
  }

  return (
    <View className="switch-account page">
      <NavBar title="切换账号" />
      <View className="card">
        <Text className="auth-form__intro muted">您的登录身份可以访问以下账户，点击即可切换。</Text>
        {choice.loading ? <Text className="state-text">加载中…</Text> : null}
        {choice.error ? (
          <ErrorRetry
            message={choice.error}
            onRetry={() => void choice.reload()}
            className="switch-account-error"
          />
        ) : null}
        {!choice.loading && !choice.error && choice.accounts.length === 0 ? (
          <Text className="state-text">暂无可切换的账户</Text>
        ) : null}
        <AccountList
          accounts={choice.accounts}
          selectedId={switching ?? choice.current?.id ?? null}
          currentId={choice.current?.id ?? null}
          onSelect={(a) => void switchTo(a)}
        />
        {switching ? <Text className="auth-form__notice muted">正在切换…</Text> : null}
        {form.message ? (
          <Text className="auth-form__message switch-account-message error-text">{form.message}</Text>
        ) : null}
      </View>
    </View>
  )
}
