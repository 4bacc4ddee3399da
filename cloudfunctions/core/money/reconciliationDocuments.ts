import type { Fen } from '../../../types/money'
import type { PaymentChannel } from '../../../types/moneyRules'
import type { OrphanReason, ReconciliationReport } from '../../../types/actions/reconciliation'

type Instant = string

/**
 * A payment the provider collected that no order of ours could take (core/money/reconcile.ts):
 * owed back in full. Written with its `refund_due` transfer in one transaction; paid back by
 * payDueRefunds (core/money/refunds.ts) under `refundNo`, the same on every retry.
 */
export interface OrphanPaymentDoc {
  /** orphanPaymentId(provider, providerTradeNo): `<provider>:<providerTradeNo>`. */
  id: string
  provider: PaymentChannel
  /** The provider's out_trade_no (not an order of ours, or one the payment does not fit). */
  orderNo: string
  providerTradeNo: string
  merchantId: string
  amount: Fen
  reason: OrphanReason
  /** The statement day it was found in. */
  day: string
  paidAt: Instant
  refundNo: string
  status: 'refunding' | 'refunded'
  detectedAt: Instant
  /** When the provider first accepted the refund (WeChat Pay answers "accepted" until its bill shows the refund). */
  refundRequestedAt: Instant | null
  refundedAt: Instant | null
}

/** The daily report: id `<provider>:<day>`. */
export type ReconciliationReportDoc = ReconciliationReport & { id: string }
