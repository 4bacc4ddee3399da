import { useRef, useState } from 'react'
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import type { InvoiceDetail, InvoiceTitleView } from '../../../../../types'
import { invoiceKindLabels, reissueStateLabels, titleKindLabels } from '../../../../../types/invoiceRules'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { newBatchKey } from '../../../../components/fleet-batch'
import { formatShanghaiTime } from '../../../../components/date-time'
import { useApiAction } from '../../../../hooks/useApiAction'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import InfoList, { type InfoRow } from '../../../etc/components/info-list'
import PageState from '../../../etc/components/page-state'
import { openFileLink } from '../../../exports/download'
import { useTitleVehicle } from '../../components/title-vehicle'
import { invoiceStatusView, invoiceStatusViewLabels, monthText, stationsText } from '../../labels'
import { invoicesRoutes } from '../../routes'
import '../../common.scss'
import './index.scss'

function invoiceRows(d: InvoiceDetail): InfoRow[] {
  const i = d.invoice
  const status = invoiceStatusView(i.status, d.reissue)
  const rows: InfoRow[] = [
    { label: '发票类型', value: invoiceKindLabels[i.kind] },
    { label: '发票代码', value: i.invoiceCode },
    { label: '发票号码', value: i.invoiceNo },
    { label: '开票时间', value: formatShanghaiTime(i.issuedAt) },
    { label: '发票金额', value: <MoneyText fen={i.amount} className="inv-detail__amount" /> },
    { label: '不含税金额', value: <MoneyText fen={i.net} /> },
    { label: `税额（${i.taxRate}）`, value: <MoneyText fen={i.tax} /> },
    { label: '收款人', value: i.payee },
    { label: '销售方税号', value: i.payeeTaxNumber },
    {
      label: '发票状态',
      value: (
        <Text className={`inv-status inv-status--${status} inv-detail__status`}>
          {invoiceStatusViewLabels[status]}
        </Text>
      ),
    },
  ]
  const plate: InfoRow[] =
    i.plate && i.plateColor
      ? [{ label: '车牌号码', value: <PlateTag plate={i.plate} color={i.plateColor} /> }]
      : []
  if (i.kind === 'singleTrip')
    return [
      ...plate,
      { label: '出入口站', value: stationsText(i.entryStation, i.exitStation) },
      { label: '通行时间', value: formatShanghaiTime(i.passedAt) },
      ...rows,
    ]
  if (i.kind === 'monthlyMerged')
    return [
      ...plate,
      { label: '账单月份', value: monthText(i.month) },
      { label: '通行笔数', value: `${i.tripCount} 笔` },
      ...rows,
    ]
  return [{ label: '充值订单', value: i.orderNo }, ...rows]
}

function titleRows(t: InvoiceDetail['title']): InfoRow[] {
  return [
    { label: '抬头类型', value: titleKindLabels[t.kind] },
    { label: '发票抬头', value: t.name },
    ...(t.kind === 'company'
      ? [
          { label: '税号', value: t.taxNumber },
          { label: '地址', value: t.address },
          { label: '电话', value: t.phone },
          { label: '开户银行', value: t.bank },
          { label: '银行账号', value: t.bankAccount },
        ]
      : []),
  ]
}

/** 通行明细 of the invoice (a merged invoice lists every trip it covers), paged. */
function Trips({ invoiceId }: { invoiceId: string }) {
  const trips = usePagedList('invoices.trips', { id: invoiceId })
  useReachBottom(() => {
    if (trips.hasMore) void trips.loadMore()
  })
  return (
    <View className="inv-detail__trips">
      <Text className="inv-section-title">通行明细</Text>
      <ListWithFilters
        list={trips}
        emptyText="暂无通行明细"
        keyOf={(t) => t.tripId}
        renderItem={(t) => (
          <InfoList
            className="inv-trip"
            rows={[
              { label: '出入口站', value: stationsText(t.entryStation, t.exitStation) },
              { label: '入口时间', value: formatShanghaiTime(t.entryAt) },
              { label: '出口时间', value: formatShanghaiTime(t.exitAt) },
              { label: '通行金额', value: <MoneyText fen={t.amount} /> },
            ]}
          />
        )}
      />
    </View>
  )
}

/**
 * 红冲重开: pick the corrected title among the vehicle's (a recharge invoice has no vehicle: any
 * title of the account, the vehicle holding it chosen first), confirm, then the re-issue's state.
 */
function Reissue({ detail, onDone }: { detail: InvoiceDetail; onDone: (d: InvoiceDetail) => void }) {
  const [open, setOpen] = useState(false)
  const recharge = detail.invoice.vehicleId === null
  const account = useTitleVehicle({
    plate: detail.invoice.plate,
    enabled: open && recharge,
    className: 'inv-reissue-vehicle',
  })
  const vehicleId = detail.invoice.vehicleId ?? account.vehicleId
  const [picked, setPicked] = useState<string | null>(null)
  const [confirming, setConfirming] = useState(false)
  const titles = useApiQuery(
    'invoiceTitles.list',
    { vehicleId: vehicleId ?? '' },
    { enabled: open && vehicleId !== null },
  )
  const reissue = useApiAction('invoices.reissue')
  // one key per intent: a retry after a lost answer finds the re-issue the first try made
  const key = useRef<{ titleId: string; key: string } | null>(null)
  const items: InvoiceTitleView[] = titles.data?.items ?? []
  const chosen = items.find((t) => t.id === picked) ?? null

  const confirm = async () => {
    setConfirming(false)
    if (!chosen) return
    if (key.current?.titleId !== chosen.id) key.current = { titleId: chosen.id, key: newBatchKey() }
    const answer = await reissue.run({ key: key.current.key, id: detail.invoice.id, titleId: chosen.id })
    if (!answer) return
    key.current = null
    setOpen(false)
    onDone(answer)
  }

  if (!open)
    return (
      <Button block className="inv-reissue-open" onClick={() => setOpen(true)}>
        红冲重开
      </Button>
    )
  return (
    <View className="card inv-reissue">
      <Text className="inv-card-title">红冲重开</Text>
      <Text className="muted inv-reissue__intro">
        原发票将被红冲作废，并按所选抬头重新开具一张金额相同的发票。请选择新的发票抬头：
      </Text>
      {recharge ? account.picker : null}
      {vehicleId === null ? null : titles.loading ? (
        <Text className="muted">加载中…</Text>
      ) : titles.error ? (
        <Text className="error-text">{titles.error.message}</Text>
      ) : items.length === 0 ? (
        <Text className="muted">该车辆暂无发票抬头，请先在开票设置中添加</Text>
      ) : (
        items.map((t) => (
          <View
            key={t.id}
            className={`inv-reissue-title${t.id === picked ? ' inv-reissue-title--picked' : ''}`}
            onClick={() => setPicked(t.id)}
          >
            <Text className="inv-reissue-title__name">
              {t.name}
              {t.isDefault ? '（默认）' : ''}
            </Text>
            {t.taxNumber ? <Text className="muted inv-reissue-title__tax">税号 {t.taxNumber}</Text> : null}
          </View>
        ))
      )}
      {vehicleId ? (
        <Text
          className="link inv-reissue__settings"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.settings(vehicleId) })}
        >
          管理发票抬头 {'>'}
        </Text>
      ) : null}
      {reissue.error ? <Text className="error-text inv-reissue__error">{reissue.error.message}</Text> : null}
      <View className="inv-actions inv-reissue__buttons">
        <Button size="small" onClick={() => setOpen(false)} className="inv-reissue-cancel">
          取消
        </Button>
        <Button
          size="small"
          type="primary"
          className="inv-reissue-submit"
          disabled={!chosen || reissue.running}
          onClick={() => setConfirming(true)}
        >
          {reissue.running ? '提交中…' : '确认红冲重开'}
        </Button>
      </View>
      <Dialog
        className="inv-reissue-confirm"
        visible={confirming}
        title="确认红冲重开"
        content={
          chosen
            ? `发票 ${detail.invoice.invoiceNo} 将被红冲作废，并以“${chosen.name}”为抬头重新开具，确定吗？`
            : ''
        }
        confirmText="确定"
        cancelText="取消"
        onConfirm={() => void confirm()}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
    </View>
  )
}

function ReissueState({ detail }: { detail: InvoiceDetail }) {
  const r = detail.reissue
  if (!r) return null
  return (
    <InfoList
      title="红冲重开"
      className={`inv-reissue-state inv-reissue-state--${r.state}`}
      rows={[
        {
          label: '进度',
          value: <Text className="inv-reissue-state__label">{reissueStateLabels[r.state]}</Text>,
        },
        { label: '申请时间', value: formatShanghaiTime(r.requestedAt) },
        { label: '新发票抬头', value: r.titleName },
        ...(r.finishedAt ? [{ label: '完成时间', value: formatShanghaiTime(r.finishedAt) }] : []),
        ...(r.message ? [{ label: '说明', value: r.message }] : []),
      ]}
    >
      {r.newInvoiceId ? (
        <Text
          className="link inv-reissue-state__new"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.invoice(r.newInvoiceId ?? '') })}
        >
          查看新发票 {'>'}
        </Text>
      ) : null}
    </InfoList>
  )
}

function Detail({ detail, onChange }: { detail: InvoiceDetail; onChange: (d: InvoiceDetail) => void }) {
  const link = useApiAction('invoices.link')
  const [pdfError, setPdfError] = useState<string | null>(null)
  const [opening, setOpening] = useState(false)

  const openPdf = async () => {
    setPdfError(null)
    setOpening(true)
    try {
      const answer = await link.run({ id: detail.invoice.id })
      if (answer) await openFileLink(answer, 'pdf')
    } catch (e) {
      setPdfError(e instanceof Error ? e.message : '发票文件打开失败，请稍后重试')
    } finally {
      setOpening(false)
    }
  }

  const pdfMessage = pdfError ?? link.error?.message ?? null
  return (
    <View className="inv-detail">
      <InfoList title="发票信息" className="inv-detail__invoice" rows={invoiceRows(detail)} />
      <InfoList title="发票抬头" className="inv-detail__title" rows={titleRows(detail.title)} />
      {detail.replaces ? (
        <Text
          className="link inv-detail__replaces"
          onClick={() => void Taro.navigateTo({ url: invoicesRoutes.invoice(detail.replaces?.id ?? '') })}
        >
          本发票为红冲重开后的新发票，原发票 {detail.replaces.invoiceNo} {'>'}
        </Text>
      ) : null}
      <ReissueState detail={detail} />
      <View className="inv-detail__buttons">
        <Button block type="primary" className="inv-pdf" disabled={opening} onClick={() => void openPdf()}>
          {opening ? '正在打开…' : '查看发票 PDF'}
        </Button>
        {pdfMessage ? <Text className="error-text inv-pdf__error">{pdfMessage}</Text> : null}
        {detail.canReissue ? <Reissue detail={detail} onDone={onChange} /> : null}
      </View>
      {detail.invoice.tripCount > 0 ? <Trips invoiceId={detail.invoice.id} /> : null}
    </View>
  )
}

export function InvoiceView({ id }: { id: string }) {
  const loggedIn = useRequireLogin()
  const q = useApiQuery('invoices.detail', { id }, { enabled: loggedIn && id !== '' })
  const [updated, setUpdated] = useState<InvoiceDetail | null>(null)
  usePullDownRefresh(() => {
    setUpdated(null)
    void q.refetch().finally(() => Taro.stopPullDownRefresh())
  })
  return (
    <View className="page">
      <NavBar title="发票详情" />
      <PageState
        data={updated ?? q.data}
        loading={q.loading}
        error={q.error}
        onRetry={() => void q.refetch()}
      >
        {(d) => (
          <Detail
            key={`${d.invoice.id}-${d.invoice.status}-${d.reissue?.state ?? ''}`}
            detail={d}
            onChange={setUpdated}
          />
        )}
      </PageState>
    </View>
  )
}

export default function InvoicePage() {
  const { params } = useRouter()
  return <InvoiceView id={params.id ?? ''} />
}
