import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import './index.scss'

export interface InfoRow {
  label: string
  value: ReactNode
}

export interface InfoListProps {
  title?: string
  rows: InfoRow[]
  className?: string
  children?: ReactNode
}

/** A titled card of label / value rows; empty values read '-'. */
export default function InfoList({ title, rows, className, children }: InfoListProps) {
  return (
    <View className={`etc-info card${className ? ` ${className}` : ''}`}>
      {title ? <Text className="etc-info__title">{title}</Text> : null}
      {rows.map((r) => (
        <View key={r.label} className="etc-info__row">
          <Text className="etc-info__label">{r.label}</Text>
          <View className="etc-info__value">
            {r.value === null || r.value === undefined || r.value === '' ? '-' : r.value}
          </View>
        </View>
      ))}
      {children}
    </View>
  )
}
