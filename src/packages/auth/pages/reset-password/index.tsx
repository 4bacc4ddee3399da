import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { IdType, UserType } from '../../../../../types'
import { userTypes } from '../../../../../types/enums'
import { call } from '../../../../services/api'
import CaptchaField from '../../components/captcha-field'
import OptionPicker from '../../components/option-picker'
import { AUTH_PAGES } from '../../shared/routes'
import { useCaptcha } from '../../shared/useCaptcha'
import { useFormAction } from '../../shared/useFormAction'
import {
  captchaError,
  confirmPasswordError,
  firstProblem,
  holderNameError,
  idNumberError,
  idTypesOf,
  newPasswordError,
  nicknameError,
  userTypeLabel,
} from '../../shared/validate'
import LabeledInput from '../../components/labeled-input'
import '../../shared/form.scss'

/** 忘记密码 → 重置密码: the details registered on the legacy portal and a new password twice. */
export default function ResetPasswordPage() {
  const [nickname, setNickname] = useState('')
  const [userType, setUserType] = useState<UserType>('personal')
  const [userName, setUserName] = useState('')
  const [idType, setIdType] = useState<IdType>('身份证')
  const [idNumber, setIdNumber] = useState('')
  const [newPassword, setNewPassword] = useState('')
  const [confirmPassword, setConfirmPassword] = useState('')
  const [done, setDone] = useState(false)
  const captcha = useCaptcha()
  const form = useFormAction()

  const changeUserType = (next: UserType) => {
    setUserType(next)
    setIdType(idTypesOf(next)[0])
  }

  const submit = async () => {
    const problem = firstProblem(
      nicknameError(nickname),
      holderNameError(userName, '请输入用户名'),
      idNumberError(idNumber),
      newPasswordError(newPassword),
      confirmPasswordError(newPassword, confirmPassword),
      captchaError(captcha.captchaId, captcha.text),
    )
    const result = await form.run(
      problem,
      () =>
        call('auth.resetPassword', {
          nickname: nickname.trim(),
          userType,
          userName: userName.trim(),
          idType,
          idNumber: idNumber.trim().toUpperCase(),
          newPassword,
          confirmPassword,
          captchaId: captcha.captchaId ?? '',
          captchaText: captcha.text.trim(),
        }),
      () => void captcha.refresh(),
    )
    if (result) setDone(true)
  }

  if (done) {
    return (
      <View className="reset page">
        <View className="card reset-done">
          <Text className="state-text">密码已重置，请使用新密码登录</Text>
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

  return (
    <View className="reset page">
      <View className="card">
        <Text className="auth-form__intro muted">请填写在原门户网站注册时使用的用户信息。</Text>
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
        <LabeledInput
          label="新密码"
          className="reset-new-password"
          type="password"
          maxLength={20}
          placeholder="8-20位，须同时包含字母和数字"
          value={newPassword}
          onChange={setNewPassword}
        />
        <LabeledInput
          label="确认密码"
          className="reset-confirm-password"
          type="password"
          maxLength={20}
          placeholder="请再次输入新密码"
          value={confirmPassword}
          onChange={setConfirmPassword}
        />
        <View className="auth-form__field">
          <CaptchaField captcha={captcha} />
        </View>
        {form.message ? (
          <Text className="auth-form__message reset-message error-text">{form.message}</Text>
        ) : null}
        <View className="auth-form__actions">
          <Button
            className="auth-form__action reset-submit"
            type="primary"
            loading={form.busy}
            onClick={submit}
          >
            完成
          </Button>
          <Button className="auth-form__action reset-back" onClick={() => void Taro.navigateBack()}>
            返回
          </Button>
        </View>
      </View>
    </View>
  )
}
