import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { call, logout } from '../../../../services/api'
import LoginSteps from '../../components/login-steps'
import SmsCodeField from '../../components/sms-code-field'
import { clearLoginStep, continueLogin, readLoginStep } from '../../shared/flow'
import { AUTH_PAGES } from '../../shared/routes'
import { useFormAction } from '../../shared/useFormAction'
import { useSmsSend } from '../../shared/useSmsSend'
import { codeError } from '../../shared/validate'
import { reservedPhoneChangeHelp } from '../../../../../types/authRules'
import '../../shared/form.scss'
import NavBar from '../../../../components/nav-bar'

/** Nickname already bound on the legacy portal: confirm with an SMS code to that account's reserved phone. */
export default function LegacyConfirmPage() {
  const [step] = useState(readLoginStep)
  const [phone, setPhone] = useState(step?.legacyPhone ?? '')
  const [code, setCode] = useState('')
  // the reserved phone's daily codes are shared with every other purpose: a captcha after three
  const sms = useSmsSend('whenAsked')
  const form = useFormAction()

  const sendCode = async () => {
    form.setMessage(null)
    const res = await sms.send(null, (captcha) => call('auth.sendLegacyBindingCode', captcha ?? {}))
    if (res) setPhone(res.phone)
  }

  const submit = async () => {
    sms.clearMessages()
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

  const message = form.message ?? sms.error
  return (
    <View className="legacy page">
      <NavBar title="账号校验" />
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
          countdown={sms.countdown}
          sending={sms.sending}
          onSend={sendCode}
          captcha={sms.captcha}
        />
        {message ? <Text className="auth-form__message legacy-message error-text">{message}</Text> : null}
        {sms.notice ? <Text className="auth-form__notice muted">{sms.notice}</Text> : null}
        <Button className="legacy-submit" block type="primary" loading={form.busy} onClick={submit}>
          校验
        </Button>
        <Text className="auth-form__help legacy-phone-help">{reservedPhoneChangeHelp}</Text>
      </View>
    </View>
  )
}
