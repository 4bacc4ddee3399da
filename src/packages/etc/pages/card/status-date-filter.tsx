import { Picker, Text, View } from '@tarojs/components'
import {
  dateRangeProblems,
  dayNumber,
  dayText,
  earliestStart,
  latestEnd,
  shiftDay,
  type DateRange,
  type DateSpan,
} from '../../../../../types/dateRange'
import Chips from '../../components/chips'

/** How the range was chosen: a quick range ending today, or 自定义 with the two pickers. */
export type RangeMode = '1m' | '3m' | '1y' | 'custom'

const modeOptions: { label: string; value: RangeMode }[] = [
  { label: '近1个月', value: '1m' },
  { label: '近3个月', value: '3m' },
  { label: '近1年', value: '1y' },
  { label: '自定义', value: 'custom' },
]

const back: Record<Exclude<RangeMode, 'custom'>, DateSpan> = {
  '1m': { amount: 1, unit: 'month', label: '1个月' },
  '3m': { amount: 3, unit: 'month', label: '3个月' },
  '1y': { amount: 1, unit: 'year', label: '1年' },
}

/** The quick range ending today (近1年 is the widest the span allows, as the server's default). */
export function quickRange(mode: Exclude<RangeMode, 'custom'>, today: string, span: DateSpan): DateRange {
  const end = dayNumber(today) ?? 0
  const from = dayText(shiftDay(end, back[mode], -1))
  const earliest = earliestStart(today, span) ?? from
  return { from: from < earliest ? earliest : from, to: today }
}

const laterOf = (a: string, b: string) => (a > b ? a : b)
const earlierOf = (a: string, b: string) => (a < b ? a : b)

export interface StatusDateFilterProps {
  mode: RangeMode
  value: DateRange
  /** Today in Asia/Shanghai: no picker goes past it. */
  today: string
  span: DateSpan
  /** The earliest day worth picking (the card's issue day). */
  earliest?: string
  onChange: (mode: RangeMode, range: DateRange) => void
  className?: string
  /** What the dates are of: the status list filters by 开始日期; records by their own time. */
  label?: string
}

/**
 * The date filter of a list: quick ranges, or 自定义 with a start and an end picker. The pickers
 * are bounded by the rule the server applies (types/dateRange.ts): the end never before the start,
 * after today, or more than the span after the start; moving the start pulls the end along.
 */
export default function StatusDateFilter({
  mode,
  value,
  today,
  span,
  earliest,
  onChange,
  className,
  label = '开始日期',
}: StatusDateFilterProps) {
  const endLimit = earlierOf(latestEnd(value.from, span) ?? today, today)
  const problem = dateRangeProblems(value, span, today)[0]?.message ?? null

  const setFrom = (from: string) => {
    const limit = earlierOf(latestEnd(from, span) ?? today, today)
    onChange('custom', { from, to: earlierOf(laterOf(value.to, from), limit) })
  }
  const setTo = (to: string) => onChange('custom', { from: earlierOf(value.from, to), to })

  return (
    <View className={`etc-status-range${className ? ` ${className}` : ''}`}>
      <Chips
        label={label}
        className="etc-status-range__quick"
        options={modeOptions}
        value={mode}
        onChange={(m) => onChange(m, m === 'custom' ? value : quickRange(m, today, span))}
      />
      {mode === 'custom' ? (
        <View className="etc-status-range__custom">
          <Picker
            mode="date"
            className="etc-status-range__from-picker"
            value={value.from}
            start={earliest && earliest < value.to ? earliest : undefined}
            end={value.to}
            onChange={(e) => setFrom(String(e.detail.value))}
          >
            <Text className="etc-status-range__day etc-status-range__from">{value.from}</Text>
          </Picker>
          <Text className="muted">至</Text>
          <Picker
            mode="date"
            className="etc-status-range__to-picker"
            value={value.to}
            start={value.from}
            end={endLimit}
            onChange={(e) => setTo(String(e.detail.value))}
          >
            <Text className="etc-status-range__day etc-status-range__to">{value.to}</Text>
          </Picker>
        </View>
      ) : null}
      {problem ? <Text className="error-text etc-filter-error">{problem}</Text> : null}
    </View>
  )
}
