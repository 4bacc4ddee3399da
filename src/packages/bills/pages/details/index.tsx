import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import type { BillDetailRow, BillPeriod, BillSceneFilter } from '../../../../../types'
import { billDetailsNotice, billSceneLabels, billScenes, periodLabel } from '../../../../../types/billRules'
import { formatYuan, type Fen } from '../../../../../types/money'
import ExportButton from '../../../../components/export-button'
import ListWithFilters from '../../../../components/list-with-filters'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import Chips from '../../../etc/components/chips'
import PlateFilter from '../../components/plate-filter'
import InfoList from '../../../etc/components/info-list'
import PeriodFilter from '../../components/period-filter'
import SummaryBar from '../../components/summary-bar'
import { plateText, stationsText } from '../../labels'
import { defaultRange, expectedLatestMonth } from '../../period'
import '../../common.scss'

const sceneOptions: { label: string; value: BillSceneFilter }[] = [
  { label: '全部', value: 'all' },
  ...billScenes.map((s) => ({ label: billSceneLabels[s], value: s })),
]

const yuan = (amount: Fen) => `${formatYuan(amount)}元`

function DetailRow({ row }: { row: BillDetailRow }) {
  return (
    <InfoList
      className={`bills-detail-row bills-detail-row--${row.scene}`}
      rows={[
        { label: '车牌号码', value: plateText(row.plate, row.plateColor) },
        { label: '通行时间', value: formatShanghaiTime(row.exitAt) },
        { label: row.scene === 'refund' ? '退费日期' : '扣款日期', value: row.deductionDate },
        { label: 'ETC通行卡卡号', value: row.cardNo },
        { label: '出入口站点', value: stationsText(row.entryStation, row.exitStation) },
        { label: '账单类型', value: row.sceneLabel },
        {
          label: '交易金额（元）',
          value: (
            <Text className={`bills-detail-row__amount${row.amount < 0 ? ' bills-amount--negative' : ''}`}>
              {formatYuan(row.amount)}
            </Text>
          ),
        },
      ]}
    />
  )
}

/** 账单明细 (seed 001 §2.6.1): one period's trips by 账单场景; refunds are rows of their own, netted in 合计. */
export function DetailsView() {
  const loggedIn = useRequireLogin()
  const [guessLatest] = useState(() => expectedLatestMonth(shanghaiToday()))
  const [period, setPeriod] = useState<BillPeriod>('month')
  const [key, setKey] = useState(() => defaultRange('month', guessLatest).to)
  const [scene, setScene] = useState<BillSceneFilter>('all')
  const [plate, setPlate] = useState('')
  const list = usePagedList('bills.details', { scene, period, key }, { enabled: loggedIn })
  const latestMonth = list.firstPage?.latestMonth ?? guessLatest

  useListPageEvents(list)

  const search = (
    next: { scene?: BillSceneFilter; period?: BillPeriod; key?: string; plate?: string } = {},
  ) => {
    const p = (next.plate ?? plate).trim().toUpperCase()
    list.setFilters({
      scene: next.scene ?? scene,
      period: next.period ?? period,
      key: next.key ?? key,
      ...(p ? { plate: p } : {}),
    })
  }

  const page = list.firstPage
  const totals = page?.totals
  const header = (
    <View>
      <Text className="bills-notice bills-details__notice">{page?.notice ?? billDetailsNotice}</Text>
      <View className="card bills-details__filter">
        <Chips
          label="账单场景"
          className="bills-details__scene"
          options={sceneOptions}
          value={scene}
          onChange={(s) => {
            setScene(s)
            search({ scene: s })
          }}
        />
        <PeriodFilter
          label="通行时间"
          period={period}
          latestMonth={latestMonth}
          onPeriod={(p) => {
            const k = defaultRange(p, latestMonth).to
            setPeriod(p)
            setKey(k)
            search({ period: p, key: k })
          }}
          value={key}
          onValue={(k) => {
            setKey(k)
            search({ key: k })
          }}
        />
      </View>
      {totals ? (
        <View>
          <SummaryBar
            items={[
              { key: 'count', label: '通行笔数', value: `${totals.count}次` },
              { key: 'amount', label: '通行费', value: yuan(totals.amount) },
              { key: 'refunded', label: '退费', value: yuan(totals.refunded) },
              { key: 'net', label: '合计', value: yuan(totals.net) },
            ]}
          />
          <Text className="muted bills-details__netted">
            {`${periodLabel(page.period, page.key)}：退费业务单独成行（金额为负），合计 = 通行费 − 已退费。`}
          </Text>
        </View>
      ) : null}
      <ExportButton kind="billDetails" filter={list.filters} disabled={list.loading || list.total === 0} />
    </View>
  )

  return (
    <View className="bills-details page">
      <NavBar title="账单明细" />
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
        emptyText="所选时间内暂无账单明细"
        keyOf={(r) => r.id}
        renderItem={(r) => <DetailRow row={r} />}
      />
    </View>
  )
}

export default function DetailsPage() {
  return <DetailsView />
}
