import { fen, type Fen } from '../../../types/money'
import type { PaymentChannel } from '../../../types/moneyRules'
import type {
  OrphanReason,
  ReconciliationCredit,
  ReconciliationDiscrepancy,
  ReconciliationDiscrepancyKind,
  ReconciliationLateRefund,
  ReconciliationOrphan,
  ReconciliationReport,
  StatementTotals,
} from '../../../types/actions/reconciliation'
import type { PaymentGateway, StatementLine } from '../../ports/payments'
import { maxQueryLimit, type Doc, type Store } from '../../ports/store'
import { shanghaiDay, shanghaiInstant } from '../businessTime'
import { collections } from '../documents'
import { postTransfers } from '../ledger'
import type { RechargeOrderDoc } from './moneyDocuments'
import type { OrphanPaymentDoc, ReconciliationReportDoc } from './reconciliationDocuments'
import { creditRecharge, rechargeOrderTtlMs } from './recharge'
import {
  orderRefundNo,
  orphanPaymentId,
  orphanRefundNo,
  settleOrderRefund,
  settleOrphanRefund,
} from './refunds'
import { unlimitedBudget, type WorkBudget } from './workBudget'

/**
 * The daily reconciliation of one provider's statement with our records (issue 9,
 * "Reconciliation"). Each line of the Beijing day's statement is matched:
 *
 * - a payment of a pending order of ours (its notification never came) is credited
 *   (creditRecharge, exactly once); of a closed order, owed back (creditRecharge posts refund_due
 *   and marks it refunding); of an order we credited or are refunding, matched;
 * - a payment no order can take (no such order, or one it does not fit: amount, merchant,
 *   provider) is an orphan: `refund_due:<provider>:<trade no>` and an orphanPayments record, in one
 *   transaction, for payDueRefunds to pay back under `X<trade no>`. A pending order the payment
 *   does not fit is closed in that transaction: it can never be paid now;
 * - a refund of ours settles it (refund_paid, 'refunded') when the provider had only accepted it;
 * - what nobody can decide is a discrepancy, posted nowhere: a payment of an order we credited
 *   with another amount or trade number, a paid order of the day missing from the statement, a
 *   refund we never asked for, a line of another merchant.
 *
 * The report (`reconciliationReports/<provider>:<day>`) is computed from the records as they
 * stand after these actions, so running the day again finds nothing to do and writes the same
 * report with a new generatedAt. The orders it credited are listed in a 'running' draft before
 * the first credit, so a run that dies half-way still lists them when the next one completes.
 */

type Stored<T> = T & { [key: string]: unknown }

const hourMs = 3_600_000
const dayMs = 24 * hourMs

export function reconciliationReportId(provider: PaymentChannel, day: string): string {
  return `${provider}:${day}`
}

/**
 * The Beijing days whose statements are due, oldest first: yesterday once it is `readyHour`
 * o'clock in Beijing (providers publish the day's bill in the morning), and the `catchUpDays`
 * days before it, whose bills exist (a run that missed them catches up).
 */
export function statementDaysDue(
  now: Date,
  options: { readyHour?: number; catchUpDays?: number } = {},
): string[] {
  const readyHour = options.readyHour ?? 10
  const catchUpDays = options.catchUpDays ?? 2
  const today = shanghaiDay(now)
  const sinceMidnight = now.getTime() - shanghaiInstant(`${today} 00:00:00`).getTime()
  const days: string[] = []
  // Beijing has no daylight saving: a day is always 24 hours
  for (let back = catchUpDays + 1; back >= 1; back -= 1) {
    if (back === 1 && sinceMidnight < readyHour * hourMs) continue
    days.push(shanghaiDay(new Date(now.getTime() - back * dayMs)))
  }
  return days
}

// ---- the plan: pure, from the statement and the records it names ----

export interface PlanInput {
  provider: PaymentChannel
  /** Our merchant at this provider: lines of any other are not ours to settle. */
  merchantId: string
  day: string
  lines: readonly StatementLine[]
  /** Our orders the statement names, by order number. */
  orders: ReadonlyMap<string, RechargeOrderDoc>
  /** Orphans recorded for the statement's trades, by id. */
  orphans: ReadonlyMap<string, OrphanPaymentDoc>
  /** Orders we hold paid (or paid, then owed back) around the day; those paid on it are checked. */
  paidAround: readonly RechargeOrderDoc[]
}

export interface PlannedOrphan {
  id: string
  line: StatementLine
  entry: ReconciliationOrphan
  /** Not recorded yet: its refund_due and record are to be written. */
  isNew: boolean
}

export interface StatementPlan {
  payments: StatementTotals
  refunds: StatementTotals
  matchedPayments: number
  matchedRefunds: number
  /** Orders we hold paid whose payment line agrees. */
  paidOrders: string[]
  /** Pending orders the statement shows paid: to credit. */
  credits: Array<{ order: RechargeOrderDoc; line: StatementLine }>
  /** Payments after the order's close; `toPost`: still closed, its refund_due not posted yet. */
  late: Array<{ order: RechargeOrderDoc; line: StatementLine; toPost: boolean }>
  orphans: PlannedOrphan[]
  /** Refunds the statement shows paid back that we hold as only requested. */
  settleOrders: string[]
  settleOrphans: string[]
  discrepancies: ReconciliationDiscrepancy[]
}

/** Why the payment does not fit the order, as creditRecharge would refuse it; null when it fits. */
function misfit(order: RechargeOrderDoc, line: StatementLine, provider: PaymentChannel): OrphanReason | null {
  if (order.channel !== provider) return 'CHANNEL_MISMATCH'
  if (order.merchantId !== line.merchantId) return 'MERCHANT_MISMATCH'
  if (order.amount !== line.amount) return 'AMOUNT_MISMATCH'
  return null
}

const byText =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0

function discrepancy(
  kind: ReconciliationDiscrepancyKind,
  line: StatementLine | null,
  order: { orderNo: string; expected: Fen | null; providerTradeNo?: string | null },
): ReconciliationDiscrepancy {
  return {
    kind,
    orderNo: line?.orderNo ?? order.orderNo,
    providerTradeNo: line?.providerTradeNo ?? order.providerTradeNo ?? null,
    refundNo: line?.refundNo ?? null,
    expected: order.expected,
    actual: line ? line.amount : null,
  }
}

/** What to do about each line of the statement, and what to report. Reads nothing, writes nothing. */
export function planStatement(input: PlanInput): StatementPlan {
  const { provider, merchantId } = input
  const plan: StatementPlan = {
    payments: { count: 0, total: fen(0) },
    refunds: { count: 0, total: fen(0) },
    matchedPayments: 0,
    matchedRefunds: 0,
    paidOrders: [],
    credits: [],
    late: [],
    orphans: [],
    settleOrders: [],
    settleOrphans: [],
    discrepancies: [],
  }
  // a line the provider lists twice is one line
  const seen = new Set<string>()
  const lines = input.lines.filter((line) => {
    const key = `${line.kind}|${line.providerTradeNo}|${line.orderNo}|${line.refundNo ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  // the orphans a refund line may settle: recorded ones and those this statement reveals
  const orphanViews = new Map<string, { refundNo: string; amount: Fen; status: OrphanPaymentDoc['status'] }>(
    [...input.orphans].map(([id, o]) => [id, { refundNo: o.refundNo, amount: o.amount, status: o.status }]),
  )
  const paidOrderNos = new Set<string>()

  for (const line of lines) {
    if (line.kind !== 'payment') continue
    plan.payments.count += 1
    plan.payments.total = fen(plan.payments.total + line.amount)
    paidOrderNos.add(line.orderNo)
    if (line.merchantId !== merchantId) {
      plan.discrepancies.push(
        discrepancy('foreign_merchant', line, { orderNo: line.orderNo, expected: null }),
      )
      continue
    }
    const order = input.orders.get(line.orderNo) ?? null
    const reason = order ? misfit(order, line, provider) : 'UNKNOWN_ORDER'
    if (order && reason === null) {
      if (order.status === 'pending') {
        plan.credits.push({ order, line })
        plan.matchedPayments += 1
      } else if (order.status === 'paid') {
        if (order.providerTradeNo && order.providerTradeNo !== line.providerTradeNo) {
          plan.discrepancies.push(
            discrepancy('trade_mismatch', line, { orderNo: order.id, expected: order.amount }),
          )
        } else {
          plan.matchedPayments += 1
          plan.paidOrders.push(order.id)
        }
      } else {
        plan.late.push({ order, line, toPost: order.status === 'closed' })
      }
      continue
    }
    if (order && (order.status === 'paid' || order.status === 'refunding' || order.status === 'refunded')) {
      // an order we took (or are paying back) that the statement contradicts: a person decides
      plan.discrepancies.push(
        discrepancy(reason === 'AMOUNT_MISMATCH' ? 'amount_mismatch' : 'trade_mismatch', line, {
          orderNo: order.id,
          expected: order.amount,
        }),
      )
      continue
    }
    const id = orphanPaymentId(provider, line.providerTradeNo)
    const recorded = input.orphans.get(id)
    const entry: ReconciliationOrphan = {
      orderNo: line.orderNo,
      providerTradeNo: line.providerTradeNo,
      amount: line.amount,
      reason: recorded?.reason ?? reason ?? 'UNKNOWN_ORDER',
      refundNo: recorded?.refundNo ?? orphanRefundNo(provider, line.providerTradeNo),
      paidAt: recorded?.paidAt ?? new Date(line.at).toISOString(),
    }
    plan.orphans.push({ id, line, entry, isNew: !recorded })
    if (!recorded)
      orphanViews.set(id, { refundNo: entry.refundNo, amount: entry.amount, status: 'refunding' })
  }

  for (const line of lines) {
    if (line.kind !== 'refund') continue
    plan.refunds.count += 1
    plan.refunds.total = fen(plan.refunds.total + line.amount)
    if (line.merchantId !== merchantId) {
      plan.discrepancies.push(
        discrepancy('foreign_merchant', line, { orderNo: line.orderNo, expected: null }),
      )
      continue
    }
    const orphanId = orphanPaymentId(provider, line.providerTradeNo)
    const orphan = orphanViews.get(orphanId)
    if (orphan && orphan.refundNo === line.refundNo) {
      if (orphan.amount !== line.amount) {
        plan.discrepancies.push(
          discrepancy('refund_amount_mismatch', line, { orderNo: line.orderNo, expected: orphan.amount }),
        )
        continue
      }
      plan.matchedRefunds += 1
      if (orphan.status === 'refunding') plan.settleOrphans.push(orphanId)
      continue
    }
    const order = input.orders.get(line.orderNo)
    if (
      order &&
      order.channel === provider &&
      (order.status === 'refunding' || order.status === 'refunded') &&
      orderRefundNo(order) === line.refundNo
    ) {
      if (order.amount !== line.amount) {
        plan.discrepancies.push(
          discrepancy('refund_amount_mismatch', line, { orderNo: order.id, expected: order.amount }),
        )
        continue
      }
      plan.matchedRefunds += 1
      if (order.status === 'refunding') plan.settleOrders.push(order.id)
      continue
    }
    plan.discrepancies.push(
      discrepancy(orphan || order ? 'unexpected_refund' : 'unknown_refund', line, {
        orderNo: line.orderNo,
        expected: null,
      }),
    )
  }

  for (const order of input.paidAround) {
    if (order.channel !== provider || !order.paidAt || shanghaiDay(new Date(order.paidAt)) !== input.day)
      continue
    if (paidOrderNos.has(order.id)) continue
    plan.discrepancies.push(
      discrepancy('missing_from_statement', null, {
        orderNo: order.id,
        expected: order.amount,
        providerTradeNo: order.providerTradeNo,
      }),
    )
  }

  plan.paidOrders.sort()
  plan.credits.sort(byText((c) => c.order.id))
  plan.late.sort(byText((l) => l.order.id))
  plan.orphans.sort(byText((o) => o.id))
  plan.discrepancies.sort(
    byText((d) => `${d.kind} ${d.orderNo} ${d.providerTradeNo ?? ''} ${d.refundNo ?? ''}`),
  )
  return plan
}

const sum = (amounts: readonly Fen[]): Fen => fen(amounts.reduce((total, amount) => total + amount, 0))

/** The report of a plan; `credited` as the caller established it (see reconcileDay). */
export function reportOf(
  plan: StatementPlan,
  head: { provider: PaymentChannel; day: string; merchantId: string },
  credited: readonly ReconciliationCredit[],
  state: ReconciliationReport['state'],
  now: Date,
): ReconciliationReport {
  const lateRefunds: ReconciliationLateRefund[] = plan.late.map(({ order, line }) => ({
    orderNo: order.id,
    providerTradeNo: line.providerTradeNo,
    amount: line.amount,
    refundNo: orderRefundNo(order),
  }))
  const orphans = plan.orphans.map((o) => o.entry)
  const creditedList = [...credited].sort(byText((c) => c.orderNo))
  return {
    ...head,
    state,
    payments: plan.payments,
    refunds: plan.refunds,
    matchedPayments: plan.matchedPayments,
    matchedRefunds: plan.matchedRefunds,
    credited: creditedList,
    lateRefunds,
    orphans,
    discrepancies: plan.discrepancies,
    totals: {
      credited: sum(creditedList.map((c) => c.amount)),
      lateRefunds: sum(lateRefunds.map((l) => l.amount)),
      orphans: sum(orphans.map((o) => o.amount)),
    },
    generatedAt: now.toISOString(),
  }
}

// ---- reading and writing ----

async function byIds<T extends Doc>(
  store: Store,
  collection: string,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)]
  const out = new Map<string, T>()
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100)
    const page = await store.query<T>(collection, {
      where: [{ field: 'id', op: 'in', value: chunk }],
      limit: chunk.length,
    })
    for (const doc of page.items) out.set(doc.id as string, doc)
  }
  return out
}

/**
 * Orders held paid, refunding or refunded that may have been paid on the day: paid before their
 * expiry, so expiring from the day's start (an hour's slack for a payment the provider accepted
 * late) to its end plus the order lifetime. The status+expiresAt index serves each status.
 */
async function ordersPaidAround(store: Store, day: string): Promise<RechargeOrderDoc[]> {
  const start = shanghaiInstant(`${day} 00:00:00`).getTime()
  const from = new Date(start - hourMs).toISOString()
  const to = new Date(start + dayMs + rechargeOrderTtlMs + hourMs).toISOString()
  const out: RechargeOrderDoc[] = []
  for (const status of ['paid', 'refunding', 'refunded'] as const) {
    let after: string | undefined
    do {
      const page = await store.query<Stored<RechargeOrderDoc>>(collections.rechargeOrders, {
        where: [
          { field: 'status', op: 'eq', value: status },
          { field: 'expiresAt', op: 'gte', value: from },
          { field: 'expiresAt', op: 'lt', value: to },
        ],
        orderBy: { field: 'expiresAt', direction: 'asc' },
        limit: maxQueryLimit,
        after,
      })
      out.push(...page.items)
      after = page.nextCursor ?? undefined
    } while (after)
  }
  return out
}

async function planFor(
  store: Store,
  gateway: PaymentGateway,
  day: string,
  lines: readonly StatementLine[],
): Promise<StatementPlan> {
  const provider = gateway.provider
  const [orders, orphans, paidAround] = await Promise.all([
    byIds<Stored<RechargeOrderDoc>>(
      store,
      collections.rechargeOrders,
      lines.map((line) => line.orderNo),
    ),
    byIds<Stored<OrphanPaymentDoc>>(
      store,
      collections.orphanPayments,
      lines.map((line) => orphanPaymentId(provider, line.providerTradeNo)),
    ),
    ordersPaidAround(store, day),
  ])
  return planStatement({ provider, merchantId: gateway.merchantId, day, lines, orders, orphans, paidAround })
}

/** The orphan's refund_due and record in one transaction (nothing when it is recorded already). */
async function recordOrphan(store: Store, planned: PlannedOrphan, day: string, now: Date): Promise<void> {
  const { id, line, entry } = planned
  await store.transaction(async (tx) => {
    if (await tx.get(collections.orphanPayments, id)) return
    const provider = line.provider
    await postTransfers(
      tx,
      [
        {
          id: `refund_due:${id}`,
          debit: { kind: 'clearing', provider },
          credit: { kind: 'refundsPayable', provider },
          amount: entry.amount,
          reason: 'refund_due',
          ref: id,
        },
      ],
      now,
    )
    const doc: OrphanPaymentDoc = {
      id,
      provider,
      orderNo: entry.orderNo,
      providerTradeNo: entry.providerTradeNo,
      merchantId: line.merchantId,
      amount: entry.amount,
      reason: entry.reason,
      day,
      paidAt: entry.paidAt,
      refundNo: entry.refundNo,
      status: 'refunding',
      detectedAt: now.toISOString(),
      refundRequestedAt: null,
      refundedAt: null,
    }
    await tx.set(collections.orphanPayments, id, { ...doc })
    // our order the payment does not fit can never be paid now: closed, so nobody waits on it
    const order = await tx.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, entry.orderNo)
    if (order?.status === 'pending') {
      await tx.set(collections.rechargeOrders, order.id, {
        ...order,
        status: 'closed',
        closedAt: now.toISOString(),
      } satisfies RechargeOrderDoc)
    }
  })
}

export type ReconcileDayResult =
  | { state: 'complete'; report: ReconciliationReport }
  /** The budget ran out with actions left; the next run completes the day. */
  | { state: 'incomplete'; actionsLeft: number }

/**
 * Reconciles one Beijing day of one provider (see the top of this file). Throws the gateway's
 * PaymentProviderError when the statement cannot be had ('unavailable': not published yet, or the
 * provider is down; run again later). Safe to run again at any time, and after a crash anywhere.
 */
export async function reconcileDay(
  store: Store,
  gateway: PaymentGateway,
  day: string,
  now: Date,
  options: { budget?: WorkBudget } = {},
): Promise<ReconcileDayResult> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`对账日期必须是 YYYY-MM-DD：${day}`)
  const budget = options.budget ?? unlimitedBudget
  const provider = gateway.provider
  const head = { provider, day, merchantId: gateway.merchantId }
  const reportId = reconciliationReportId(provider, day)
  const lines = (await gateway.statement(day)).filter((line) => line.provider === provider)
  const previous = await store.get<Stored<ReconciliationReportDoc>>(
    collections.reconciliationReports,
    reportId,
  )

  const plan = await planFor(store, gateway, day, lines)
  const creditsPlanned: ReconciliationCredit[] = plan.credits.map(({ order, line }) => ({
    orderNo: order.id,
    accountId: order.accountId,
    providerTradeNo: line.providerTradeNo,
    amount: line.amount,
  }))
  const candidates = new Map<string, ReconciliationCredit>()
  for (const credit of [...(previous?.credited ?? []), ...creditsPlanned])
    candidates.set(credit.orderNo, credit)

  const actions: Array<() => Promise<unknown>> = [
    ...plan.orphans.filter((o) => o.isNew).map((o) => () => recordOrphan(store, o, day, now)),
    ...[...plan.credits, ...plan.late.filter((l) => l.toPost)].map(
      ({ line }) =>
        () =>
          creditRecharge(
            store,
            {
              provider,
              orderNo: line.orderNo,
              amount: line.amount,
              merchantId: line.merchantId,
              providerTradeNo: line.providerTradeNo,
              paidAt: new Date(line.at),
            },
            now,
          ),
    ),
    ...plan.settleOrphans.map((id) => () => settleOrphanRefund(store, id, now)),
    ...plan.settleOrders.map((orderNo) => () => settleOrderRefund(store, orderNo, now)),
  ]
  let final = plan
  if (actions.length > 0) {
    // the draft names the orders about to be credited before the first credit
    const draft = reportOf(plan, head, [...candidates.values()], 'running', now)
    await store.set(collections.reconciliationReports, reportId, { ...draft, id: reportId })
    for (const [done, action] of actions.entries()) {
      if (!budget.allows()) return { state: 'incomplete', actionsLeft: actions.length - done }
      budget.spend()
      await action()
    }
    final = await planFor(store, gateway, day, lines)
  }
  // credited by a reconciliation of this day: orders we held pending when it began, paid now
  const paid = new Set(final.paidOrders)
  const credited = [...candidates.values()].filter((credit) => paid.has(credit.orderNo))
  const report = reportOf(final, head, credited, 'complete', now)
  await store.set(collections.reconciliationReports, reportId, { ...report, id: reportId })
  return { state: 'complete', report }
}
