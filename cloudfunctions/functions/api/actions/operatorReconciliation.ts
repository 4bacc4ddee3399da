import { collections } from '../../../core/documents'
import type { ReconciliationReportDoc } from '../../../core/money/reconciliationDocuments'
import { orphanPaymentId } from '../../../core/money/refunds'
import { StoreError, type Condition, type QueryPage } from '../../../ports/store'
import type {
  ReconciliationReportSummary,
  ReconciliationReportView,
  ReconciliationStatus,
  RefundProgress,
} from '../../../../types/actions/operator'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { ActionError, type OperatorContext } from '../context'
import type { Stored } from './views'

/**
 * The daily reconciliation reports (written by the scheduler, core/money/reconcile.ts), read by
 * operators with the reconciliation role. Read only: nothing here changes a report or money.
 */

export function reportStatus(
  report: Pick<ReconciliationReportDoc, 'state' | 'discrepancies'>,
): ReconciliationStatus {
  if (report.state !== 'complete') return 'running'
  return report.discrepancies.length > 0 ? 'discrepant' : 'balanced'
}

export function reportSummary(report: ReconciliationReportDoc): ReconciliationReportSummary {
  return {
    id: report.id,
    provider: report.provider,
    day: report.day,
    status: reportStatus(report),
    payments: report.payments,
    refunds: report.refunds,
    matchedPayments: report.matchedPayments,
    matchedRefunds: report.matchedRefunds,
    totals: report.totals,
    counts: {
      credited: report.credited.length,
      lateRefunds: report.lateRefunds.length,
      orphans: report.orphans.length,
      discrepancies: report.discrepancies.length,
    },
    generatedAt: report.generatedAt,
  }
}

/** Refund records looked up per report list; beyond this the progress reads 'unknown'. */
const maxRefundLookups = 200

function refundProgress(status: string | undefined): RefundProgress {
  return status === 'refunding' || status === 'refunded' ? status : 'unknown'
}

/** Each listed refund's current status: the orphan's record, or the late-paid order's. */
async function withRefundProgress<T>(
  ctx: OperatorContext,
  items: readonly T[],
  collection: string,
  idOf: (item: T) => string,
): Promise<Array<T & { refundStatus: RefundProgress }>> {
  const looked = await Promise.all(
    items
      .slice(0, maxRefundLookups)
      .map((item) => ctx.store.get<{ status?: string }>(collection, idOf(item))),
  )
  return items.map((item, i) => ({ ...item, refundStatus: refundProgress(looked[i]?.status) }))
}

export async function reportView(
  ctx: OperatorContext,
  report: ReconciliationReportDoc,
): Promise<ReconciliationReportView> {
  const [orphans, lateRefunds] = await Promise.all([
    withRefundProgress(ctx, report.orphans, collections.orphanPayments, (o) =>
      orphanPaymentId(report.provider, o.providerTradeNo),
    ),
    withRefundProgress(ctx, report.lateRefunds, collections.rechargeOrders, (l) => l.orderNo),
  ])
  return {
    ...reportSummary(report),
    state: report.state,
    merchantId: report.merchantId,
    credited: report.credited,
    orphans,
    lateRefunds,
    discrepancies: report.discrepancies,
  }
}

/** One provider's days, newest first (index provider + day). */
export async function listReconciliationReports(
  ctx: OperatorContext,
  input: ParsedRequest<'operator.reconciliation.list'>,
): Promise<ActionResponses['operator.reconciliation.list']> {
  const where: Condition[] = [{ field: 'provider', op: 'eq', value: input.provider }]
  if (input.from) where.push({ field: 'day', op: 'gte', value: input.from })
  if (input.to) where.push({ field: 'day', op: 'lte', value: input.to })
  let page: QueryPage<Stored<ReconciliationReportDoc>>
  let total: number
  try {
    ;[page, total] = await Promise.all([
      ctx.store.query<Stored<ReconciliationReportDoc>>(collections.reconciliationReports, {
        where,
        orderBy: { field: 'day', direction: 'desc' },
        limit: input.limit,
        after: input.cursor,
      }),
      ctx.store.count(collections.reconciliationReports, where),
    ])
  } catch (error) {
    // a cursor the store cannot decode is the caller's mistake, not ours
    if (error instanceof StoreError && error.code === 'INVALID_QUERY') {
      throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
    }
    throw error
  }
  return { items: page.items.map(reportSummary), total, nextCursor: page.nextCursor }
}

export async function reconciliationReportDetail(
  ctx: OperatorContext,
  input: ParsedRequest<'operator.reconciliation.detail'>,
): Promise<ActionResponses['operator.reconciliation.detail']> {
  const report = await ctx.store.get<Stored<ReconciliationReportDoc>>(
    collections.reconciliationReports,
    input.id,
  )
  if (!report) throw new ActionError('NOT_FOUND', '对账报告不存在')
  return reportView(ctx, report)
}
