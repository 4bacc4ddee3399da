import { Text, View } from '@tarojs/components'
import './index.scss'

export interface SummaryItem {
  label: string
  value: string
  /** For tests and styling: bills-summary__item--<key>. */
  key: string
}

/** The statistics bar above a list (通行笔数 / 通行费总金额 / 总共优惠, 总退费 / 已退费 / 退费中). */
export default function SummaryBar({ items, className }: { items: SummaryItem[]; className?: string }) {
  return (
    <View className={`bills-summary${className ? ` ${className}` : ''}`}>
      {items.map((item) => (
        <View key={item.key} className={`bills-summary__item bills-summary__item--${item.key}`}>
          <Text className="bills-summary__label">{item.label}</Text>
          <Text className="bills-summary__value">{item.value}</Text>
        </View>
      ))}
    </View>
  )
}
