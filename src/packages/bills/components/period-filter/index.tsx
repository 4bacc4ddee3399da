import { Picker, Text, View } from '@tarojs/components'
import { billPeriodLabels, billPeriods, periodLabel, type BillPeriod } from '../../../../../types/billRules'
import Chips from '../../../etc/components/chips'
import { periodChoices } from '../../period'
import './index.scss'

const periodOptions = billPeriods.map((p) => ({ label: billPeriodLabels[p], value: p }))

interface KeyPickerProps {
  period: BillPeriod
  latestMonth: string
  value: string
  className: string
  onChange: (key: string) => void
}

function KeyPicker({ period, latestMonth, value, className, onChange }: KeyPickerProps) {
  const keys = periodChoices(period, latestMonth)
  const labels = keys.map((k) => periodLabel(period, k))
  const index = Math.max(0, keys.indexOf(value))
  return (
    <Picker
      mode="selector"
      className={`${className}-picker`}
      range={labels}
      value={index}
      onChange={(e) => {
        const picked = keys[Number(e.detail.value)]
        if (picked) onChange(picked)
      }}
    >
      <Text className={`bills-period__key ${className}`}>{periodLabel(period, value)}</Text>
    </Picker>
  )
}

export interface PeriodFilterProps {
  label: string
  period: BillPeriod
  latestMonth: string
  onPeriod: (period: BillPeriod) => void
  /** One period (账单明细) … */
  value?: string
  onValue?: (key: string) => void
  /** … or a range of them (账单统计). */
  from?: string
  to?: string
  onRange?: (end: 'from' | 'to', key: string) => void
}

/** 统计时间 / 通行时间: 按月 / 按季度 / 按年 and the period(s), offered up to the latest bill month. */
export default function PeriodFilter(props: PeriodFilterProps) {
  const { label, period, latestMonth, onPeriod } = props
  return (
    <View className="bills-period">
      <Chips
        label={label}
        className="bills-period__mode"
        options={periodOptions}
        value={period}
        onChange={onPeriod}
      />
      <View className="bills-period__keys">
        {props.from !== undefined && props.to !== undefined && props.onRange ? (
          <>
            <KeyPicker
              period={period}
              latestMonth={latestMonth}
              value={props.from}
              className="bills-period__from"
              onChange={(k) => props.onRange?.('from', k)}
            />
            <Text className="muted">~</Text>
            <KeyPicker
              period={period}
              latestMonth={latestMonth}
              value={props.to}
              className="bills-period__to"
              onChange={(k) => props.onRange?.('to', k)}
            />
          </>
        ) : props.value !== undefined && props.onValue ? (
          <KeyPicker
            period={period}
            latestMonth={latestMonth}
            value={props.value}
            className="bills-period__value"
            onChange={props.onValue}
          />
        ) : null}
      </View>
    </View>
  )
}
