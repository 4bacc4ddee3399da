import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { call, logout } from '../../../../services/api'
import LoginSteps from '../../components/login-steps'
import SmsCodeField from '../../components/sms-code-field'
import { clearLoginStep, continueLogin, readLoginStep } from '../../shared/flow'
import { AUTH_PAGES } from '../../shared/routes'
import { useCountdown } from '../../shared/useCountdown'
import { useFormAction } from '../../shared/useFormAction'
import { codeError } from '../../shared/validate'
import '../../shared/form.scss'

/** Nickname already bound on the legacy portal: confirm with an SMS code to that account's reserved phone. */
export default function LegacyConfirmPage() {
  const [step] = useState(readLoginStep)
  const [phone, setPhone] = useState(step?.legacyPhone ?? '')
  const [code, setCode] = useState('')
  const [countdown, setCountdown] = useCountdown()
  const [notice, setNotice] = useState<string | null>(null)
  const sending = useFormAction()
  const form = useFormAction()

  const sendCode = async () => {
    if (countdown > 0) return
    setNotice(null)
    form.setMessage(null)
    const res = await sending.run(null, () => call('auth.sendLegacyBindingCode', {}))
    if (!res) return
    setPhone(res.phone)
    setCountdown(res.cooldownSeconds > 0 ? res.cooldownSeconds : 60)
    setNotice(`验证码已发送至 ${res.phone}`)
  }

  const submit = async () => {
    sending.setMessage(null)
    const result = await form.run(codeError(code), () =>
      call('auth.confirmLegacyBinding', { code: code.trim() }),
    )
    if (result) await continueLogin(result).catch(() => form.setMessage('页面跳转失败，请重新打开小程序'))
  }

  const back = async () => {
    clearLoginStep()
    await logout().catch(() => undefined)
    await Taro.reLaunch({ url: AUTH_PAGES.login })
  }

  const message = form.message ?? sending.message
  return (
    <View className="legacy page">
      <LoginSteps current={2} />
      <Text className="auth-form__notice legacy-back" onClick={() => void back()}>
        {'< 返回上一步'}
      </Text>
      <View className="card">
        <Text className="auth-form__intro legacy-intro">
          您的昵称已在原门户网站绑定账号。为确认是您本人，请获取发送至预留手机号
          {phone ? ` ${phone} ` : ''}的短信验证码完成校验。
        </Text>
        <SmsCodeField
          prefix="legacy"
          className="auth-form__field auth-form__field--code"
          code={code}
          onCodeChange={setCode}
          countdown={countdown}
          sending={sending.busy}
          onSend={sendCode}
        />
        {message ? <Text className="auth-form__message legacy-message error-text">{message}</Text> : null}
        {notice ? <Text className="auth-form__notice muted">{notice}</Text> : null}
        <Button className="legacy-submit" block type="primary" loading={form.busy} onClick={submit}>
          校验
        </Button>
      </View>
    </View>
  )
}
