import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Input } from '@nutui/nutui-react-taro'
import type { LoginResult, UserType } from '../../../../../types'
import { call } from '../../../../services/api'
import PrivacyPopup from '../../../../components/privacy-popup'
import AgreementCheck from '../../components/agreement-check'
import CaptchaField from '../../components/captcha-field'
import PasswordField from '../../components/password-field'
import PhoneQuickLogin from '../../components/phone-quick-login'
import { continueLogin } from '../../shared/flow'
import { AUTH_PAGES } from '../../shared/routes'
import { useCaptcha } from '../../../../hooks/useCaptcha'
import { useFormAction } from '../../shared/useFormAction'
import { useSmsSend } from '../../shared/useSmsSend'
import {
  AGREEMENT_REQUIRED,
  captchaError,
  codeError,
  firstProblem,
  loginPasswordError,
  nicknameError,
  phoneError,
  phonePlaceholder,
  userTypeLabel,
} from '../../shared/validate'
import SmsCodeField from '../../components/sms-code-field'
import './index.scss'
import NavBar from '../../../../components/nav-bar'

type LoginTab = 'sms' | 'nickname'

const NAVIGATION_FAILED = '页面跳转失败，请重新打开小程序'

function SmsLogin({
  userType,
  agreed,
  onLogin,
}: {
  userType: UserType
  agreed: boolean
  onLogin: (result: LoginResult) => void
}) {
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  // after a phone's first codes of the day the server asks for the graphic captcha too
  const sms = useSmsSend('whenAsked')
  const form = useFormAction()

  const sendCode = async () => {
    form.setMessage(null)
    await sms.send(phoneError(phone), (captcha) =>
      call('auth.sendSmsCode', { phone: phone.trim(), userType, ...(captcha ?? {}) }),
    )
  }

  const submit = async () => {
    sms.clearMessages()
    const problem = firstProblem(phoneError(phone), codeError(code), agreed ? null : AGREEMENT_REQUIRED)
    const result = await form.run(problem, () =>
      call('auth.loginBySms', { phone: phone.trim(), code: code.trim(), userType }),
    )
    if (result) onLogin(result)
  }

  const message = form.message ?? sms.error
  return (
    <View className="login__form">
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
      <SmsCodeField
        prefix="login"
        className="login__field login__field--code"
        code={code}
        onCodeChange={setCode}
        countdown={sms.countdown}
        sending={sms.sending}
        onSend={sendCode}
        captcha={sms.captcha}
      />
      {message ? <Text className="login__message login-message error-text">{message}</Text> : null}
      {sms.notice ? <Text className="login__notice muted">{sms.notice}</Text> : null}
      <Button
        className="login-submit login__submit"
        type="primary"
        block
        loading={form.busy}
        onClick={submit}
      >
        登录浙江ETC服务营业厅
      </Button>
    </View>
  )
}

function NicknameLogin({
  userType,
  agreed,
  onLogin,
}: {
  userType: UserType
  agreed: boolean
  onLogin: (result: LoginResult) => void
}) {
  const [nickname, setNickname] = useState('')
  const [password, setPassword] = useState('')
  const captcha = useCaptcha()
  const form = useFormAction()

  const submit = async () => {
    const problem = firstProblem(
      nicknameError(nickname),
      loginPasswordError(password),
      captchaError(captcha.captchaId, captcha.text),
      agreed ? null : AGREEMENT_REQUIRED,
    )
    const result = await form.run(
      problem,
      () =>
        call('auth.loginByNickname', {
          nickname: nickname.trim(),
          password,
          captchaId: captcha.captchaId ?? '',
          captchaText: captcha.text.trim(),
          userType,
        }),
      // a captcha is good for one try: every failure needs a new one
      () => void captcha.refresh(),
    )
    if (result) onLogin(result)
  }

  return (
    <View className="login__form">
      <View className="login__field">
        <Input
          className="login-nickname"
          maxLength={32}
          placeholder="请输入网站昵称"
          value={nickname}
          onChange={(v) => setNickname(v)}
        />
      </View>
      <View className="login__field">
        <PasswordField
          className="login-password"
          kind="login"
          placeholder="请输入密码"
          value={password}
          onChange={setPassword}
        />
      </View>
      <View className="login__field">
        <CaptchaField captcha={captcha} />
      </View>
      {form.message ? <Text className="login__message login-message error-text">{form.message}</Text> : null}
      <Button
        className="login-submit login__submit"
        type="primary"
        block
        loading={form.busy}
        onClick={submit}
      >
        登录浙江ETC服务营业厅
      </Button>
      <View className="login__links">
        <Text
          className="login__link login-recover-nickname"
          onClick={() => void Taro.navigateTo({ url: AUTH_PAGES.recoverNickname })}
        >
          找回昵称
        </Text>
        <Text
          className="login__link login-forgot-password"
          onClick={() => void Taro.navigateTo({ url: AUTH_PAGES.resetPassword })}
        >
          忘记密码?
        </Text>
      </View>
    </View>
  )
}

export default function LoginPage() {
  const [userType, setUserType] = useState<UserType>('personal')
  const [tab, setTab] = useState<LoginTab>('sms')
  const [agreed, setAgreed] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [quickMessage, setQuickMessage] = useState<string | null>(null)

  const onLogin = (result: LoginResult) => {
    setQuickMessage(null)
    setNotice(result.next === 'home' ? '登录成功' : '登录成功，请完成账号验证')
    continueLogin(result).catch(() => setQuickMessage(NAVIGATION_FAILED))
  }

  const switchType = () => {
    setUserType((t) => (t === 'personal' ? 'unit' : 'personal'))
    setNotice(null)
    setQuickMessage(null)
  }

  const isUnit = userType === 'unit'
  // the forms are keyed by user type: switching starts a clean form
  const formKey = `${tab}-${userType}`
  return (
    <View className="login page">
      <NavBar title="登录" />
      <View className="login__header">
        <Text className="login__title">{userTypeLabel[userType]}</Text>
        <Text className="login__switch login-switch-type" onClick={switchType}>
          {isUnit ? '切换个人用户 >' : '切换单位用户 >'}
        </Text>
      </View>
      <View className="login__tabs">
        <Text
          className={`login__tab login-tab-sms ${tab === 'sms' ? 'login__tab--active' : ''}`}
          onClick={() => setTab('sms')}
        >
          短信登录
        </Text>
        <Text
          className={`login__tab login-tab-nickname ${tab === 'nickname' ? 'login__tab--active' : ''}`}
          onClick={() => setTab('nickname')}
        >
          昵称登录
        </Text>
      </View>
      <View className="card">
        {tab === 'sms' ? (
          <SmsLogin key={formKey} userType={userType} agreed={agreed} onLogin={onLogin} />
        ) : (
          <NicknameLogin key={formKey} userType={userType} agreed={agreed} onLogin={onLogin} />
        )}
        {notice ? <Text className="login__notice login-notice muted">{notice}</Text> : null}
        <PhoneQuickLogin userType={userType} agreed={agreed} onLogin={onLogin} onMessage={setQuickMessage} />
        {quickMessage ? (
          <Text className="login__message login-message error-text">{quickMessage}</Text>
        ) : null}
        <AgreementCheck checked={agreed} onChange={setAgreed} />
      </View>
      <PrivacyPopup />
    </View>
  )
}
