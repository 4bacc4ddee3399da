import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'

export interface ConfirmRow {
  label: string
  value: ReactNode
  /** on the value, for tests and styles */
  className?: string
}

/** The rows of a confirmation before money moves (充值金额, 充值到, 充值方式…) and a note under them. */
export default function ConfirmRows({ rows, note }: { rows: ConfirmRow[]; note?: ReactNode }) {
  return (
    <View className="money-confirm">
      {rows.map((r) => (
        <View key={r.label} className="money-confirm__row">
          <Text className="muted">{r.label}</Text>
          <Text className={`money-confirm__value${r.className ? ` ${r.className}` : ''}`}>{r.value}</Text>
        </View>
      ))}
      {note ? <Text className="money-confirm__note">{note}</Text> : null}
    </View>
  )
}
