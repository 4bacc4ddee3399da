import { useRef, useState, type ReactNode } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import type { InvoiceDetail, InvoiceTitleView, RechargeOrderView, TripDetail } from '../../../../../types'
import type { InvoicingMode } from '../../../../../types/invoiceRules'
import type { Fen } from '../../../../../types/money'
import { formatYuan } from '../../../../../types/money'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { newBatchKey } from '../../../../components/fleet-batch/useFleetBatch'
import { formatShanghaiTime } from '../../../../components/date-time'
import { useApiAction } from '../../../../hooks/useApiAction'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import InfoList from '../../../etc/components/info-list'
import PageState from '../../../etc/components/page-state'
import { useTitleVehicle } from '../../components/title-vehicle'
import { stationsText } from '../../labels'
import { invoicesRoutes } from '../../routes'
import { issueErrorText, modeMismatchText } from './messages'
import '../../common.scss'
import './index.scss'

/**
 * 开具发票 for one trip (单程票) or one paid recharge (充值发票): the bills' trip detail and the
 * 充值记录 link here (?source=trip&tripId=… / ?source=recharge&orderNo=…), so the pages of other
 * subpackages need no code of this one.
 */
export type IssueSource = { kind: 'trip'; tripId: string } | { kind: 'recharge'; orderNo: string }

export function issueSourceOf(params: Partial<Record<string, string>>): IssueSource | null {
  if (params.source === 'trip' && params.tripId) return { kind: 'trip', tripId: params.tripId }
  if (params.source === 'recharge' && params.orderNo) return { kind: 'recharge', orderNo: params.orderNo }
  return null
}

/** What is being invoiced, as the form needs it. */
interface Subject {
  source: IssueSource
  amount: Fen
  /** Whose money: stored-value money falls under the account's 开票方式. */
  storedValue: boolean
  /** Already invoiced: the invoice. */
  invoiceId: string | null
  /** Why it cannot be invoiced, or null. */
  blocked: string | null
}

function AlreadyInvoiced({ invoiceId }: { invoiceId: string }) {
  return (
    <View className="card inv-issue-done">
      <Text className="inv-issue-done__text">已开票</Text>
      <Button
        block
        type="primary"
        className="inv-issue-done__open"
        onClick={() => void Taro.navigateTo({ url: invoicesRoutes.invoice(invoiceId) })}
      >
        查看发票
      </Button>
    </View>
  )
}

/** The titles of one vehicle to choose from, the default preselected; none: a link to add one. */
function TitlePicker({
  vehicleId,
  picked,
  onPick,
  titles,
}: {
  vehicleId: string
  picked: InvoiceTitleView | null
  onPick: (id: string) => void
  titles: { items: InvoiceTitleView[]; loading: boolean; error: string | null }
}) {
  if (titles.loading && titles.items.length === 0) return <Text className="muted">加载中…</Text>
  if (titles.error) return <Text className="error-text">{titles.error}</Text>
  if (titles.items.length === 0)
    return (
      <View className="inv-issue-titles--none">
        <Text className="muted">暂无发票抬头，请先添加发票抬头</Text>
        <Text
          className="link inv-issue__add-title"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.settings(vehicleId) })}
        >
          去开票设置添加抬头 {'>'}
        </Text>
      </View>
    )
  return (
    <View className="inv-issue-titles">
      {titles.items.map((t) => (
        <View
          key={t.id}
          className={`inv-issue-title${t.id === picked?.id ? ' inv-issue-title--picked' : ''}`}
          onClick={() => onPick(t.id)}
        >
          <Text className="inv-issue-title__name">
            {t.name}
            {t.isDefault ? '（默认）' : ''}
          </Text>
          {t.taxNumber ? <Text className="muted inv-issue-title__tax">税号 {t.taxNumber}</Text> : null}
        </View>
      ))}
      <Text
        className="link inv-issue__manage"
        onClick={() => void Taro.navigateTo({ url: invoicesRoutes.settings(vehicleId) })}
      >
        管理发票抬头 {'>'}
      </Text>
    </View>
  )
}

/** Pick a title, confirm, issue: one request key per intent, so a retry finds what the first try made. */
function IssueForm({
  subject,
  vehicleId,
  vehiclePicker,
  onStale,
}: {
  subject: Subject
  vehicleId: string | null
  vehiclePicker?: ReactNode
  onStale: () => void
}) {
  const titlesQuery = useApiQuery(
    'invoiceTitles.list',
    { vehicleId: vehicleId ?? '' },
    { enabled: vehicleId !== null },
  )
  const mode = useApiQuery('invoiceSettings.mode', {})
  const issue = useApiAction('invoices.issue')
  const [pickedId, setPickedId] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [issued, setIssued] = useState<InvoiceDetail | null>(null)
  const key = useRef<{ titleId: string; key: string } | null>(null)
  const shownOnce = useRef(false)
  // back from 开票设置: a title may have been added
  useDidShow(() => {
    if (shownOnce.current && vehicleId !== null) void titlesQuery.refetch()
    shownOnce.current = true
  })

  const items = titlesQuery.data?.items ?? []
  const picked = items.find((t) => t.id === pickedId) ?? items.find((t) => t.isDefault) ?? items[0] ?? null
  const needed: InvoicingMode = subject.source.kind === 'recharge' ? 'recharge' : 'trip'
  const accountMode = mode.data?.applies ? mode.data.mode : null
  const modeBlocked =
    subject.storedValue && accountMode !== null && accountMode !== needed
      ? modeMismatchText(accountMode)
      : null

  const submit = async () => {
    setConfirming(false)
    if (!picked) return
    if (key.current?.titleId !== picked.id) key.current = { titleId: picked.id, key: newBatchKey() }
    const answer = await issue.run({ key: key.current.key, source: subject.source, titleId: picked.id })
    if (!answer) return
    key.current = null
    setIssued(answer)
    void Taro.redirectTo({ url: invoicesRoutes.invoice(answer.invoice.id) })
  }

  if (issued)
    return (
      <View className="card inv-issue-done">
        <Text className="inv-issue-done__text">发票已开具，发票号码 {issued.invoice.invoiceNo}</Text>
        <Button
          block
          type="primary"
          className="inv-issue-done__open"
          onClick={() => void Taro.redirectTo({ url: invoicesRoutes.invoice(issued.invoice.id) })}
        >
          查看发票
        </Button>
      </View>
    )

  const failure = issue.error ? issueErrorText(issue.error) : null
  return (
    <View className="card inv-issue-form">
      <Text className="inv-card-title">选择发票抬头</Text>
      {vehiclePicker}
      {vehicleId === null ? null : (
        <TitlePicker
          vehicleId={vehicleId}
          picked={picked}
          onPick={(id) => {
            setPickedId(id)
            issue.reset()
          }}
          titles={{
            items,
            loading: titlesQuery.loading,
            error: titlesQuery.error?.message ?? null,
          }}
        />
      )}
      {modeBlocked ? <Text className="inv-note inv-issue__mode">{modeBlocked}</Text> : null}
      {failure ? <Text className="error-text inv-issue__error">{failure}</Text> : null}
      <Button
        block
        type="primary"
        className="inv-issue-submit"
        disabled={!picked || issue.running || modeBlocked !== null}
        onClick={() => setConfirming(true)}
      >
        {issue.running ? '提交中…' : failure ? '重新提交' : '开具发票'}
      </Button>
      <Dialog
        className="inv-issue-confirm"
        visible={confirming}
        title="确认开具发票"
        content={
          picked ? `将以“${picked.name}”为抬头开具金额 ¥${formatYuan(subject.amount)} 的发票，确定吗？` : ''
        }
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => void submit()}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
      {issue.error?.code === 'ALREADY_INVOICED' ? (
        <Text className="link inv-issue__reload" onClick={onStale}>
          刷新开票状态 {'>'}
        </Text>
      ) : null}
    </View>
  )
}

function SubjectState({
  subject,
  vehicleId,
  vehiclePicker,
  onStale,
}: {
  subject: Subject
  vehicleId: string | null
  vehiclePicker?: ReactNode
  onStale: () => void
}) {
  if (subject.invoiceId) return <AlreadyInvoiced invoiceId={subject.invoiceId} />
  if (subject.blocked) return <Text className="inv-note inv-issue__blocked">{subject.blocked}</Text>
  return <IssueForm subject={subject} vehicleId={vehicleId} vehiclePicker={vehiclePicker} onStale={onStale} />
}

function tripSubject(tripId: string, trip: TripDetail): Subject {
  const amount = (trip.amount - trip.discount) as Fen
  return {
    source: { kind: 'trip', tripId },
    amount,
    storedValue: trip.payment.cardType === 'stored',
    invoiceId: trip.invoice?.id ?? null,
    blocked:
      trip.refund?.status === 'refunded'
        ? '已退款的通行记录不能开具发票'
        : amount <= 0
          ? '该通行记录实付金额为0，无需开票'
          : null,
  }
}

function TripIssue({ tripId }: { tripId: string }) {
  const q = useApiQuery('trips.detail', { tripId })
  return (
    <PageState data={q.data} loading={q.loading} error={q.error} onRetry={() => void q.refetch()}>
      {(trip) => (
        <View>
          <InfoList
            title="开票内容"
            className="inv-issue-subject"
            rows={[
              { label: '发票类型', value: '单程票' },
              { label: '车牌号码', value: <PlateTag plate={trip.plate} color={trip.plateColor} /> },
              { label: '出入口站', value: stationsText(trip.entryStation, trip.exitStation) },
              { label: '通行时间', value: formatShanghaiTime(trip.exitAt) },
              { label: '开票金额', value: <MoneyText fen={(trip.amount - trip.discount) as Fen} /> },
            ]}
          />
          <SubjectState
            subject={tripSubject(tripId, trip)}
            vehicleId={trip.vehicleId}
            onStale={() => void q.refetch()}
          />
        </View>
      )}
    </PageState>
  )
}

/** A recharge may carry any title of the account: the vehicle holding it is chosen first. */
function RechargeIssue({ orderNo }: { orderNo: string }) {
  const q = useApiQuery('recharge.status', { orderNo })
  const order = q.data
  const plateOf = (o: RechargeOrderView | null | undefined) =>
    o?.creditedTo?.kind === 'card' ? o.creditedTo.plate : o?.target.kind === 'card' ? o.target.plate : null
  const { vehicleId, picker } = useTitleVehicle({
    plate: plateOf(order),
    enabled: true,
    className: 'inv-issue-vehicle',
  })
  return (
    <PageState data={order} loading={q.loading} error={q.error} onRetry={() => void q.refetch()}>
      {(o) => (
        <View>
          <InfoList
            title="开票内容"
            className="inv-issue-subject"
            rows={[
              { label: '发票类型', value: '充值发票' },
              { label: '充值订单', value: o.orderNo },
              { label: '充值时间', value: formatShanghaiTime(o.paidAt ?? o.createdAt) },
              { label: '开票金额', value: <MoneyText fen={o.amount} /> },
            ]}
          />
          <SubjectState
            subject={{
              source: { kind: 'recharge', orderNo: o.orderNo },
              amount: o.amount,
              storedValue: true,
              invoiceId: o.invoiceId ?? null,
              blocked: o.status === 'paid' ? null : '只有充值成功的订单可以开具发票',
            }}
            vehicleId={vehicleId}
            vehiclePicker={picker}
            onStale={() => void q.refetch()}
          />
        </View>
      )}
    </PageState>
  )
}

export function IssueView({ source }: { source: IssueSource | null }) {
  const loggedIn = useRequireLogin()
  return (
    <View className="inv-issue page">
      <NavBar title="开具发票" />
      {source === null ? (
        <Text className="state-text">未指定开票内容</Text>
      ) : !loggedIn ? (
        <Text className="state-text">加载中…</Text>
      ) : source.kind === 'trip' ? (
        <TripIssue tripId={source.tripId} />
      ) : (
        <RechargeIssue orderNo={source.orderNo} />
      )}
    </View>
  )
}

export default function IssuePage() {
  const { params } = useRouter()
  return <IssueView source={issueSourceOf(params)} />
}
