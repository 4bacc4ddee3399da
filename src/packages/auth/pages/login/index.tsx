import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Checkbox, Input } from '@nutui/nutui-react-taro'
import type { UserType } from '../../../../../types/enums'
import { call, errorMessage, HOME_URL } from '../../../../services/api'
import { AGREEMENT_REQUIRED, codeError, phoneError, phonePlaceholder } from './validate'
import './index.scss'

const COUNTDOWN_SECONDS = 60

export default function LoginPage() {
  const [userType, setUserType] = useState<UserType>('personal')
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [agreed, setAgreed] = useState(false)
  const [countdown, setCountdown] = useState(0)
  const [sending, setSending] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  useEffect(() => {
    if (countdown <= 0) return
    const timer = setTimeout(() => setCountdown((s) => s - 1), 1000)
    return () => clearTimeout(timer)
  }, [countdown])

  const switchType = () => {
    setUserType((t) => (t === 'personal' ? 'unit' : 'personal'))
    setMessage(null)
    setNotice(null)
  }

  const sendCode = async () => {
    if (countdown > 0 || sending) return
    const problem = phoneError(phone)
    setNotice(null)
    if (problem) {
      setMessage(problem)
      return
    }
    setMessage(null)
    setSending(true)
    try {
      const res = await call('auth.sendSmsCode', { phone: phone.trim(), userType })
      setCountdown(res.cooldownSeconds > 0 ? res.cooldownSeconds : COUNTDOWN_SECONDS)
      setNotice('验证码已发送，请注意查收短信')
    } catch (e) {
      setMessage(errorMessage(e))
    } finally {
      setSending(false)
    }
  }

  const submit = async () => {
    if (submitting) return
    const problem = phoneError(phone) ?? codeError(code) ?? (agreed ? null : AGREEMENT_REQUIRED)
    setNotice(null)
    if (problem) {
      setMessage(problem)
      return
    }
    setMessage(null)
    setSubmitting(true)
    try {
      await call('auth.loginBySms', { phone: phone.trim(), code: code.trim(), userType })
    } catch (e) {
      setMessage(errorMessage(e))
      setSubmitting(false)
      return
    }
    setSubmitting(false)
    setNotice('登录成功')
    Taro.reLaunch({ url: HOME_URL }).catch(() => setMessage('页面跳转失败，请重新打开小程序'))
  }

  const isUnit = userType === 'unit'
  return (
    <View className="login page">
      <View className="login__header">
        <Text className="login__title">{isUnit ? '单位用户' : '个人用户'}</Text>
        <Text className="login__switch login-switch-type" onClick={switchType}>
          {isUnit ? '切换个人用户 >' : '切换单位用户 >'}
        </Text>
      </View>
      <View className="login__tabs">
        <Text className="login__tab login__tab--active">短信登录</Text>
      </View>
      <View className="login__form card">
        <View className="login__field">
          <Input
            className="login-phone"
            type="tel"
            maxLength={11}
            placeholder={phonePlaceholder[userType]}
            value={phone}
            onChange={(v) => setPhone(v)}
          />
        </View>
        <View className="login__field login__field--code">
          <Input
            className="login-code"
            type="number"
            maxLength={6}
            placeholder="请输入短信验证码"
            value={code}
            onChange={(v) => setCode(v)}
          />
          <Button
            className="login-send-code"
            size="small"
            fill="outline"
            type="primary"
            disabled={countdown > 0 || sending}
            onClick={sendCode}
          >
            {countdown > 0 ? `${countdown}秒后重新获取` : '获取验证码'}
          </Button>
        </View>
        {message ? <Text className="login__message error-text">{message}</Text> : null}
        {notice ? <Text className="login__notice muted">{notice}</Text> : null}
        <Button
          className="login-submit login__submit"
          type="primary"
          block
          loading={submitting}
          onClick={submit}
        >
          登录浙江ETC服务营业厅
        </Button>
        <View className="login__agreement">
          <Checkbox className="login-agree" checked={agreed} onChange={(checked) => setAgreed(checked)}>
            我已阅读并同意《用户协议》和《隐私政策》
          </Checkbox>
        </View>
      </View>
    </View>
  )
}
