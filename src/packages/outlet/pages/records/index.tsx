import { useRef, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import { Picker, Text, View } from '@tarojs/components'
import { Button, Input } from '@nutui/nutui-react-taro'
import type { OutletRecord } from '../../../../../types/actions/outlet'
import {
  dateRangeProblems,
  dayNumber,
  dayText,
  earliestStart,
  latestEnd,
  thirtyDaySpan,
  type DateRange,
} from '../../../../../types/dateRange'
import type { PlateColor } from '../../../../../types/enums'
import { formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useOperatorPagedList } from '../../../operator/shared/useOperatorPagedList'
import OutletGate from '../../components/outlet-gate'
import PlateColorChoice from '../../components/plate-color-choice'
import RecordState from '../../components/record-state'
import { outletRoutes } from '../../routes'
import { useOutletSession } from '../../shared/useOutletSession'
import '../../common.scss'

/** The last 7 Shanghai days, today included. */
export function lastSevenDays(today: string): DateRange {
  const end = dayNumber(today) ?? 0
  return { from: dayText(end - 6), to: today }
}

const earlierOf = (a: string, b: string) => (a < b ? a : b)
const laterOf = (a: string, b: string) => (a > b ? a : b)

function Money({ fen }: { fen: OutletRecord['balanceBefore'] }) {
  return fen === null ? <Text>-</Text> : <MoneyText fen={fen} />
}

function RecordRow({ record }: { record: OutletRecord }) {
  return (
    <View
      className={`outlet-record-row card outlet-record-${record.recordId}`}
      onClick={() => void Taro.navigateTo({ url: outletRoutes.record(record.recordId) })}
    >
      <View className="outlet-record-row__top">
        <Text className="outlet-record-row__plate">
          {record.plate}（{record.plateColor}色）
        </Text>
        <RecordState state={record.state} />
      </View>
      <View className="outlet-record-row__line muted">
        <Text>卡号</Text>
        <Text>{record.cardNo}</Text>
      </View>
      <View className="outlet-record-row__line">
        <Text className="muted">充值前金额</Text>
        <Money fen={record.balanceBefore} />
      </View>
      <View className="outlet-record-row__line">
        <Text className="muted">充值金额</Text>
        <MoneyText className="outlet-record-row__amount" fen={record.amount} />
      </View>
      <View className="outlet-record-row__line">
        <Text className="muted">充值后金额</Text>
        <Money fen={record.balanceAfter} />
      </View>
      <View className="outlet-record-row__line muted">
        <Text>充值时间</Text>
        <Text>{formatShanghaiTime(record.createdAt)}</Text>
      </View>
    </View>
  )
}

/**
 * 充值记录 (seeds 002/003): plate, plate colour and at most 30 Shanghai days, then 查询. Tapping a
 * record opens its detail (未圈存 / 圈存 there).
 */
export default function OutletRecordsPage() {
  const { session, allowed } = useOutletSession()
  const today = useRef(shanghaiToday()).current
  const [plate, setPlate] = useState('')
  const [plateColor, setPlateColor] = useState<PlateColor>('蓝')
  const [range, setRange] = useState<DateRange>(() => lastSevenDays(today))
  const [problem, setProblem] = useState<string | null>(null)
  // 充值记录 of one plate, colour and date range, newest first; nothing is asked before the first 查询
  const [searched, setSearched] = useState(false)
  const list = useOperatorPagedList(
    'outlet.records.list',
    { plate: '', plateColor, ...range },
    { enabled: session !== null && allowed && searched },
  )
  const query = searched ? list.filters : null
  useListPageEvents(list)

  // back from a record (reset, 圈存): its state may have changed
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && query) void list.refresh()
    shown.current = true
  })

  const setFrom = (from: string) => {
    const limit = earlierOf(latestEnd(from, thirtyDaySpan) ?? today, today)
    setRange({ from, to: earlierOf(laterOf(range.to, from), limit) })
  }
  const setTo = (to: string) => {
    const start = earliestStart(to, thirtyDaySpan) ?? to
    setRange({ from: laterOf(earlierOf(range.from, to), start), to })
  }

  const search = () => {
    const p = plate.trim().toUpperCase()
    const first = !p ? '请输入车牌号码' : (dateRangeProblems(range, thirtyDaySpan, today)[0]?.message ?? null)
    setProblem(first)
    if (first) return
    list.setFilters({ plate: p, plateColor, from: range.from, to: range.to })
    setSearched(true)
  }

  const form = (
    <View className="card outlet-form outlet-records__form">
      <View className="outlet-form__field">
        <Text className="outlet-form__label">车牌号码</Text>
        <Input
          className="outlet-form__value outlet-records-plate"
          maxLength={8}
          placeholder="请输入车牌号码"
          value={plate}
          onChange={(v) => setPlate(v.toUpperCase())}
        />
      </View>
      <PlateColorChoice className="outlet-records-color" value={plateColor} onChange={setPlateColor} />
      <View className="outlet-form__field">
        <Text className="outlet-form__label">开始时间</Text>
        <Picker
          mode="date"
          className="outlet-records-from-picker"
          value={range.from}
          end={range.to}
          onChange={(e) => setFrom(String(e.detail.value))}
        >
          <Text className="outlet-form__value outlet-records-from">{range.from}</Text>
        </Picker>
      </View>
      <View className="outlet-form__field">
        <Text className="outlet-form__label">结束时间</Text>
        <Picker
          mode="date"
          className="outlet-records-to-picker"
          value={range.to}
          start={range.from}
          end={today}
          onChange={(e) => setTo(String(e.detail.value))}
        >
          <Text className="outlet-form__value outlet-records-to">{range.to}</Text>
        </Picker>
      </View>
      <Text className="outlet-note">结束时间和开始时间相差不能超过30天</Text>
      {problem ? (
        <Text className="outlet-form__message outlet-records-message error-text">{problem}</Text>
      ) : null}
      <Button
        className="outlet-form__submit outlet-records-search"
        type="primary"
        block
        loading={list.loading}
        onClick={search}
      >
        查询
      </Button>
    </View>
  )

  return (
    <View className="outlet-records outlet-page">
      <NavBar title="充值记录" />
      <OutletGate session={session} allowed={allowed}>
        {query ? (
          <ListWithFilters
            header={form}
            filterSummary={`${query.plate} ${query.plateColor}色`}
            list={list}
            keyOf={(r) => r.recordId}
            emptyText="暂无充值记录"
            renderItem={(r) => <RecordRow record={r} />}
          />
        ) : (
          <View>
            {form}
            <Text className="outlet-note outlet-records__hint">
              请输入车牌号码，选择车牌颜色和充值时间后查询
            </Text>
          </View>
        )}
      </OutletGate>
    </View>
  )
}
