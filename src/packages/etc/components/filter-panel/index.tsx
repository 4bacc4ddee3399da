import type { ReactNode } from 'react'
import { View } from '@tarojs/components'
import { Button, Input } from '@nutui/nutui-react-taro'
import './index.scss'

export interface TextFilter {
  key: string
  placeholder: string
  value: string
  onChange: (value: string) => void
  maxLength?: number
}

export interface FilterPanelProps {
  /** Text fields, applied with 查询. */
  fields: TextFilter[]
  onSearch: () => void
  onReset: () => void
  /** Chips and other filters that apply at once. */
  children?: ReactNode
  className?: string
}

/** The filter block of a list page: text fields with 查询 / 重置, plus instant filters. */
export default function FilterPanel({ fields, onSearch, onReset, children, className }: FilterPanelProps) {
  return (
    <View className={`etc-filter-panel${className ? ` ${className}` : ''}`}>
      {fields.map((f) => (
        <Input
          key={f.key}
          className={`etc-filter-panel__input etc-filter-${f.key}`}
          placeholder={f.placeholder}
          value={f.value}
          maxLength={f.maxLength}
          onChange={(v) => f.onChange(v)}
          onConfirm={onSearch}
        />
      ))}
      {children}
      <View className="etc-filter-panel__actions">
        <Button size="small" type="primary" className="etc-filter-search" onClick={onSearch}>
          查询
        </Button>
        <Button size="small" className="etc-filter-reset" onClick={onReset}>
          重置
        </Button>
      </View>
    </View>
  )
}
