import { Text, View } from '@tarojs/components'
import { Radio } from '@nutui/nutui-react-taro'
import './index.scss'

export interface OptionPickerProps<T extends string> {
  className?: string
  label: string
  options: readonly T[]
  value: T
  onChange: (value: T) => void
  /** Display text of an option; the option itself by default. */
  labelOf?: (option: T) => string
}

/** A short list of choices (ID type, user type, plate colour) as buttons. */
export default function OptionPicker<T extends string>({
  className,
  label,
  options,
  value,
  onChange,
  labelOf,
}: OptionPickerProps<T>) {
  return (
    <View className={`option-picker ${className ?? ''}`}>
      <Text className="option-picker__label">{label}</Text>
      <Radio.Group
        className="option-picker__group"
        direction="horizontal"
        shape="button"
        value={value}
        onChange={(v) => {
          const picked = options.find((o) => o === String(v))
          if (picked !== undefined) onChange(picked)
        }}
      >
        {options.map((option) => (
          <Radio key={option} className={`option-picker__option`} value={option} shape="button">
            {labelOf ? labelOf(option) : option}
          </Radio>
        ))}
      </Radio.Group>
    </View>
  )
}
