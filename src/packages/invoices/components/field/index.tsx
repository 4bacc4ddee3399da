import { Text, View } from '@tarojs/components'
import { Input } from '@nutui/nutui-react-taro'
import './index.scss'

export interface FieldProps {
  label: string
  /** Class of the input (tests and browser tests select it). */
  className: string
  value: string
  onChange: (value: string) => void
  placeholder: string
  maxLength: number
  required?: boolean
  /** Shown under the input, in red. */
  error?: string | null
  hint?: string
  type?: 'text' | 'tel' | 'number'
}

/** A labelled input of the invoice forms with its message underneath. */
export default function Field(props: FieldProps) {
  const { label, className, value, onChange, placeholder, maxLength, required, error, hint } = props
  return (
    <View className={`inv-field${error ? ' inv-field--error' : ''}`}>
      <Text className="inv-field__label">
        {required ? <Text className="inv-field__required">*</Text> : null}
        {label}
      </Text>
      <Input
        className={`inv-field__input ${className}`}
        type={props.type ?? 'text'}
        maxLength={maxLength}
        placeholder={placeholder}
        value={value}
        onChange={onChange}
      />
      {error ? (
        <Text className={`inv-field__error error-text ${className}-error`}>{error}</Text>
      ) : hint ? (
        <Text className="inv-field__hint muted">{hint}</Text>
      ) : null}
    </View>
  )
}
