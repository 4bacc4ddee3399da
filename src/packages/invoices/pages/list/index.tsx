import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Segmented } from '@nutui/nutui-react-taro'
import type { InvoiceRow } from '../../../../../types'
import { dateRangeProblems, oneYearSpan, type DateRange } from '../../../../../types/dateRange'
import {
  invoiceHelpLine,
  invoiceKindLabels,
  invoiceKinds,
  type InvoiceKind,
} from '../../../../../types/invoiceRules'
import ExportButton from '../../../../components/export-button'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { formatShanghaiDate, formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import FilterPanel from '../../../etc/components/filter-panel'
import InfoList, { type InfoRow } from '../../../etc/components/info-list'
import StatusDateFilter, { quickRange, type RangeMode } from '../../../etc/pages/card/status-date-filter'
import { checkPlate } from '../../../etc/validate'
import { invoiceStatusView, invoiceStatusViewLabels, monthText, stationsText } from '../../labels'
import { invoicesRoutes } from '../../routes'
import '../../../etc/pages/card/index.scss'
import '../../common.scss'
import './index.scss'

const tabs = invoiceKinds.map((k) => ({
  label: invoiceKindLabels[k],
  value: k,
  className: `inv-list-tab-${k}`,
}))
const isKind = (v: unknown): v is InvoiceKind => invoiceKinds.includes(v as InvoiceKind)

/** The seed's columns of each tab (单程票: 车牌 出入口站 通行时间 金额; 合并票: 车牌 抬头 收款人 开票时间 金额). */
function rowsOf(r: InvoiceRow): InfoRow[] {
  const status = invoiceStatusView(r.status)
  const common: InfoRow[] = [
    { label: '发票号码', value: r.invoiceNo },
    { label: '发票金额(元)', value: <MoneyText fen={r.amount} className="inv-row__amount" /> },
    {
      label: '状态',
      value: <Text className={`inv-status inv-status--${status}`}>{invoiceStatusViewLabels[status]}</Text>,
    },
  ]
  const plate: InfoRow = {
    label: '车牌号码',
    value: r.plate && r.plateColor ? <PlateTag plate={r.plate} color={r.plateColor} /> : r.plate,
  }
  if (r.kind === 'singleTrip')
    return [
      plate,
      { label: '出入口站', value: stationsText(r.entryStation, r.exitStation) },
      { label: '通行时间', value: formatShanghaiTime(r.passedAt) },
      ...common,
    ]
  if (r.kind === 'monthlyMerged')
    return [
      plate,
      { label: '账单月份', value: `${monthText(r.month)}（${r.tripCount} 笔通行）` },
      { label: '发票抬头', value: r.titleName },
      { label: '收款人', value: r.payee },
      { label: '开票时间', value: formatShanghaiDate(r.issuedAt) },
      ...common,
    ]
  return [
    { label: '充值订单', value: r.orderNo },
    { label: '发票抬头', value: r.titleName },
    { label: '收款人', value: r.payee },
    { label: '开票时间', value: formatShanghaiDate(r.issuedAt) },
    ...common,
  ]
}

export function InvoiceListView({
  vehicleId,
  initialKind = 'singleTrip',
}: {
  vehicleId?: string
  initialKind?: InvoiceKind
}) {
  const loggedIn = useRequireLogin()
  const [today] = useState(shanghaiToday)
  const [mode, setMode] = useState<RangeMode>('1y')
  const [range, setRange] = useState<DateRange>(() => quickRange('1y', today, oneYearSpan))
  const [plate, setPlate] = useState('')
  const [plateError, setPlateError] = useState<string | null>(null)
  const list = usePagedList(
    'invoices.list',
    { kind: initialKind, ...range, ...(vehicleId ? { vehicleId } : {}) },
    { enabled: loggedIn },
  )
  useListPageEvents(list)
  const kind = list.filters.kind ?? 'singleTrip'

  const setTab = (next: InvoiceKind) => list.setFilters({ ...list.filters, kind: next })

  const applyRange = (nextMode: RangeMode, next: DateRange) => {
    setMode(nextMode)
    setRange(next)
    // the filter shows its own message; only a range the server accepts is asked for
    if (dateRangeProblems(next, oneYearSpan, today).length === 0)
      list.setFilters({ ...list.filters, ...next })
  }

  const search = () => {
    const p = checkPlate(plate)
    setPlateError(p.error)
    if (p.error) return false
    const { plate: _old, ...rest } = list.filters
    list.setFilters(p.value ? { ...rest, plate: p.value } : rest)
    return true
  }

  const reset = () => {
    setPlate('')
    setPlateError(null)
    const { plate: _old, ...rest } = list.filters
    list.setFilters(rest)
  }

  const header = (
    <View>
      <Text className="inv-note inv-list__note">
        展示名下已办理ETC的车辆已开具发票的信息。如对已开票记录有疑问，可以联系在线客服或致电客服热线{' '}
        {invoiceHelpLine} 咨询。
      </Text>
      <View className="inv-list__links">
        <Text
          className="link inv-list-settings"
          onClick={() =>
            void Taro.navigateTo({
              url: vehicleId ? invoicesRoutes.settings(vehicleId) : invoicesRoutes.settingsList,
            })
          }
        >
          开票设置 {'>'}
        </Text>
      </View>
      <Segmented
        className="inv-list__tabs"
        options={tabs}
        value={kind}
        onChange={(v) => {
          if (isKind(v)) setTab(v)
        }}
      />
      <View className="card inv-list__filters">
        <StatusDateFilter
          mode={mode}
          value={range}
          today={today}
          span={oneYearSpan}
          label="开票时间"
          onChange={applyRange}
        />
        {/* exports what the list shows: the filter it was last asked with */}
        <ExportButton kind="invoices" filter={list.filters} disabled={list.loading || list.total === 0} />
      </View>
    </View>
  )

  const filters = ({ close }: { close: () => void }) => (
    <View>
      <FilterPanel
        fields={[
          { key: 'plate', placeholder: '请输入车牌号码', value: plate, onChange: setPlate, maxLength: 8 },
        ]}
        onSearch={() => {
          if (search()) close()
        }}
        onReset={() => {
          reset()
          close()
        }}
      />
      {plateError ? <Text className="error-text inv-list__filter-error">{plateError}</Text> : null}
    </View>
  )

  return (
    <View className="inv-list page">
      <NavBar title="已开票查询" />
      <ListWithFilters
        header={header}
        filters={filters}
        activeFilters={list.filters.plate ? 1 : 0}
        filterSummary={list.filters.plate ? `车牌 ${list.filters.plate}` : undefined}
        list={list}
        emptyText={`所选时间内暂无${invoiceKindLabels[kind]}`}
        keyOf={(r) => r.id}
        renderItem={(r) => (
          <View
            className={`inv-row inv-row--${r.kind}`}
            onClick={() => void Taro.navigateTo({ url: invoicesRoutes.invoice(r.id) })}
          >
            <InfoList rows={rowsOf(r)}>
              <Text className="link inv-row__detail">详情 {'>'}</Text>
            </InfoList>
          </View>
        )}
      />
    </View>
  )
}

export default function InvoiceListPage() {
  const { params } = useRouter()
  return (
    <InvoiceListView
      vehicleId={params.vehicleId || undefined}
      initialKind={isKind(params.kind) ? params.kind : 'singleTrip'}
    />
  )
}
