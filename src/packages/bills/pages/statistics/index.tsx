import { useState } from 'react'
import Taro from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { BillPeriod, BillStatisticsRow, BillTrend } from '../../../../../types'
import { billMonthNotice } from '../../../../../types/billRules'
import { formatYuan } from '../../../../../types/money'
import ExportButton from '../../../../components/export-button'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { shanghaiToday } from '../../../../components/date-time'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import PlateFilter from '../../components/plate-filter'
import InfoList from '../../../etc/components/info-list'
import Chips from '../../../etc/components/chips'
import PeriodFilter from '../../components/period-filter'
import SummaryBar from '../../components/summary-bar'
import TrendChart from '../../components/trend-chart'
import { plateText } from '../../labels'
import { defaultRange, expectedLatestMonth, trendMonths, withEnd, type PeriodRange } from '../../period'
import { billsRoutes } from '../../routes'
import '../../common.scss'
import './index.scss'

const yuan = (amount: BillStatisticsRow['net']) => `${formatYuan(amount)}元`

function StatisticsRow({ row }: { row: BillStatisticsRow }) {
  return (
    <InfoList
      className="bills-statistics-row"
      rows={[
        { label: '车牌号码', value: plateText(row.plate, row.plateColor) },
        { label: '统计时间', value: row.periodLabel },
        { label: 'ETC通行卡卡号', value: row.cardNo },
        { label: '通行笔数', value: `${row.count}次` },
        { label: '通行费', value: <MoneyText fen={row.amount} /> },
        { label: '已退费', value: <MoneyText fen={row.refunded} /> },
        {
          label: '总金额 (元)',
          value: <Text className="bills-statistics-row__net">{formatYuan(row.net)}</Text>,
        },
      ]}
    />
  )
}

type ChartMode = 'month' | 'vehicle'
/** Plates fit under at most this many bars on a phone. */
const chartVehicles = 5
/** 3月 within one year; 25-11 when the months span two. */
const monthLabel = (month: string, oneYear: boolean) =>
  oneYear ? `${Number(month.slice(5))}月` : `${month.slice(2, 4)}-${month.slice(5)}`
const chartModes: { label: string; value: ChartMode }[] = [
  { label: '按月趋势', value: 'month' },
  { label: '按车辆', value: 'vehicle' },
]

/** The trend of the months the filter covers: per month (all vehicles or one), or per vehicle. */
function Trend({
  trend,
  vehicleId,
  onVehicle,
}: {
  trend: BillTrend
  vehicleId: string
  onVehicle: (id: string) => void
}) {
  const [mode, setMode] = useState<ChartMode>('month')
  const oneYear = new Set(trend.months.map((m) => m.month.slice(0, 4))).size <= 1
  const shownVehicles = trend.vehicles.slice(0, chartVehicles)
  const vehicleOptions = [
    { label: '全部车辆', value: '' },
    ...trend.vehicles.slice(0, 8).map((v) => ({ label: v.plate, value: v.vehicleId })),
  ]
  return (
    <View className="card bills-trend">
      <Chips className="bills-trend__mode" options={chartModes} value={mode} onChange={setMode} />
      {mode === 'month' ? (
        <View>
          {trend.vehicles.length > 1 || vehicleId ? (
            <Chips
              label="车辆"
              className="bills-trend__vehicle"
              options={vehicleOptions}
              value={vehicleId}
              onChange={onVehicle}
            />
          ) : null}
          <TrendChart
            id="bills-trend-month"
            title="每月账单金额（元，已扣除退费）"
            points={trend.months.map((m) => ({ label: monthLabel(m.month, oneYear), amount: m.net }))}
          />
        </View>
      ) : (
        <View>
          <Text className="bills-trend__note muted">
            {`共 ${trend.vehicleCount} 辆车有通行${trend.vehicleCount > shownVehicles.length ? `，显示金额最多的 ${shownVehicles.length} 辆` : ''}`}
          </Text>
          <TrendChart
            id="bills-trend-vehicle"
            title="各车辆账单金额（元，已扣除退费）"
            points={shownVehicles.map((v) => ({ label: v.plate, amount: v.net }))}
          />
        </View>
      )}
    </View>
  )
}

/** 账单统计 (seed 001 §2.6.1): per vehicle, card and month / quarter / year, with the trend. */
export function StatisticsView() {
  const loggedIn = useRequireLogin()
  const [guessLatest] = useState(() => expectedLatestMonth(shanghaiToday()))
  const [range, setRange] = useState<PeriodRange>(() => defaultRange('year', guessLatest))
  const [plate, setPlate] = useState('')
  const [vehicleId, setVehicleId] = useState('')
  const list = usePagedList('bills.statistics', { ...range }, { enabled: loggedIn })
  const latestMonth = list.firstPage?.latestMonth ?? guessLatest
  const applied = list.filters
  const appliedRange: PeriodRange = {
    period: applied.period as BillPeriod,
    from: applied.from,
    to: applied.to,
  }
  const months = trendMonths(appliedRange, latestMonth)
  const trend = useApiQuery(
    'bills.trend',
    { ...months, ...(vehicleId ? { vehicleId } : {}) },
    { enabled: loggedIn },
  )

  useListPageEvents(list, trend.refetch)

  const search = (next: PeriodRange = range, nextPlate: string = plate) => {
    const p = nextPlate.trim().toUpperCase()
    list.setFilters({ ...next, ...(p ? { plate: p } : {}) })
  }
  const changeRange = (next: PeriodRange) => {
    setRange(next)
    search(next)
  }

  const page = list.firstPage
  const header = (
    <View>
      <Text className="bills-notice bills-statistics__rule">
        {`${page?.notice ?? billMonthNotice}：目前可查询到 ${Number(latestMonth.slice(0, 4))}年${Number(latestMonth.slice(5))}月 的账单。如需导出账单明细，请在【账单明细】中查询导出。`}
      </Text>
      <View className="card bills-statistics__filter">
        <PeriodFilter
          label="统计时间"
          period={range.period}
          latestMonth={latestMonth}
          onPeriod={(p) => changeRange(defaultRange(p, latestMonth))}
          from={range.from}
          to={range.to}
          onRange={(end, key) => changeRange(withEnd(range, end, key))}
        />
      </View>
      {page ? (
        <SummaryBar
          items={[
            { key: 'count', label: '通行笔数', value: `${page.totals.count}次` },
            { key: 'refunded', label: '已退费', value: yuan(page.totals.refunded) },
            { key: 'net', label: '总金额', value: yuan(page.totals.net) },
          ]}
        />
      ) : null}
      {trend.data ? <Trend trend={trend.data} vehicleId={vehicleId} onVehicle={setVehicleId} /> : null}
      {trend.error && !trend.data ? (
        <Text className="error-text bills-trend__error">{trend.error.message}</Text>
      ) : null}
      <View className="bills-tools">
        <Text
          className="bills-link bills-statistics__details"
          onClick={() => void Taro.navigateTo({ url: billsRoutes.details })}
        >
          账单明细
        </Text>
      </View>
      <ExportButton kind="billStatistics" filter={list.filters} disabled={list.loading || list.total === 0} />
    </View>
  )

  return (
    <View className="bills-statistics page">
      <NavBar title="账单统计" />
      <ListWithFilters
        header={header}
        activeFilters={applied.plate ? 1 : 0}
        filters={(panel) => (
          <PlateFilter
            panel={panel}
            plate={plate}
            onPlateChange={setPlate}
            onSearch={() => search()}
            onReset={() => {
              setPlate('')
              search(range, '')
            }}
          />
        )}
        list={list}
        emptyText="所选统计时间内暂无账单"
        keyOf={(r) => `${r.vehicleId}-${r.cardId}-${r.periodKey}`}
        renderItem={(r) => <StatisticsRow row={r} />}
      />
    </View>
  )
}

export default function StatisticsPage() {
  return <StatisticsView />
}
