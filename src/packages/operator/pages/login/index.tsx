import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Image, Text, View } from '@tarojs/components'
import { Button, Input } from '@nutui/nutui-react-taro'
import type { OperatorProfile } from '../../../../../types/actions/operator'
import { passwordInputCap, passwordMessages, passwordRules } from '../../../../../types/authRules'
import NavBar from '../../../../components/nav-bar'
import { useCaptcha, type CaptchaRequest } from '../../../../hooks/useCaptcha'
import { ApiError, errorMessage } from '../../../../services/api/errors'
import { callOperator, operatorLogout } from '../../shared/api'
import { outletRoutes } from '../../../outlet/routes'
import { operatorRoutes } from '../../shared/routes'
import { readOperatorSession, type OperatorSession } from '../../shared/session'
import './index.scss'

/** The captcha asked for without the driver's token: a driver session on this device stays out of it. */
const operatorCaptcha: CaptchaRequest = () => callOperator('auth.captcha', {})

function firstProblem(loginName: string, password: string, captchaText: string, captchaId: string | null) {
  if (!loginName.trim()) return '请输入操作员账号'
  if (!password) return '请输入密码'
  if (password.length > passwordRules.loginMaxLength) return passwordMessages.loginTooLong
  if (!captchaText.trim()) return '请输入图形验证码'
  if (!captchaId) return '请先获取图形验证码'
  return null
}

/** An outlet's operator (role 'outlet' without 'reconciliation') works at the 网点工作台. */
function landingOf(operator: OperatorProfile): { url: string; label: string } {
  const outletOnly = operator.roles.includes('outlet') && !operator.roles.includes('reconciliation')
  return outletOnly
    ? { url: outletRoutes.home, label: '进入网点工作台' }
    : { url: operatorRoutes.reconciliation, label: '进入对账报告' }
}

/**
 * 操作员登录: login name, password and the graphic captcha. The operator session is kept apart from
 * any driver session on this device; a driver logged in here stays logged in.
 */
export default function OperatorLoginPage() {
  const [current, setCurrent] = useState<OperatorSession | null>(readOperatorSession)
  const [loginName, setLoginName] = useState('')
  const [password, setPassword] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // a new captcha on mount, on a tap, and after every failed login (captchas are single use)
  const captcha = useCaptcha(true, operatorCaptcha)
  const captchaText = captcha.text

  const submit = async () => {
    if (busy) return
    const problem = firstProblem(loginName, password, captchaText, captcha.captchaId)
    setMessage(problem)
    if (problem || !captcha.captchaId) return
    setBusy(true)
    try {
      const login = await callOperator('operator.login', {
        loginName: loginName.trim(),
        password,
        captchaId: captcha.captchaId,
        captchaText: captchaText.trim(),
      })
      setMessage(null)
      void Taro.redirectTo({ url: landingOf(login.operator).url }).catch(() =>
        setMessage('页面跳转失败，请刷新后重试'),
      )
    } catch (e) {
      setMessage(errorMessage(e))
      // captchas are single use: whatever failed, the next try needs a new one (refresh clears the text)
      if (e instanceof ApiError && e.code === 'NETWORK') captcha.setText('')
      else void captcha.refresh()
    } finally {
      setBusy(false)
    }
  }

  const logout = async () => {
    await operatorLogout()
    setCurrent(null)
  }

  return (
    <View className="operator-login page">
      <NavBar title="操作员登录" />
      <View className="operator-login__header">
        <Text className="operator-login__title">操作员登录</Text>
        <Text className="operator-login__hint muted">仅限对账、网点等工作人员使用，车主请返回首页登录</Text>
      </View>
      {current ? (
        <View className="card operator-login__current">
          <Text className="operator-login__current-text">
            当前已登录：{current.operator.name}（{current.operator.loginName}）
          </Text>
          <View className="operator-login__current-actions">
            <Button
              size="small"
              type="primary"
              className="operator-login-continue"
              onClick={() => void Taro.redirectTo({ url: landingOf(current.operator).url })}
            >
              {landingOf(current.operator).label}
            </Button>
            <Button size="small" className="operator-login-logout" onClick={() => void logout()}>
              退出登录
            </Button>
          </View>
        </View>
      ) : null}
      <View className="card">
        <View className="operator-login__field">
          <Input
            className="operator-login-name"
            maxLength={32}
            placeholder="请输入操作员账号"
            value={loginName}
            onChange={(v) => setLoginName(v)}
          />
        </View>
        <View className="operator-login__field">
          <Input
            className="operator-login-password"
            type="password"
            maxLength={passwordInputCap(passwordRules.loginMaxLength)}
            placeholder="请输入密码"
            value={password}
            onChange={(v) => setPassword(v)}
          />
        </View>
        <View className="operator-login__field operator-login__captcha">
          <Input
            className="operator-login-captcha"
            maxLength={8}
            placeholder="请输入图形验证码"
            value={captchaText}
            onChange={(v) => captcha.setText(v)}
          />
          {captcha.imageSrc ? (
            <Image
              className="operator-login__captcha-image operator-login-captcha-image"
              src={captcha.imageSrc}
              mode="aspectFit"
              onClick={() => void captcha.refresh()}
            />
          ) : (
            <Text
              className="operator-login__captcha-image operator-login-captcha-image"
              onClick={() => void captcha.refresh()}
            >
              点击获取
            </Text>
          )}
        </View>
        {captcha.error ? <Text className="operator-login__message error-text">{captcha.error}</Text> : null}
        {message ? (
          <Text className="operator-login__message operator-login-message error-text">{message}</Text>
        ) : null}
        <Button
          className="operator-login-submit operator-login__submit"
          type="primary"
          block
          loading={busy}
          onClick={() => void submit()}
        >
          登录
        </Button>
      </View>
    </View>
  )
}
