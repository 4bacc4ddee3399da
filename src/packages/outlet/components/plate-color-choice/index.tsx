import { Text, View } from '@tarojs/components'
import { Radio } from '@nutui/nutui-react-taro'
import { plateColors, type PlateColor } from '../../../../../types/enums'

export interface PlateColorChoiceProps {
  value: PlateColor
  onChange: (color: PlateColor) => void
  className?: string
}

/** 车牌颜色 as a row of buttons (蓝色, 黄色, …), as the other forms pick a plate colour. */
export default function PlateColorChoice({ value, onChange, className }: PlateColorChoiceProps) {
  return (
    <View className={`outlet-plate-color${className ? ` ${className}` : ''}`}>
      <Text className="outlet-form__label">车牌颜色</Text>
      <Radio.Group
        className="outlet-plate-color__group"
        direction="horizontal"
        shape="button"
        value={value}
        onChange={(v) => {
          const picked = plateColors.find((c) => c === String(v))
          if (picked !== undefined) onChange(picked)
        }}
      >
        {plateColors.map((color) => (
          <Radio key={color} className="outlet-plate-color__option" value={color} shape="button">
            {`${color}色`}
          </Radio>
        ))}
      </Radio.Group>
    </View>
  )
}
