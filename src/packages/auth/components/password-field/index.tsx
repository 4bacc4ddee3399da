import { Text, View } from '@tarojs/components'
import { Input } from '@nutui/nutui-react-taro'
import { passwordInputCap, passwordMessages, passwordRules } from '../../../../../types/authRules'
import './index.scss'

export interface PasswordFieldProps {
  /** With a label, a row of the account forms; without, just the input (the login page's layout). */
  label?: string
  /** Class of the input (tests select it); `<className>-too-long` on the message. */
  className: string
  value: string
  onChange: (value: string) => void
  placeholder: string
  /** A new password (8–20) or one typed to log in or prove the old one (up to 64). */
  kind: 'new' | 'login'
}

const limits = {
  new: { max: passwordRules.newMaxLength, message: passwordMessages.newTooLong },
  login: { max: passwordRules.loginMaxLength, message: passwordMessages.loginTooLong },
} as const

/**
 * A password input with the server's length limit (types/authRules.ts). The input lets one
 * character more through, so an over-long paste stays over-long and is refused with a message
 * right away, instead of being cut silently to a password the user never chose.
 */
export default function PasswordField({
  label,
  className,
  value,
  onChange,
  placeholder,
  kind,
}: PasswordFieldProps) {
  const limit = limits[kind]
  const input = (
    <Input
      className={className}
      type="password"
      maxLength={passwordInputCap(limit.max)}
      placeholder={placeholder}
      value={value}
      onChange={onChange}
    />
  )
  const tooLong =
    value.length > limit.max ? (
      <Text className={`password-field__too-long error-text ${className}-too-long`}>{limit.message}</Text>
    ) : null
  if (!label) {
    return (
      <>
        {input}
        {tooLong}
      </>
    )
  }
  return (
    <View className="auth-form__field">
      <Text className="auth-form__label">{label}</Text>
      {input}
      {tooLong}
    </View>
  )
}
