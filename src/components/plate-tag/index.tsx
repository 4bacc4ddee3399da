import { Text, View } from '@tarojs/components'
import type { PlateColor } from '../../../types/enums'
import './index.scss'

/** CSS modifier per plate colour. */
export const plateColorClass: Record<PlateColor, string> = {
  蓝: 'blue',
  黄: 'yellow',
  绿: 'green',
  渐变绿: 'green',
  黄绿双拼: 'yellow-green',
  白: 'white',
  黑: 'black',
}

export interface PlateTagProps {
  plate: string
  color: PlateColor
  className?: string
}

/** A plate number drawn like the plate itself, with a chip naming the plate colour. */
export default function PlateTag({ plate, color, className }: PlateTagProps) {
  const modifier = plateColorClass[color]
  return (
    <View className={`plate-tag plate-tag--${modifier}${className ? ` ${className}` : ''}`}>
      <Text className="plate-tag__plate">{plate}</Text>
      <Text className="plate-tag__color">{color}牌</Text>
    </View>
  )
}
