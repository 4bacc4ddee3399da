import type { Fen } from '../money'
import type { PaymentChannel } from '../moneyRules'

/**
 * The daily reconciliation of one provider's statement (WeChat Pay 交易账单, Alipay 业务明细) with
 * our recharge orders, as the scheduler writes it (cloudfunctions/core/money/reconcile.ts) and an
 * operator page will show it. Amounts are integer fen; instants ISO 8601; `day` is the Beijing
 * business day of the statement. Types only: no action serves it yet.
 *
 * Every list is a fact about the statement and our records, not about when the job ran: running
 * the same day again answers the same report with a new `generatedAt`.
 */

type Instant = string

/** Why a payment the provider collected is owed back in full (no order could take it). */
export type OrphanReason =
  /** The provider's order number is not an order of ours. */
  | 'UNKNOWN_ORDER'
  /** Our order, paid with another amount. */
  | 'AMOUNT_MISMATCH'
  /** Our order, made with another merchant than the one that collected the payment. */
  | 'MERCHANT_MISMATCH'
  /** Our order, made for the other provider. */
  | 'CHANNEL_MISMATCH'

export type ReconciliationDiscrepancyKind =
  /** We hold the order paid that day; the statement has no payment for it. */
  | 'missing_from_statement'
  /** A payment of an order we credited (or are refunding), with another amount. */
  | 'amount_mismatch'
  /** A payment of an order we credited, under another provider trade number. */
  | 'trade_mismatch'
  /** A line of a merchant that is not ours. */
  | 'foreign_merchant'
  /** A refund of one of our orders or orphans that we never asked for (or under another refund number). */
  | 'unexpected_refund'
  /** A refund of a trade we know nothing of. */
  | 'unknown_refund'
  /** Our refund, for another amount than we asked. */
  | 'refund_amount_mismatch'

/** Something a person has to look at: nothing was posted for it. */
export interface ReconciliationDiscrepancy {
  kind: ReconciliationDiscrepancyKind
  orderNo: string
  providerTradeNo: string | null
  refundNo: string | null
  /** What we hold (null when we hold nothing). */
  expected: Fen | null
  /** What the statement says (null when it says nothing). */
  actual: Fen | null
}

/** A payment our records never asked for, or could not take: refunded in full, once. */
export interface ReconciliationOrphan {
  orderNo: string
  providerTradeNo: string
  amount: Fen
  reason: OrphanReason
  /** The refund number every retry of its refund uses. */
  refundNo: string
  paidAt: Instant
}

/** A payment of an order we had not credited yet (its notification never came): credited now. */
export interface ReconciliationCredit {
  orderNo: string
  accountId: string
  providerTradeNo: string
  amount: Fen
}

/** A payment that landed after its order was closed: owed back to the payer (退款中 / 已退款). */
export interface ReconciliationLateRefund {
  orderNo: string
  providerTradeNo: string
  amount: Fen
  refundNo: string | null
}

export interface StatementTotals {
  count: number
  total: Fen
}

export interface ReconciliationReport {
  provider: PaymentChannel
  /** Beijing business day, e.g. 2026-11-30. */
  day: string
  merchantId: string
  /** 'running' while the job works through the day (a crash leaves it so); the next run completes it. */
  state: 'running' | 'complete'
  /** What the statement holds. */
  payments: StatementTotals
  refunds: StatementTotals
  /** Payment lines that agree with an order we credited (including those credited by this reconciliation). */
  matchedPayments: number
  /** Refund lines that agree with a refund we made. */
  matchedRefunds: number
  credited: ReconciliationCredit[]
  lateRefunds: ReconciliationLateRefund[]
  orphans: ReconciliationOrphan[]
  discrepancies: ReconciliationDiscrepancy[]
  /** Sums of the lists above. */
  totals: { credited: Fen; lateRefunds: Fen; orphans: Fen }
  generatedAt: Instant
}
