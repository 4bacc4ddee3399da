import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ActionResponse } from '../../../../../types'
import { reservedPhoneChangeHelp } from '../../../../../types/authRules'
import { plateColors, type PlateColor } from '../../../../../types/enums'
import { call } from '../../../../services/api'
import CaptchaField from '../../components/captcha-field'
import LabeledInput from '../../components/labeled-input'
import OptionPicker from '../../components/option-picker'
import SmsCodeField from '../../components/sms-code-field'
import { useCaptcha } from '../../../../hooks/useCaptcha'
import { useFormAction } from '../../shared/useFormAction'
import { useSmsSend, type CaptchaAnswer } from '../../shared/useSmsSend'
import { captchaError, codeError, firstProblem, phoneError, plateError } from '../../shared/validate'
import '../../shared/form.scss'
import NavBar from '../../../../components/nav-bar'

type Recovered = ActionResponse<'auth.recoverNickname'>
type Step = 'ask' | 'code'

/**
 * The server answers alike whether or not the plate and phone matched (so phones cannot be
 * guessed through this page): the notice says plainly that only a match gets the text.
 */
function sentNotice(phone: string): string {
  return `如车牌与手机号匹配，验证码已发送至 ${phone}，5分钟内有效。如未收到短信，请返回上一步核对车牌号码、车牌颜色和手机号。`
}

/**
 * 找回昵称 in two steps: plate + plate colour + the phone registered with the nickname send a
 * code to that phone; the code shows the nickname and the cards bound to it (masked).
 */
export default function RecoverNicknamePage() {
  const [step, setStep] = useState<Step>('ask')
  const [plate, setPlate] = useState('')
  const [plateColor, setPlateColor] = useState<PlateColor>('蓝')
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [result, setResult] = useState<Recovered | null>(null)
  const captcha = useCaptcha(step === 'ask')
  const ask = useFormAction()
  const lookup = useFormAction()
  const sms = useSmsSend('forResend')

  const details = () => ({ plate: plate.trim().toUpperCase(), plateColor, phone: phone.trim() })
  const sendCode = (answer: CaptchaAnswer | null) =>
    call('auth.sendRecoverNicknameCode', {
      ...details(),
      captchaId: answer?.captchaId ?? '',
      captchaText: answer?.captchaText ?? '',
    })

  const submitAsk = async () => {
    const problem = firstProblem(
      plateError(plate),
      phoneError(phone),
      captchaError(captcha.captchaId, captcha.text),
    )
    const sent = await ask.run(
      problem,
      () => sendCode({ captchaId: captcha.captchaId ?? '', captchaText: captcha.text.trim() }),
      () => void captcha.refresh(),
    )
    if (!sent) return
    sms.begin(sent, sentNotice(sent.phone))
    setCode('')
    setResult(null)
    setStep('code')
  }

  const resend = () => void sms.send(null, sendCode, (sent) => sentNotice(sent.phone))

  const submitCode = async () => {
    sms.clearMessages()
    const found = await lookup.run(codeError(code), () =>
      call('auth.recoverNickname', { ...details(), code: code.trim() }),
    )
    if (found) setResult(found)
  }

  if (result) {
    return (
      <View className="recover page">
        <View className="card recover-result">
          <View className="auth-form__row">
            <Text className="muted">您的网站昵称</Text>
            <Text className="recover-nickname-value">{result.nickname}</Text>
          </View>
          <Text className="auth-form__label">绑定过的ETC通行卡</Text>
          {result.cardNos.length === 0 ? <Text className="state-text">暂无绑定的通行卡</Text> : null}
          {result.cardNos.map((cardNo) => (
            <View key={cardNo} className="auth-form__row recover-card">
              <Text>{cardNo}</Text>
            </View>
          ))}
          <Button block type="primary" className="recover-done" onClick={() => void Taro.navigateBack()}>
            返回登录
          </Button>
        </View>
      </View>
    )
  }

  if (step === 'code') {
    return (
      <View className="recover page">
        <View className="card recover-step-code">
          <Text className="auth-form__intro muted">第2步：输入短信验证码，查看您的网站昵称。</Text>
          <SmsCodeField
            prefix="recover"
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
          {lookup.message ? (
            <Text className="auth-form__message recover-message error-text">{lookup.message}</Text>
          ) : null}
          <View className="auth-form__actions">
            <Button
              className="auth-form__action recover-submit"
              type="primary"
              loading={lookup.busy}
              onClick={submitCode}
            >
              查看昵称
            </Button>
            <Button
              className="auth-form__action recover-previous"
              onClick={() => {
                lookup.setMessage(null)
                setStep('ask')
              }}
            >
              上一步
            </Button>
          </View>
          <Text className="auth-form__help recover-phone-help">{reservedPhoneChangeHelp}</Text>
        </View>
      </View>
    )
  }

  return (
    <View className="recover page">
      <NavBar title="找回昵称" />
      <View className="card recover-step-ask">
        <Text className="auth-form__intro muted">
          温馨提示：如果您忘记或丢失了您的注册用户信息或绑定过的账号，请通过以下操作来找回您的登录注册账号信息及绑定过的ETC通行卡卡号。第1步：填写车牌和注册时的手机号，获取短信验证码。
        </Text>
        <LabeledInput
          label="车牌号码"
          className="recover-plate"
          maxLength={8}
          placeholder="请输入车牌号码，如浙A12345"
          value={plate}
          onChange={(v) => setPlate(v.toUpperCase())}
        />
        <OptionPicker
          className="recover-plate-color"
          label="车牌颜色"
          options={plateColors}
          value={plateColor}
          onChange={setPlateColor}
          labelOf={(c) => `${c}色`}
        />
        <LabeledInput
          label="手机号"
          className="recover-phone"
          type="tel"
          maxLength={11}
          placeholder="请输入注册时填写的手机号"
          value={phone}
          onChange={setPhone}
        />
        <View className="auth-form__field">
          <CaptchaField captcha={captcha} />
        </View>
        {ask.message ? (
          <Text className="auth-form__message recover-message error-text">{ask.message}</Text>
        ) : null}
        <View className="auth-form__actions">
          <Button
            className="auth-form__action recover-ask"
            type="primary"
            loading={ask.busy}
            onClick={submitAsk}
          >
            {ask.busy ? '发送中…' : '获取验证码'}
          </Button>
          <Button className="auth-form__action recover-back" onClick={() => void Taro.navigateBack()}>
            返回
          </Button>
        </View>
        <Text className="auth-form__help recover-phone-help">{reservedPhoneChangeHelp}</Text>
      </View>
    </View>
  )
}
