import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { IdType, UserType } from '../../../../../types'
import { reservedPhoneChangeHelp } from '../../../../../types/authRules'
import { userTypes } from '../../../../../types/enums'
import { call } from '../../../../services/api'
import CaptchaField from '../../components/captcha-field'
import LabeledInput from '../../components/labeled-input'
import OptionPicker from '../../components/option-picker'
import PasswordField from '../../components/password-field'
import SmsCodeField from '../../components/sms-code-field'
import { AUTH_PAGES } from '../../shared/routes'
import { useCaptcha } from '../../../../hooks/useCaptcha'
import { useFormAction } from '../../shared/useFormAction'
import { useSmsSend, type CaptchaAnswer } from '../../shared/useSmsSend'
import {
  captchaError,
  codeError,
  confirmPasswordError,
  firstProblem,
  holderNameError,
  idNumberError,
  idTypesOf,
  newPasswordError,
  nicknameError,
  userTypeLabel,
} from '../../shared/validate'
import '../../shared/form.scss'
import NavBar from '../../../../components/nav-bar'

interface Identity {
  nickname: string
  userType: UserType
  userName: string
  idType: IdType
  idNumber: string
}

type Step = 'verify' | 'reset' | 'done'

function sentNotice(phone: string): string {
  return `验证码已发送至预留手机号 ${phone}，5分钟内有效。`
}

/** 如何更换预留手机号: said on both steps, since the code only ever goes to that phone. */
function PhoneHelp() {
  return <Text className="auth-form__help reset-phone-help">{reservedPhoneChangeHelp}</Text>
}

/**
 * 忘记密码 → 重置密码, in two steps: the details registered on the legacy portal (checked, limited)
 * send a code to the account's reserved phone; the code and the new password twice reset it.
 */
export default function ResetPasswordPage() {
  const [step, setStep] = useState<Step>('verify')
  const [nickname, setNickname] = useState('')
  const [userType, setUserType] = useState<UserType>('personal')
  const [userName, setUserName] = useState('')
  const [idType, setIdType] = useState<IdType>('身份证')
  const [idNumber, setIdNumber] = useState('')
  const [code, setCode] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')
  const captcha = useCaptcha(step === 'verify')
  const verify = useFormAction()
  const reset = useFormAction()
  const sms = useSmsSend('forResend')

  const identity = (): Identity => ({
    nickname: nickname.trim(),
    userType,
    userName: userName.trim(),
    idType,
    idNumber: idNumber.trim().toUpperCase(),
  })
  const sendCode = (answer: CaptchaAnswer | null) =>
    call('auth.sendResetPasswordCode', {
      ...identity(),
      captchaId: answer?.captchaId ?? '',
      captchaText: answer?.captchaText ?? '',
    })

  const changeUserType = (next: UserType) => {
    setUserType(next)
    setIdType(idTypesOf(next)[0])
  }

  const submitVerify = async () => {
    const problem = firstProblem(
      nicknameError(nickname),
      holderNameError(userName, userType === 'unit' ? '请输入单位名称' : '请输入个人名称'),
      idNumberError(idNumber),
      captchaError(captcha.captchaId, captcha.text),
    )
    const sent = await verify.run(
      problem,
      () => sendCode({ captchaId: captcha.captchaId ?? '', captchaText: captcha.text.trim() }),
      // a captcha is good for one try: every failure needs a new one
      () => void captcha.refresh(),
    )
    if (!sent) return
    sms.begin(sent, sentNotice(sent.phone))
    setCode('')
    setStep('reset')
  }

  const resend = () => void sms.send(null, sendCode, (sent) => sentNotice(sent.phone))

  const submitReset = async () => {
    sms.clearMessages()
    const problem = firstProblem(
      codeError(code),
      newPasswordError(newPassword),
      confirmPasswordError(newPassword, confirmPassword),
    )
    const done = await reset.run(problem, () =>
      call('auth.resetPassword', {
        nickname: nickname.trim(),
        userType,
        code: code.trim(),
        newPassword,
        confirmPassword,
      }),
    )
    if (done) setStep('done')
  }

  if (step === 'done') {
    return (
      <View className="reset page">
        <View className="card reset-done">
          <Text className="state-text">密码已重置，请使用新密码登录</Text>
          <Text className="auth-form__notice muted">该昵称在其他设备上的登录已全部退出。</Text>
          <Button
            block
            type="primary"
            className="reset-to-login"
            onClick={() => void Taro.reLaunch({ url: AUTH_PAGES.login })}
          >
            去登录
          </Button>
        </View>
      </View>
    )
  }

  if (step === 'reset') {
    return (
      <View className="reset page">
        <View className="card reset-step-code">
          <Text className="auth-form__intro muted">
            第2步：输入发送至预留手机号的短信验证码，并设置新密码。
          </Text>
          <SmsCodeField
            prefix="reset"
            className="auth-form__field auth-form__field--code"
            code={code}
            onCodeChange={setCode}
            countdown={sms.countdown}
            sending={sms.sending}
            onSend={resend}
            captcha={sms.captcha}
            error={sms.error}
            notice={sms.notice}
            sendLabel="重新获取"
          />
          <PasswordField
            label="新密码"
            className="reset-new-password"
            kind="new"
            placeholder="8-20位，须同时包含字母和数字"
            value={newPassword}
            onChange={setNewPassword}
          />
          <PasswordField
            label="确认密码"
            className="reset-confirm-password"
            kind="new"
            placeholder="请再次输入新密码"
            value={confirmPassword}
            onChange={setConfirmPassword}
          />
          {reset.message ? (
            <Text className="auth-form__message reset-message error-text">{reset.message}</Text>
          ) : null}
          <View className="auth-form__actions">
            <Button
              className="auth-form__action reset-submit"
              type="primary"
              loading={reset.busy}
              onClick={submitReset}
            >
              完成
            </Button>
            <Button
              className="auth-form__action reset-previous"
              onClick={() => {
                reset.setMessage(null)
                setStep('verify')
              }}
            >
              上一步
            </Button>
          </View>
          <PhoneHelp />
        </View>
      </View>
    )
  }

  return (
    <View className="reset page">
      <NavBar title="重置密码" />
      <View className="card reset-step-verify">
        <Text className="auth-form__intro muted">
          第1步：请填写在原门户网站注册时使用的用户信息，校验通过后将向该账户的预留手机号发送短信验证码。
        </Text>
        <LabeledInput
          label="注册昵称"
          className="reset-nickname"
          maxLength={32}
          placeholder="请输入网站昵称"
          value={nickname}
          onChange={setNickname}
        />
        <OptionPicker
          className="reset-user-type"
          label="用户类型"
          options={userTypes}
          value={userType}
          onChange={changeUserType}
          labelOf={(t) => userTypeLabel[t]}
        />
        <LabeledInput
          label="用户名"
          className="reset-user-name"
          maxLength={60}
          placeholder={userType === 'unit' ? '请输入单位名称' : '请输入个人名称'}
          value={userName}
          onChange={setUserName}
        />
        <OptionPicker
          className="reset-id-type"
          label="证件类型"
          options={idTypesOf(userType)}
          value={idType}
          onChange={setIdType}
        />
        <LabeledInput
          label="证件号码"
          className="reset-id-number"
          maxLength={32}
          placeholder="请输入证件号码"
          value={idNumber}
          onChange={setIdNumber}
        />
        <View className="auth-form__field">
          <CaptchaField captcha={captcha} />
        </View>
        {verify.message ? (
          <Text className="auth-form__message reset-message error-text">{verify.message}</Text>
        ) : null}
        <View className="auth-form__actions">
          <Button
            className="auth-form__action reset-verify"
            type="primary"
            loading={verify.busy}
            onClick={submitVerify}
          >
            {verify.busy ? '校验中…' : '获取验证码'}
          </Button>
          <Button className="auth-form__action reset-back" onClick={() => void Taro.navigateBack()}>
            返回
          </Button>
        </View>
        <PhoneHelp />
      </View>
    </View>
  )
}
