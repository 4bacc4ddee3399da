import { useRef, useState } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Segmented } from '@nutui/nutui-react-taro'
import type { AllocationRecord, RechargeOrderView } from '../../../../../types'
import { dateRangeProblems, recordsSpan, type DateRange } from '../../../../../types/dateRange'
import ListWithFilters, { type ListState } from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiTime, shanghaiToday } from '../../../../components/date-time'
import { usePagedList } from '../../../../hooks/usePagedList'
import ExportButton from '../../../../components/export-button'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import InfoList from '../../../etc/components/info-list'
import StatusDateFilter, { quickRange, type RangeMode } from '../../../etc/pages/card/status-date-filter'
import { creditedText, placeText } from '../../labels'
import { moneyRoutes, type RecordsTab } from '../../routes'
import { paymentChannelLabels, rechargeStatusLabels } from '../../rules'
import '../../../etc/common.scss'
import '../../../etc/pages/card/index.scss'
import '../../common.scss'
import './index.scss'

/** 充值记录 / 预分配记录 / 圈存记录 (seed 001 §2.8.2). */
const tabs = [
  { label: '充值记录', value: 'recharge', className: 'money-records-tab-recharge' },
  { label: '预分配记录', value: 'allocation', className: 'money-records-tab-allocation' },
  { label: '圈存记录', value: 'load', className: 'money-records-tab-load' },
]

const isTab = (value: unknown): value is RecordsTab =>
  value === 'recharge' || value === 'allocation' || value === 'load'

/** 圈存记录 has no action yet: an empty list that says why. */
const noLoads: ListState<never> & { refresh: () => Promise<void>; loadMore: () => Promise<void> } = {
  items: [],
  total: 0,
  hasMore: false,
  loading: false,
  error: null,
  loadMore: () => Promise.resolve(),
  refresh: () => Promise.resolve(),
}

/** 开具发票 and 发票详情 (packages/invoices), linked by path: subpackages do not import each other. */
const invoiceLinks = {
  issue: (orderNo: string) =>
    `/packages/invoices/pages/issue/index?source=recharge&orderNo=${encodeURIComponent(orderNo)}`,
  invoice: (id: string) => `/packages/invoices/pages/invoice/index?id=${encodeURIComponent(id)}`,
}

function RechargeInvoice({ order, onIssue }: { order: RechargeOrderView; onIssue: () => void }) {
  if (order.status !== 'paid') return null
  const invoiceId = order.invoiceId ?? null
  return invoiceId ? (
    <View className="money-recharge-record__invoice">
      <Text className="money-recharge-record__invoiced">已开票</Text>
      <Text
        className="money-link money-recharge-record__view-invoice"
        onClick={() => void Taro.navigateTo({ url: invoiceLinks.invoice(invoiceId) })}
      >
        查看发票
      </Text>
    </View>
  ) : (
    <View className="money-recharge-record__invoice">
      <Text
        className="money-link money-recharge-record__issue"
        onClick={() => {
          onIssue()
          void Taro.navigateTo({ url: invoiceLinks.issue(order.orderNo) })
        }}
      >
        开具发票
      </Text>
    </View>
  )
}

function RechargeRow({ order, onIssue }: { order: RechargeOrderView; onIssue: () => void }) {
  const credited = order.status === 'paid' ? creditedText(order) : null
  return (
    <InfoList
      className={`money-recharge-record money-recharge-record--${order.status}`}
      rows={[
        { label: '订单编号', value: order.orderNo },
        { label: '充值时间', value: formatShanghaiTime(order.createdAt) },
        { label: '充值来源', value: order.source },
        { label: '充值方式', value: paymentChannelLabels[order.channel] },
        { label: '充值到', value: placeText(order.target) },
        { label: '充值金额', value: <MoneyText fen={order.amount} /> },
        { label: '充值交易流水号', value: order.providerTradeNo ?? '-' },
        {
          label: '状态',
          value: (
            <Text className={`money-status money-status--${order.status}`}>
              {rechargeStatusLabels[order.status]}
            </Text>
          ),
        },
      ]}
    >
      {credited && order.target.kind === 'account' && order.creditedTo?.kind === 'card' ? (
        <Text className="money-field__hint money-recharge-record__credited">{credited}</Text>
      ) : null}
      {order.status === 'pending' ? (
        <Text
          className="money-link money-recharge-record__check"
          onClick={() => void Taro.navigateTo({ url: moneyRoutes.rechargeResult(order.orderNo) })}
        >
          查看支付结果
        </Text>
      ) : null}
      <RechargeInvoice order={order} onIssue={onIssue} />
    </InfoList>
  )
}

function AllocationRow({ record }: { record: AllocationRecord }) {
  return (
    <InfoList
      className="money-allocation-record"
      rows={[
        { label: '车牌号码', value: record.plate },
        { label: 'ETC通行卡卡号', value: record.cardNo },
        { label: '预分配时间', value: formatShanghaiTime(record.at) },
        { label: '预分配金额', value: <MoneyText fen={record.amount} /> },
        { label: '数据来源', value: record.source },
      ]}
    />
  )
}

export function RecordsView({ initialTab = 'recharge' }: { initialTab?: RecordsTab }) {
  const loggedIn = useRequireLogin()
  const [tab, setTab] = useState<RecordsTab>(initialTab)
  const [today] = useState(shanghaiToday)
  const [mode, setMode] = useState<RangeMode>('1y')
  const [range, setRange] = useState<DateRange>(() => quickRange('1y', today, recordsSpan))
  const recharges = usePagedList('recharge.list', range, { enabled: loggedIn && tab === 'recharge' })
  const allocations = usePagedList('allocation.list', range, { enabled: loggedIn && tab === 'allocation' })

  useListPageEvents(tab === 'recharge' ? recharges : tab === 'allocation' ? allocations : noLoads)
  // back from 开具发票: the recharge may be invoiced now
  const issuing = useRef(false)
  useDidShow(() => {
    if (!issuing.current) return
    issuing.current = false
    void recharges.refresh()
  })

  const applyRange = (nextMode: RangeMode, next: DateRange) => {
    setMode(nextMode)
    setRange(next)
    // the filter shows its own message; only a range the server accepts is asked for
    if (dateRangeProblems(next, recordsSpan, today).length === 0) {
      recharges.setFilters(next)
      allocations.setFilters(next)
    }
  }

  const header = (
    <View>
      <Segmented
        className="money-records__tabs"
        options={tabs}
        value={tab}
        onChange={(value) => {
          if (isTab(value)) setTab(value)
        }}
      />
      {tab !== 'load' ? (
        <View className="card money-records__filters">
          <StatusDateFilter
            mode={mode}
            value={range}
            today={today}
            span={recordsSpan}
            label={tab === 'recharge' ? '充值时间' : '预分配时间'}
            onChange={applyRange}
          />
          {/* exports what the list shows: the filter it was last asked with */}
          {tab === 'recharge' ? (
            <ExportButton
              kind="rechargeRecords"
              filter={recharges.filters}
              disabled={recharges.loading || recharges.total === 0}
            />
          ) : (
            <ExportButton
              kind="allocationRecords"
              filter={allocations.filters}
              disabled={allocations.loading || allocations.total === 0}
            />
          )}
        </View>
      ) : null}
    </View>
  )

  return (
    <View className="money-records page">
      <NavBar title="历史记录" />
      {tab === 'recharge' ? (
        <ListWithFilters
          header={header}
          list={recharges}
          emptyText="所选时间内暂无充值记录"
          keyOf={(o) => o.orderNo}
          renderItem={(o) => <RechargeRow order={o} onIssue={() => (issuing.current = true)} />}
        />
      ) : tab === 'allocation' ? (
        <ListWithFilters
          header={header}
          list={allocations}
          emptyText="所选时间内暂无预分配记录"
          keyOf={(r) => `${r.allocationId}-${r.cardId}`}
          renderItem={(r) => <AllocationRow record={r} />}
        />
      ) : (
        <ListWithFilters
          header={header}
          list={noLoads}
          emptyText="圈存记录将随蓝牙圈存功能上线"
          keyOf={() => ''}
          renderItem={() => null}
        />
      )}
    </View>
  )
}

export default function RecordsPage() {
  const { params } = useRouter()
  return <RecordsView initialTab={isTab(params.tab) ? params.tab : 'recharge'} />
}
