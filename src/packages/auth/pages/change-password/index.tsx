import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ActionResponse } from '../../../../../types'
import { call, goToLogin, hasSession } from '../../../../services/api'
import { useSession } from '../../../../hooks/useSession'
import { useFormAction } from '../../shared/useFormAction'
import {
  confirmPasswordError,
  firstProblem,
  loginPasswordError,
  newPasswordError,
} from '../../shared/validate'
import PasswordField from '../../components/password-field'
import '../../shared/form.scss'
import NavBar from '../../../../components/nav-bar'

type Changed = ActionResponse<'auth.changePassword'>

/**
 * 修改密码 for nickname users: old, new, confirm. Every other session of the nickname is revoked.
 * A wrong old password counts toward the nickname's lockout: the server's message says how many
 * tries are left, or how long to wait.
 */
export default function ChangePasswordPage() {
  const session = useSession({ requireLogin: true })
  const [oldPassword, setOldPassword] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')
  const [changed, setChanged] = useState<Changed | null>(null)
  const form = useFormAction()

  const submit = async () => {
    const problem = firstProblem(
      loginPasswordError(oldPassword, '请输入原密码'),
      newPasswordError(newPassword),
      confirmPasswordError(newPassword, confirmPassword),
      newPassword && newPassword === oldPassword ? '新密码不能与原密码相同' : null,
    )
    const result = await form.run(problem, () =>
      call('auth.changePassword', { oldPassword, newPassword, confirmPassword }),
    )
    if (!result) return
    // the server revoked the other sessions; if it dropped this one too, the login page follows
    if (!hasSession()) goToLogin()
    else setChanged(result)
  }

  if (!session.loggedIn) {
    return (
      <View className="change-password page">
        <Text className="state-text">正在前往登录…</Text>
      </View>
    )
  }

  if (changed) {
    return (
      <View className="change-password page">
        <View className="card change-password-done">
          <Text className="state-text">密码修改成功</Text>
          {changed.revokedSessions > 0 ? (
            <Text className="auth-form__notice muted">
              已退出该昵称在其他{changed.revokedSessions}处设备上的登录，请使用新密码重新登录。
            </Text>
          ) : null}
          <Button
            block
            type="primary"
            className="change-password-back"
            onClick={() => void Taro.navigateBack()}
          >
            返回
          </Button>
        </View>
      </View>
    )
  }

  return (
    <View className="change-password page">
      <NavBar title="修改密码" />
      <View className="card">
        <PasswordField
          label="原密码"
          className="change-old-password"
          kind="login"
          placeholder="请输入原密码"
          value={oldPassword}
          onChange={setOldPassword}
        />
        <PasswordField
          label="新密码"
          className="change-new-password"
          kind="new"
          placeholder="8-20位，须同时包含字母和数字"
          value={newPassword}
          onChange={setNewPassword}
        />
        <PasswordField
          label="确认密码"
          className="change-confirm-password"
          kind="new"
          placeholder="请再次输入新密码"
          value={confirmPassword}
          onChange={setConfirmPassword}
        />
        {form.message ? (
          <Text className="auth-form__message change-password-message error-text">{form.message}</Text>
        ) : null}
        <Text className="auth-form__help change-password-help">
          忘记原密码？请退出登录后在登录页使用“忘记密码”，通过预留手机号接收验证码重置。
        </Text>
        <Button className="change-password-submit" block type="primary" loading={form.busy} onClick={submit}>
          确认修改
        </Button>
      </View>
    </View>
  )
}
