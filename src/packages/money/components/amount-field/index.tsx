import { Text, View } from '@tarojs/components'
import { Input } from '@nutui/nutui-react-taro'
import './index.scss'

export interface AmountFieldProps {
  /** The yuan text as typed ("100", "12.5"); parsed by the page (rules.ts), never as a float. */
  value: string
  onChange: (value: string) => void
  placeholder?: string
  /** Marks the field when what it holds is refused (the page shows the message). */
  invalid?: boolean
  disabled?: boolean
  className?: string
}

/** A yuan amount: ¥ and a decimal keyboard. */
export default function AmountField({
  value,
  onChange,
  placeholder = '请输入金额',
  invalid = false,
  disabled = false,
  className,
}: AmountFieldProps) {
  return (
    <View
      className={`money-amount${invalid ? ' money-amount--invalid' : ''}${className ? ` ${className}` : ''}`}
    >
      <Text className="money-amount__currency">¥</Text>
      <Input
        className="money-amount__input"
        type="digit"
        value={value}
        placeholder={placeholder}
        maxLength={13}
        disabled={disabled}
        onChange={(v) => onChange(v)}
      />
    </View>
  )
}
