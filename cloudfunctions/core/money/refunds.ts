import { createHash } from 'node:crypto'
import type { Fen } from '../../../types/money'
import type { PaymentChannel } from '../../../types/moneyRules'
import { PaymentProviderError, type PaymentGateway, type RefundState } from '../../ports/payments'
import type { Store } from '../../ports/store'
import { collections } from '../documents'
import { postTransfers } from '../ledger'
import type { RechargeOrderDoc } from './moneyDocuments'
import type { OrphanPaymentDoc } from './reconciliationDocuments'
import type { WorkBudget } from './workBudget'

/**
 * Paying back what we owe payers: payments that landed after their order was closed (the order is
 * 'refunding', recharge.ts posted `refund_due:<orderNo>`) and payments no order could take
 * (orphans, found by the daily reconciliation, which posted `refund_due:<orphanId>`).
 *
 * - Each refund goes to the provider under one refund number, the same on every retry (orders:
 *   `F<orderNo without R>`; orphans: `X<provider trade number>`), so the provider refunds once
 *   however often we ask: after a timeout, after a crash between its answer and our write.
 * - Only the provider's word that the money went back settles it: `refund_paid:<ref>` (refunds
 *   payable → clearing) and the status 'refunded' commit in one transaction, and a second
 *   settlement finds 'refunded' and writes nothing. Alipay says so in its answer (or its refund
 *   query); WeChat Pay's v2 refund only accepts, and its next daily bill, read by the
 *   reconciliation, settles the refund.
 * - A run stops starting refunds when its budget is spent, and gives a provider up for the run
 *   after three "unavailable" in a row; what is left is due again on the next run.
 */

type Stored<T> = T & { [key: string]: unknown }

/** How many consecutive "unavailable" answers make a run leave a provider alone. */
const unavailableLimit = 3
const pageSize = 100

const orderRefundReason = '充值订单已关闭，款项原路退回'
const orphanRefundReason = '未找到对应的充值订单，款项原路退回'

/** The refund number of a recharge order paid after its close (as creditRecharge sets it). */
export function orderRefundNo(order: Pick<RechargeOrderDoc, 'id' | 'refundNo'>): string {
  return order.refundNo ?? `F${order.id.slice(1)}`
}

export function orphanPaymentId(provider: PaymentChannel, providerTradeNo: string): string {
  return `${provider}:${providerTradeNo}`
}

/**
 * An orphan's refund number, from the provider's trade number alone: `X` and the trade number
 * when it is plain (WeChat's transaction_id and Alipay's trade_no are 28 digits), otherwise `X`
 * and 40 hex digits of its hash. Within WeChat's and Alipay's 64 characters either way.
 */
export function orphanRefundNo(provider: PaymentChannel, providerTradeNo: string): string {
  if (/^[0-9A-Za-z]{1,60}$/.test(providerTradeNo)) return `X${providerTradeNo}`
  return `X${createHash('sha256').update(`${provider}:${providerTradeNo}`).digest('hex').slice(0, 40)}`
}

export type SettleOutcome = 'settled' | 'already_settled' | 'not_due'

/** The provider paid an order's refund back: refund_paid and 'refunded', once. */
export async function settleOrderRefund(store: Store, orderNo: string, now: Date): Promise<SettleOutcome> {
  return store.transaction(async (tx): Promise<SettleOutcome> => {
    const order = await tx.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, orderNo)
    if (!order) return 'not_due'
    if (order.status === 'refunded') return 'already_settled'
    if (order.status !== 'refunding') return 'not_due'
    await postTransfers(
      tx,
      [
        {
          id: `refund_paid:${order.id}`,
          debit: { kind: 'refundsPayable', provider: order.channel },
          credit: { kind: 'clearing', provider: order.channel },
          amount: order.amount,
          reason: 'refund_paid',
          ref: order.id,
        },
      ],
      now,
    )
    const next: RechargeOrderDoc = { ...order, status: 'refunded', refundNo: orderRefundNo(order) }
    await tx.set(collections.rechargeOrders, order.id, { ...next })
    return 'settled'
  })
}

/** The provider paid an orphan's refund back: refund_paid and 'refunded', once. */
export async function settleOrphanRefund(store: Store, orphanId: string, now: Date): Promise<SettleOutcome> {
  return store.transaction(async (tx): Promise<SettleOutcome> => {
    const orphan = await tx.get<Stored<OrphanPaymentDoc>>(collections.orphanPayments, orphanId)
    if (!orphan) return 'not_due'
    if (orphan.status === 'refunded') return 'already_settled'
    await postTransfers(
      tx,
      [
        {
          id: `refund_paid:${orphan.id}`,
          debit: { kind: 'refundsPayable', provider: orphan.provider },
          credit: { kind: 'clearing', provider: orphan.provider },
          amount: orphan.amount,
          reason: 'refund_paid',
          ref: orphan.id,
        },
      ],
      now,
    )
    const next: OrphanPaymentDoc = { ...orphan, status: 'refunded', refundedAt: now.toISOString() }
    await tx.set(collections.orphanPayments, orphan.id, { ...next })
    return 'settled'
  })
}

/** One refund we owe, whichever record holds it. */
interface DueRefund {
  kind: 'order' | 'orphan'
  /** The order number, or the orphan's id. */
  ref: string
  /** The provider's out_trade_no. */
  orderNo: string
  refundNo: string
  amount: Fen
}

/** Every refund of the provider still owed, orders (oldest expiry first) then orphans (oldest first). */
async function* dueRefunds(store: Store, provider: PaymentChannel): AsyncGenerator<DueRefund> {
  let after: string | undefined
  do {
    // the status index serves both providers: the other provider's orders are skipped here
    const page = await store.query<Stored<RechargeOrderDoc>>(collections.rechargeOrders, {
      where: [{ field: 'status', op: 'eq', value: 'refunding' }],
      orderBy: { field: 'expiresAt', direction: 'asc' },
      limit: pageSize,
      after,
    })
    for (const order of page.items) {
      if (order.channel !== provider) continue
      yield {
        kind: 'order',
        ref: order.id,
        orderNo: order.id,
        refundNo: orderRefundNo(order),
        amount: order.amount,
      }
    }
    after = page.nextCursor ?? undefined
  } while (after)
  do {
    const page = await store.query<Stored<OrphanPaymentDoc>>(collections.orphanPayments, {
      where: [
        { field: 'provider', op: 'eq', value: provider },
        { field: 'status', op: 'eq', value: 'refunding' },
      ],
      orderBy: { field: 'detectedAt', direction: 'asc' },
      limit: pageSize,
      after,
    })
    for (const orphan of page.items) {
      yield {
        kind: 'orphan',
        ref: orphan.id,
        orderNo: orphan.orderNo,
        refundNo: orphan.refundNo,
        amount: orphan.amount,
      }
    }
    after = page.nextCursor ?? undefined
  } while (after)
}

export interface DueRefundsRun {
  provider: PaymentChannel
  /** Refund numbers the provider confirmed and we settled in this run. */
  refunded: string[]
  /** Accepted by the provider, the confirmation still to come (WeChat Pay: its next bill). */
  accepted: string[]
  /** Refunds the provider refused or could not take now; due again on the next run. */
  failed: Array<{ refundNo: string; code: string; message: string }>
  /** The run stopped before the end of the list (budget spent, or the provider unavailable). */
  more: boolean
}

/**
 * Pays every refund owed through this provider, within the budget. Safe to run any number of
 * times, concurrently with itself and with the notifications: see the rules at the top.
 */
export async function payDueRefunds(
  store: Store,
  gateway: PaymentGateway,
  now: Date,
  budget: WorkBudget,
): Promise<DueRefundsRun> {
  const run: DueRefundsRun = {
    provider: gateway.provider,
    refunded: [],
    accepted: [],
    failed: [],
    more: false,
  }
  let unavailableInARow = 0
  for await (const due of dueRefunds(store, gateway.provider)) {
    if (!budget.allows()) {
      run.more = true
      break
    }
    budget.spend()
    let state: RefundState
    try {
      state = await gateway.refund({
        orderNo: due.orderNo,
        refundNo: due.refundNo,
        total: due.amount,
        amount: due.amount,
        reason: due.kind === 'order' ? orderRefundReason : orphanRefundReason,
      })
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error
      run.failed.push({
        refundNo: due.refundNo,
        code: error.providerCode ?? error.kind,
        message: error.message,
      })
      if (error.kind === 'unavailable' && ++unavailableInARow >= unavailableLimit) {
        run.more = true
        break
      }
      continue
    }
    unavailableInARow = 0
    if (state.refundNo !== due.refundNo || state.amount !== due.amount) {
      // never settle on an answer about another refund or amount: a person looks at it
      run.failed.push({
        refundNo: due.refundNo,
        code: 'REFUND_MISMATCH',
        message: `退款应答不符：${state.refundNo} ${state.amount} 分，应为 ${due.refundNo} ${due.amount} 分`,
      })
      continue
    }
    if (state.state === 'succeeded') {
      const settled =
        due.kind === 'order'
          ? await settleOrderRefund(store, due.ref, now)
          : await settleOrphanRefund(store, due.ref, now)
      if (settled === 'settled') run.refunded.push(due.refundNo)
      continue
    }
    run.accepted.push(due.refundNo)
    if (due.kind === 'orphan') await noteRefundRequested(store, due.ref, now)
  }
  return run
}

async function noteRefundRequested(store: Store, orphanId: string, now: Date): Promise<void> {
  await store.transaction(async (tx) => {
    const orphan = await tx.get<Stored<OrphanPaymentDoc>>(collections.orphanPayments, orphanId)
    if (!orphan || orphan.status !== 'refunding' || orphan.refundRequestedAt) return
    await tx.set(collections.orphanPayments, orphanId, { ...orphan, refundRequestedAt: now.toISOString() })
  })
}
