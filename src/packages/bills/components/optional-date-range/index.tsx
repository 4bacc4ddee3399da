import { Picker, Text, View } from '@tarojs/components'
import {
  dateRangeProblems,
  earliestStart,
  latestEnd,
  type DateRange,
  type DateSpan,
} from '../../../../../types/dateRange'
import './index.scss'

export interface OptionalDateRangeProps {
  label: string
  /** null: the filter is not applied (开始日期 ~ 结束日期). */
  value: DateRange | null
  today: string
  span: DateSpan
  onChange: (range: DateRange | null) => void
  className: string
}

const earlierOf = (a: string, b: string) => (a < b ? a : b)
const laterOf = (a: string, b: string) => (a > b ? a : b)

/**
 * A date filter that may stay empty (seed: 退费日期 开始日期 ~ 结束日期). Picking one end fills the
 * other within the span; 清除 lifts the filter again.
 */
export default function OptionalDateRange({
  label,
  value,
  today,
  span,
  onChange,
  className,
}: OptionalDateRangeProps) {
  const setFrom = (from: string) => {
    const limit = earlierOf(latestEnd(from, span) ?? today, today)
    onChange({ from, to: value ? earlierOf(laterOf(value.to, from), limit) : limit })
  }
  const setTo = (to: string) => {
    const start = earliestStart(to, span) ?? to
    onChange({ from: value ? laterOf(earlierOf(value.from, to), start) : start, to })
  }
  const problem = value ? (dateRangeProblems(value, span, today)[0]?.message ?? null) : null
  return (
    <View className={`bills-optional-range ${className}`}>
      <Text className="bills-optional-range__label">{label}</Text>
      <View className="bills-optional-range__days">
        <Picker
          mode="date"
          className={`${className}-from-picker`}
          value={value?.from ?? today}
          end={value?.to ?? today}
          onChange={(e) => setFrom(String(e.detail.value))}
        >
          <Text className={`bills-optional-range__day ${className}-from${value ? '' : ' muted'}`}>
            {value?.from ?? '开始日期'}
          </Text>
        </Picker>
        <Text className="muted">~</Text>
        <Picker
          mode="date"
          className={`${className}-to-picker`}
          value={value?.to ?? today}
          start={value?.from}
          end={today}
          onChange={(e) => setTo(String(e.detail.value))}
        >
          <Text className={`bills-optional-range__day ${className}-to${value ? '' : ' muted'}`}>
            {value?.to ?? '结束日期'}
          </Text>
        </Picker>
        {value ? (
          <Text
            className={`bills-link bills-optional-range__clear ${className}-clear`}
            onClick={() => onChange(null)}
          >
            清除
          </Text>
        ) : null}
      </View>
      {problem ? <Text className="error-text">{problem}</Text> : null}
    </View>
  )
}
