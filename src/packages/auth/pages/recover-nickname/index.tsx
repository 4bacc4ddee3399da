import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { ActionResponse } from '../../../../../types'
import { plateColors, type PlateColor } from '../../../../../types/enums'
import { call } from '../../../../services/api'
import CaptchaField from '../../components/captcha-field'
import OptionPicker from '../../components/option-picker'
import { useCaptcha } from '../../shared/useCaptcha'
import { useFormAction } from '../../shared/useFormAction'
import { captchaError, firstProblem, phoneError, plateError } from '../../shared/validate'
import LabeledInput from '../../components/labeled-input'
import '../../shared/form.scss'

type Recovered = ActionResponse<'auth.recoverNickname'>

/** 找回昵称: plate + plate colour + the phone registered with the nickname → the nickname and its cards. */
export default function RecoverNicknamePage() {
  const [plate, setPlate] = useState('')
  const [plateColor, setPlateColor] = useState<PlateColor>('蓝')
  const [phone, setPhone] = useState('')
  const [result, setResult] = useState<Recovered | null>(null)
  const captcha = useCaptcha()
  const form = useFormAction()

  const submit = async () => {
    setResult(null)
    const problem = firstProblem(
      plateError(plate),
      phoneError(phone),
      captchaError(captcha.captchaId, captcha.text),
    )
    const found = await form.run(
      problem,
      () =>
        call('auth.recoverNickname', {
          plate: plate.trim().toUpperCase(),
          plateColor,
          phone: phone.trim(),
          captchaId: captcha.captchaId ?? '',
          captchaText: captcha.text.trim(),
        }),
      () => void captcha.refresh(),
    )
    if (found) {
      setResult(found)
      void captcha.refresh()
    }
  }

  return (
    <View className="recover page">
      <View className="card">
        <Text className="auth-form__intro muted">
          温馨提示：如果您忘记或丢失了您的注册用户信息或绑定过的账号，请通过以下操作来找回您的登录注册账号信息及绑定过的ETC通行卡卡号。
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
        {form.message ? (
          <Text className="auth-form__message recover-message error-text">{form.message}</Text>
        ) : null}
        <View className="auth-form__actions">
          <Button
            className="auth-form__action recover-submit"
            type="primary"
            loading={form.busy}
            onClick={submit}
          >
            查找
          </Button>
          <Button className="auth-form__action recover-back" onClick={() => void Taro.navigateBack()}>
            返回
          </Button>
        </View>
      </View>
      {result ? (
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
        </View>
      ) : null}
    </View>
  )
}
