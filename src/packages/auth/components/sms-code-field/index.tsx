import { Text, View } from '@tarojs/components'
import { Button, Input } from '@nutui/nutui-react-taro'
import type { Captcha } from '../../../../hooks/useCaptcha'
import CaptchaField from '../captcha-field'
import './index.scss'

export interface SmsCodeFieldProps {
  /**
   * Class prefix (tests select by it): `<prefix>-code` on the input, `<prefix>-send-code` on the
   * button, `<prefix>-sms-captcha` on the captcha input, `<prefix>-sms-error` / `-sms-notice`.
   */
  prefix: string
  /** Class of the row holding the input and the button (the page's layout). */
  className: string
  code: string
  onCodeChange: (code: string) => void
  /** Seconds until another code may be sent; 0 when it may. */
  countdown: number
  sending: boolean
  onSend: () => void
  /** The graphic captcha a send needs now (after a phone's first codes of the day, or always). */
  captcha?: Captcha | null
  /** Why the last send failed; pages that show it in their own message line leave it out. */
  error?: string | null
  /** Where the last code went. */
  notice?: string | null
  /** The button before the first code: 获取验证码, or 重新获取 after an earlier step sent one. */
  sendLabel?: string
}

function buttonText(sending: boolean, countdown: number, sendLabel: string): string {
  if (sending) return '发送中…'
  if (countdown > 0) return `${countdown}秒后重新获取`
  return sendLabel
}

/** 短信验证码: the code input and 获取验证码 with its countdown, the captcha when needed, what happened. */
export default function SmsCodeField(props: SmsCodeFieldProps) {
  const { prefix, className, code, onCodeChange, countdown, sending, onSend } = props
  const { captcha = null, error = null, notice = null, sendLabel = '获取验证码' } = props
  return (
    <View className={`sms-code-field ${prefix}-sms`}>
      {captcha ? (
        <View className="sms-code-field__captcha">
          <Text className="sms-code-field__hint muted">请输入图形验证码后再获取短信验证码</Text>
          <CaptchaField
            captcha={captcha}
            inputClassName={`${prefix}-sms-captcha`}
            imageClassName={`${prefix}-sms-captcha-image`}
          />
        </View>
      ) : null}
      <View className={className}>
        <Input
          className={`${prefix}-code`}
          type="number"
          maxLength={6}
          placeholder="请输入短信验证码"
          value={code}
          onChange={onCodeChange}
        />
        <Button
          className={`${prefix}-send-code`}
          size="small"
          fill="outline"
          type="primary"
          loading={sending}
          disabled={countdown > 0 || sending}
          onClick={onSend}
        >
          {buttonText(sending, countdown, sendLabel)}
        </Button>
      </View>
      {error ? (
        <Text className={`sms-code-field__message error-text ${prefix}-sms-error`}>{error}</Text>
      ) : null}
      {notice ? <Text className={`sms-code-field__message muted ${prefix}-sms-notice`}>{notice}</Text> : null}
    </View>
  )
}
