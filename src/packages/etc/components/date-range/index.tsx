import { Picker, Text, View } from '@tarojs/components'
import dayjs from 'dayjs'
import { shanghaiToday } from '../../../../components/date-time'
import Chips from '../chips'
import './index.scss'

export interface DateRangeValue {
  /** YYYY-MM-DD, inclusive */
  from?: string
  to?: string
}

type Quick = 'all' | '1m' | '3m' | '1y' | 'custom'

const quickOptions: { label: string; value: Quick }[] = [
  { label: '全部', value: 'all' },
  { label: '近1个月', value: '1m' },
  { label: '近3个月', value: '3m' },
  { label: '近1年', value: '1y' },
  { label: '自定义', value: 'custom' },
]

const DAY = 'YYYY-MM-DD'

export function quickRange(quick: Quick, today: string = shanghaiToday()): DateRangeValue {
  const end = dayjs(today)
  switch (quick) {
    case '1m':
      return { from: end.subtract(1, 'month').format(DAY), to: today }
    case '3m':
      return { from: end.subtract(3, 'month').format(DAY), to: today }
    case '1y':
      return { from: end.subtract(1, 'year').format(DAY), to: today }
    default:
      return {}
  }
}

function quickOf(value: DateRangeValue, today: string): Quick {
  if (!value.from && !value.to) return 'all'
  for (const q of ['1m', '3m', '1y'] as const) {
    const r = quickRange(q, today)
    if (r.from === value.from && r.to === value.to) return q
  }
  return 'custom'
}

export interface DateRangeProps {
  label?: string
  value: DateRangeValue
  onChange: (value: DateRangeValue) => void
  className?: string
}

/** A date range filter: quick ranges, or a custom start and end with the platform's date picker. */
export default function DateRange({ label = '日期', value, onChange, className }: DateRangeProps) {
  const today = shanghaiToday()
  const quick = quickOf(value, today)
  const from = value.from ?? dayjs(today).subtract(1, 'month').format(DAY)
  const to = value.to ?? today

  const setFrom = (d: string) => onChange({ from: d, to: d > to ? d : to })
  const setTo = (d: string) => onChange({ from: d < from ? d : from, to: d })

  return (
    <View className={`etc-date-range${className ? ` ${className}` : ''}`}>
      <Chips
        label={label}
        className="etc-date-range__quick"
        options={quickOptions}
        value={quick}
        onChange={(q) => onChange(q === 'custom' ? { from, to } : quickRange(q, today))}
      />
      {quick === 'custom' ? (
        <View className="etc-date-range__custom">
          <Picker mode="date" value={from} end={today} onChange={(e) => setFrom(String(e.detail.value))}>
            <Text className="etc-date-range__day etc-date-range__from">{from}</Text>
          </Picker>
          <Text className="muted">至</Text>
          <Picker mode="date" value={to} end={today} onChange={(e) => setTo(String(e.detail.value))}>
            <Text className="etc-date-range__day etc-date-range__to">{to}</Text>
          </Picker>
        </View>
      ) : null}
    </View>
  )
}
