import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react'
import { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import type { RefundProgress, ReconciliationReportView } from '../../../../../types/actions/operator'
import { formatYuan, type Fen } from '../../../../../types/money'
import { formatShanghaiTime } from '../../../../components/date-time'
import ErrorRetry from '../../../../components/error-retry'
import NavBar from '../../../../components/nav-bar'
import { ApiError } from '../../../../services/api/errors'
import ReportStatus from '../../components/report-status'
import { callOperator } from '../../shared/api'
import { discrepancyLabels, orphanReasonLabels, providerLabels } from '../../shared/labels'
import { useOperatorSession } from '../../shared/useOperatorSession'
import '../../common.scss'
import './index.scss'

const yuan = (amount: Fen) => `¥${formatYuan(amount)}`
const yuanOrNone = (amount: Fen | null) => (amount === null ? '无' : yuan(amount))
const refundLabels: Record<RefundProgress, string> = {
  refunding: '退款中',
  refunded: '已退款',
  unknown: '处理中',
}

function Row({ label, value, className }: { label: string; value: ReactNode; className?: string }) {
  return (
    <View className={`operator-detail__row${className ? ` ${className}` : ''}`}>
      <Text className="operator-detail__label muted">{label}</Text>
      <Text className="operator-detail__value">{value}</Text>
    </View>
  )
}

function Section({
  title,
  count,
  empty,
  className,
  children,
}: {
  title: string
  count: number
  empty: string
  className: string
  children: ReactNode
}) {
  return (
    <View className={`card operator-section ${className}`}>
      <Text className="operator-section__title">
        {title}（{count}）
      </Text>
      {count === 0 ? <Text className="muted operator-detail__empty">{empty}</Text> : children}
    </View>
  )
}

/** The figures and the lists of one report. */
export function ReportDetail({ report }: { report: ReconciliationReportView }) {
  return (
    <View>
      <View className="card operator-detail__head">
        <View className="operator-detail__title-line">
          <Text className="operator-detail__title">
            {providerLabels[report.provider]} {report.day}
          </Text>
          <ReportStatus status={report.status} />
        </View>
        <Row label="商户号" value={report.merchantId} />
        <Row label="生成时间" value={formatShanghaiTime(report.generatedAt)} />
      </View>

      <View className="card operator-section operator-detail-summary">
        <Text className="operator-section__title">汇总</Text>
        <Row label="对账单支付" value={`${report.payments.count} 笔 ${yuan(report.payments.total)}`} />
        <Row label="对账单退款" value={`${report.refunds.count} 笔 ${yuan(report.refunds.total)}`} />
        <Row label="已核对支付" value={`${report.matchedPayments} 笔`} />
        <Row label="已核对退款" value={`${report.matchedRefunds} 笔`} />
        <Row label="补记入账" value={`${report.counts.credited} 笔 ${yuan(report.totals.credited)}`} />
        <Row label="无主支付退款" value={`${report.counts.orphans} 笔 ${yuan(report.totals.orphans)}`} />
        <Row
          label="关单后支付退款"
          value={`${report.counts.lateRefunds} 笔 ${yuan(report.totals.lateRefunds)}`}
        />
        <Row
          label="待核查差异"
          value={`${report.counts.discrepancies} 笔`}
          className={report.counts.discrepancies > 0 ? 'error-text' : undefined}
        />
      </View>

      <Section
        title="补记入账的订单"
        count={report.credited.length}
        empty="无（支付通知均已按时到达）"
        className="operator-detail-credited"
      >
        {report.credited.map((c) => (
          <View key={c.orderNo} className="operator-detail__item">
            <Row label="订单号" value={c.orderNo} />
            <Row label="支付交易号" value={c.providerTradeNo} />
            <Row label="金额" value={yuan(c.amount)} />
          </View>
        ))}
      </Section>

      <Section
        title="退款中的无主支付"
        count={report.orphans.length}
        empty="无"
        className="operator-detail-orphans"
      >
        {report.orphans.map((o) => (
          <View key={o.providerTradeNo} className="operator-detail__item">
            <Row label="商户订单号" value={o.orderNo} />
            <Row label="支付交易号" value={o.providerTradeNo} />
            <Row label="金额" value={yuan(o.amount)} />
            <Row label="原因" value={orphanReasonLabels[o.reason]} />
            <Row label="退款单号" value={`${o.refundNo}（${refundLabels[o.refundStatus]}）`} />
            <Row label="支付时间" value={formatShanghaiTime(o.paidAt)} />
          </View>
        ))}
      </Section>

      <Section
        title="关单后到账的支付（原路退回）"
        count={report.lateRefunds.length}
        empty="无"
        className="operator-detail-late"
      >
        {report.lateRefunds.map((l) => (
          <View key={l.orderNo} className="operator-detail__item">
            <Row label="订单号" value={l.orderNo} />
            <Row label="支付交易号" value={l.providerTradeNo} />
            <Row label="金额" value={yuan(l.amount)} />
            <Row label="退款单号" value={`${l.refundNo ?? '-'}（${refundLabels[l.refundStatus]}）`} />
          </View>
        ))}
      </Section>

      <Section
        title="待核查差异"
        count={report.discrepancies.length}
        empty="无差异"
        className="operator-detail-discrepancies"
      >
        {report.discrepancies.map((d) => (
          <View
            key={`${d.kind}|${d.orderNo}|${d.providerTradeNo ?? ''}|${d.refundNo ?? ''}`}
            className="operator-detail__item"
          >
            <Row label="类型" value={discrepancyLabels[d.kind]} className="error-text" />
            <Row label="订单号" value={d.orderNo} />
            {d.providerTradeNo ? <Row label="支付交易号" value={d.providerTradeNo} /> : null}
            {d.refundNo ? <Row label="退款单号" value={d.refundNo} /> : null}
            <Row label="本系统记录" value={yuanOrNone(d.expected)} />
            <Row label="对账单记录" value={yuanOrNone(d.actual)} />
          </View>
        ))}
      </Section>
    </View>
  )
}

/** Loads the report `id` with the operator's session. */
export function ReconciliationDetailView({ id }: { id: string }) {
  const [report, setReport] = useState<ReconciliationReportView | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const latest = useRef(0)
  const load = useCallback(async () => {
    const run = ++latest.current
    setError(null)
    try {
      const found = await callOperator('operator.reconciliation.detail', { id })
      if (run === latest.current) setReport(found)
    } catch (e) {
      if (run === latest.current) {
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', '系统繁忙，请稍后再试', 500))
      }
    }
  }, [id])
  useEffect(() => {
    void load()
  }, [load])

  if (error) return <ErrorRetry message={error.message} onRetry={() => void load()} />
  if (!report) return <Text className="state-text">加载中…</Text>
  return <ReportDetail report={report} />
}

/** The id as the route carries it (encoded by operatorRoutes); a malformed one reads as missing. */
function decoded(value: string | undefined): string {
  try {
    return value ? decodeURIComponent(value) : ''
  } catch {
    return ''
  }
}

export default function ReconciliationDetailPage() {
  const session = useOperatorSession()
  const { params } = useRouter()
  const id = decoded(params.id)
  return (
    <View className="operator-detail page">
      <NavBar title="对账报告详情" />
      {!session ? (
        <Text className="state-text">请先登录</Text>
      ) : id ? (
        <ReconciliationDetailView id={id} />
      ) : (
        <Text className="state-text">对账报告编号缺失</Text>
      )}
    </View>
  )
}
