import { View } from '@tarojs/components'
import { Button, Input } from '@nutui/nutui-react-taro'

export interface SmsCodeFieldProps {
  /** Class prefix: `<prefix>-code` on the input, `<prefix>-send-code` on the button (tests select them). */
  prefix: string
  className: string
  code: string
  onCodeChange: (code: string) => void
  /** Seconds until another code may be sent; 0 when it may. */
  countdown: number
  sending: boolean
  onSend: () => void
}

/** 短信验证码: the code input and 获取验证码 with its countdown. */
export default function SmsCodeField(props: SmsCodeFieldProps) {
  const { prefix, className, code, onCodeChange, countdown, sending, onSend } = props
  return (
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
        disabled={countdown > 0 || sending}
        onClick={onSend}
      >
        {countdown > 0 ? `${countdown}秒后重新获取` : '获取验证码'}
      </Button>
    </View>
  )
}
