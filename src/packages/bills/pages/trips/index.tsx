import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Segmented } from '@nutui/nutui-react-taro'
import type { TripRow, TripScene } from '../../../../../types'
import { tripSceneLabels } from '../../../../../types/billRules'
import { dateRangeProblems, oneYearSpan, type DateRange } from '../../../../../types/dateRange'
import { tripScenes } from '../../../../../types/enums'
import { formatYuan } from '../../../../../types/money'
import ExportButton from '../../../../components/export-button'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import PlateFilter from '../../components/plate-filter'
import InfoList from '../../../etc/components/info-list'
import StatusDateFilter, { quickRange, type RangeMode } from '../../../etc/pages/card/status-date-filter'
import SummaryBar from '../../components/summary-bar'
import { plateText, stationsText } from '../../labels'
import { billsRoutes } from '../../routes'
import '../../common.scss'

/** The seed's tab names without 记录: the three fit side by side on a 375 px phone. */
const tabLabels: Record<TripScene, string> = {
  etcHighway: 'ETC高速通行',
  nonEtcHighway: '非ETC高速通行',
  nonHighway: '非高速通行',
}
const tabs = tripScenes.map((s) => ({
  label: tabLabels[s],
  value: s,
  className: `bills-trips-tab-${s}`,
}))
const isScene = (value: unknown): value is TripScene => tripScenes.some((s) => s === value)
/** Non-ETC highway trips pay cash or by phone: no ETC discount to sum (the seed's bar has two items). */
const hasDiscount = (scene: TripScene) => scene !== 'nonEtcHighway'

function TripItem({ trip }: { trip: TripRow }) {
  const rows = [
    { label: '车牌号码', value: plateText(trip.plate, trip.plateColor) },
    { label: '通行时间', value: formatShanghaiTime(trip.exitAt) },
    ...(trip.scene === 'nonEtcHighway' ? [] : [{ label: '扣款日期', value: trip.deductionDate }]),
    { label: 'ETC通行卡卡号', value: trip.cardNo },
    { label: '收费金额（元）', value: formatYuan(trip.amount) },
    ...(hasDiscount(trip.scene) ? [{ label: '优惠金额（元）', value: formatYuan(trip.discount) }] : []),
    {
      label: trip.scene === 'nonHighway' ? '站点' : '出入口站点',
      value: stationsText(trip.entryStation, trip.exitStation),
    },
  ]
  return (
    <View className="bills-trip" onClick={() => void Taro.navigateTo({ url: billsRoutes.trip(trip.id) })}>
      <InfoList className="bills-trip__info" rows={rows}>
        <View className="bills-row__head bills-trip__foot">
          <Text className="muted">{trip.refundStatus ? '该笔通行有退费' : ''}</Text>
          <Text className="bills-link bills-row__detail bills-trip__detail">详情 {'>'}</Text>
        </View>
      </InfoList>
    </View>
  )
}

/** 通行流水查询 (seed 001 §2.6.2): three scenes, the statistics bar, each trip to its detail. */
export function TripsView({ initialScene = 'etcHighway' }: { initialScene?: TripScene }) {
  const loggedIn = useRequireLogin()
  const [today] = useState(shanghaiToday)
  const [scene, setScene] = useState<TripScene>(initialScene)
  const [mode, setMode] = useState<RangeMode>('1y')
  const [range, setRange] = useState<DateRange>(() => quickRange('1y', today, oneYearSpan))
  const [plate, setPlate] = useState('')
  const list = usePagedList('trips.list', { scene, ...range }, { enabled: loggedIn })

  useListPageEvents(list)

  const search = (next: { scene?: TripScene; range?: DateRange; plate?: string } = {}) => {
    const r = next.range ?? range
    // the filter shows its own message; only a range the server accepts is asked for
    if (dateRangeProblems(r, oneYearSpan, today).length > 0) return
    const p = (next.plate ?? plate).trim().toUpperCase()
    list.setFilters({ scene: next.scene ?? scene, ...r, ...(p ? { plate: p } : {}) })
  }

  const statistics = list.firstPage?.statistics
  const header = (
    <View>
      {/* NutUI's Segmented drops className: the wrapper carries it */}
      <View className="bills-tabs bills-trips__tabs">
        <Segmented
          options={tabs}
          value={scene}
          onChange={(value) => {
            if (!isScene(value)) return
            setScene(value)
            search({ scene: value })
          }}
        />
      </View>
      <View className="card bills-trips__filter">
        <StatusDateFilter
          mode={mode}
          value={range}
          today={today}
          span={oneYearSpan}
          label="通行时间"
          onChange={(m, r) => {
            setMode(m)
            setRange(r)
            search({ range: r })
          }}
        />
      </View>
      {statistics ? (
        <SummaryBar
          items={[
            { key: 'count', label: '通行笔数', value: `${statistics.count}次` },
            { key: 'amount', label: '通行费总金额', value: `${formatYuan(statistics.amount)}元` },
            ...(hasDiscount(scene)
              ? [{ key: 'discount', label: '总共优惠', value: `${formatYuan(statistics.discount)}元` }]
              : []),
          ]}
        />
      ) : null}
      <ExportButton kind="trips" filter={list.filters} disabled={list.loading || list.total === 0} />
    </View>
  )

  return (
    <View className="bills-trips page">
      <NavBar title="通行流水查询" />
      <ListWithFilters
        header={header}
        activeFilters={list.filters.plate ? 1 : 0}
        filters={(panel) => (
          <PlateFilter
            panel={panel}
            plate={plate}
            onPlateChange={setPlate}
            onSearch={() => search()}
            onReset={() => {
              setPlate('')
              search({ plate: '' })
            }}
          />
        )}
        list={list}
        emptyText={`所选时间内暂无${tripSceneLabels[scene]}`}
        keyOf={(t) => t.id}
        renderItem={(t) => <TripItem trip={t} />}
      />
    </View>
  )
}

export default function TripsPage() {
  const { params } = useRouter()
  return <TripsView initialScene={isScene(params.tab) ? params.tab : 'etcHighway'} />
}
