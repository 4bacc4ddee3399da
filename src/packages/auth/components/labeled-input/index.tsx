import { Text, View } from '@tarojs/components'
import { Input } from '@nutui/nutui-react-taro'

export interface LabeledInputProps {
  label: string
  /** Class of the input (tests and browser tests select it). */
  className: string
  value: string
  onChange: (value: string) => void
  placeholder: string
  maxLength: number
  type?: 'text' | 'password' | 'number' | 'tel'
}

/** One row of the account forms: a label and its input. */
export default function LabeledInput(props: LabeledInputProps) {
  const { label, className, value, onChange, placeholder, maxLength, type = 'text' } = props
  return (
    <View className="auth-form__field">
      <Text className="auth-form__label">{label}</Text>
      <Input
        className={className}
        type={type}
        maxLength={maxLength}
        placeholder={placeholder}
        value={value}
        onChange={onChange}
      />
    </View>
  )
}
