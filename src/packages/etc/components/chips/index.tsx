import { Text, View } from '@tarojs/components'
import './index.scss'

export interface ChipOption<V extends string> {
  label: string
  value: V
}

export interface ChipsProps<V extends string> {
  label?: string
  options: readonly ChipOption<V>[]
  value: V
  onChange: (value: V) => void
  /** Each chip gets `${className}-${value}` for tests and styling. */
  className?: string
}

/** A single choice among a few options (status, status list, date range), one tap to change. */
export default function Chips<V extends string>({
  label,
  options,
  value,
  onChange,
  className,
}: ChipsProps<V>) {
  return (
    <View className={`etc-chips${className ? ` ${className}` : ''}`}>
      {label ? <Text className="etc-chips__label">{label}</Text> : null}
      <View className="etc-chips__options">
        {options.map((o) => (
          <Text
            key={o.value}
            className={`etc-chips__chip${o.value === value ? ' etc-chips__chip--active' : ''}${
              className ? ` ${className}-${o.value}` : ''
            }`}
            onClick={() => {
              if (o.value !== value) onChange(o.value)
            }}
          >
            {o.label}
          </Text>
        ))}
      </View>
    </View>
  )
}
