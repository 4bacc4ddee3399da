import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Segmented } from '@nutui/nutui-react-taro'
import type { RefundRow, RefundScene } from '../../../../../types'
import { refundNotice, refundSceneLabels, refundScenes } from '../../../../../types/billRules'
import { dateRangeProblems, oneYearSpan, type DateRange } from '../../../../../types/dateRange'
import { formatYuan } from '../../../../../types/money'
import ExportButton from '../../../../components/export-button'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiDate, formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import PlateFilter from '../../components/plate-filter'
import InfoList from '../../../etc/components/info-list'
import OptionalDateRange from '../../components/optional-date-range'
import SummaryBar from '../../components/summary-bar'
import { plateText, stationsText } from '../../labels'
import '../../common.scss'

const tabs = refundScenes.map((s) => ({
  label: refundSceneLabels[s],
  value: s,
  className: `bills-refunds-tab-${s}`,
}))
const isScene = (value: unknown): value is RefundScene => refundScenes.some((s) => s === value)

function RefundItem({ refund, scene }: { refund: RefundRow; scene: RefundScene }) {
  const highway = scene === 'highway'
  return (
    <InfoList
      className={`bills-refund bills-refund--${refund.status}`}
      rows={[
        { label: '车牌号码', value: plateText(refund.plate, refund.plateColor) },
        highway
          ? { label: '出入口收费站', value: stationsText(refund.entryStation, refund.exitStation) }
          : { label: '停车场名称', value: refund.exitStation },
        { label: highway ? '通行时间' : '消费时间', value: formatShanghaiTime(refund.tripAt) },
        // the seed shows the day for highway refunds, day and time for parking ones
        {
          label: '退费日期',
          value: highway ? formatShanghaiDate(refund.refundAt) : formatShanghaiTime(refund.refundAt),
        },
        { label: '退款金额（元）', value: formatYuan(refund.amount) },
        {
          label: '退款状态',
          value: (
            <Text className={`bills-refund__status bills-refund__status--${refund.status}`}>
              {refund.statusLabel}
            </Text>
          ),
        },
      ]}
    />
  )
}

interface RefundFilter {
  trip: DateRange | null
  refund: DateRange | null
  plate: string
}

/** 退费记录查询 (seed 001 §2.6.3): highway and non-highway refunds with 总退费 / 已退费 / 退费中. */
export function RefundsView({ initialScene = 'highway' }: { initialScene?: RefundScene }) {
  const loggedIn = useRequireLogin()
  const [today] = useState(shanghaiToday)
  const [scene, setScene] = useState<RefundScene>(initialScene)
  const [filter, setFilter] = useState<RefundFilter>({ trip: null, refund: null, plate: '' })
  const list = usePagedList('refunds.list', { scene }, { enabled: loggedIn })

  useListPageEvents(list)

  const valid = (r: DateRange | null) => r === null || dateRangeProblems(r, oneYearSpan, today).length === 0
  const search = (nextScene: RefundScene = scene, f: RefundFilter = filter) => {
    // each date filter shows its own message; only ranges the server accepts are asked for
    if (!valid(f.trip) || !valid(f.refund)) return
    const p = f.plate.trim().toUpperCase()
    list.setFilters({
      scene: nextScene,
      ...(p ? { plate: p } : {}),
      ...(f.trip ? { tripFrom: f.trip.from, tripTo: f.trip.to } : {}),
      ...(f.refund ? { refundFrom: f.refund.from, refundTo: f.refund.to } : {}),
    })
  }
  const change = (next: Partial<RefundFilter>, apply = true) => {
    const f = { ...filter, ...next }
    setFilter(f)
    if (apply) search(scene, f)
  }

  const page = list.firstPage
  const header = (
    <View>
      {/* NutUI's Segmented drops className: the wrapper carries it */}
      <View className="bills-tabs bills-refunds__tabs">
        <Segmented
          options={tabs}
          value={scene}
          onChange={(value) => {
            if (!isScene(value)) return
            setScene(value)
            search(value)
          }}
        />
      </View>
      <Text className="bills-notice bills-refunds__notice">{page?.notice ?? refundNotice}</Text>
      <View className="card bills-refunds__filter">
        <OptionalDateRange
          label={scene === 'highway' ? '通行时间' : '消费时间'}
          className="bills-refunds__trip"
          value={filter.trip}
          today={today}
          span={oneYearSpan}
          onChange={(trip) => change({ trip })}
        />
        {scene === 'highway' ? (
          <OptionalDateRange
            label="退费日期"
            className="bills-refunds__refund"
            value={filter.refund}
            today={today}
            span={oneYearSpan}
            onChange={(refund) => change({ refund })}
          />
        ) : null}
        {page?.trip && !filter.trip && !filter.refund ? (
          <Text className="muted bills-refunds__applied">{`未选日期时查询通行时间 ${page.trip.from} 至 ${page.trip.to} 的退费`}</Text>
        ) : null}
      </View>
      {page ? (
        <SummaryBar
          items={[
            { key: 'total', label: '总退费', value: `${formatYuan(page.totals.total)}元` },
            { key: 'refunded', label: '已退费', value: `${formatYuan(page.totals.refunded)}元` },
            { key: 'refunding', label: '退费中', value: `${formatYuan(page.totals.refunding)}元` },
          ]}
        />
      ) : null}
      <ExportButton kind="refunds" filter={list.filters} disabled={list.loading || list.total === 0} />
    </View>
  )

  return (
    <View className="bills-refunds page">
      <NavBar title="退费记录查询" />
      <ListWithFilters
        header={header}
        activeFilters={list.filters.plate ? 1 : 0}
        filters={(panel) => (
          <PlateFilter
            panel={panel}
            plate={filter.plate}
            onPlateChange={(plate) => change({ plate }, false)}
            onSearch={() => search()}
            onReset={() => change({ trip: null, refund: null, plate: '' })}
          />
        )}
        list={list}
        emptyText={`暂无${refundSceneLabels[scene]}退费记录`}
        keyOf={(r) => r.tripId}
        renderItem={(r) => <RefundItem refund={r} scene={scene} />}
      />
    </View>
  )
}

export default function RefundsPage() {
  const { params } = useRouter()
  return <RefundsView initialScene={isScene(params.tab) ? params.tab : 'highway'} />
}
