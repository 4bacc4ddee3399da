import type { Fen } from '../../types/money'
import type { PaymentChannel, PaymentLaunch } from '../../types/actions/money'

export type { PaymentLaunch }

/**
 * The payment providers as the money core sees them. WeChat Pay through CloudBase's cloudPay
 * (wx-server-sdk), Alipay through alipay-sdk; locally and in tests a sandbox plays the payer and
 * the notifications, signed the real way, so the verification code is the production one.
 * Amounts are integer fen on both sides of this port; each adapter converts to its wire format
 * (WeChat: fen; Alipay: a yuan string, converted with big.js).
 */
export type PaymentProvider = PaymentChannel

export interface CreatePayment {
  /** Our order number: the provider's out_trade_no and the order's document id. */
  orderNo: string
  amount: Fen
  /** Shown to the payer (WeChat body / Alipay subject). */
  description: string
  /** Who pays: the WeChat openid or the Alipay buyer id (from the session, never the request). */
  payerId: string
  /** After this the order is closed and can no longer be paid. */
  expiresAt: Date
  /** Client IP where the provider wants one (WeChat spbill_create_ip). */
  clientIp?: string
}

export type PaymentState =
  | { state: 'paid'; amount: Fen; providerTradeNo: string; paidAt: Date; merchantId: string }
  | { state: 'unpaid' }
  | { state: 'closed' }
  /** The provider has refunded (all or part of) the payment. */
  | { state: 'refunded'; amount: Fen; providerTradeNo: string }
  /** The provider does not know the order (never created, or created elsewhere). */
  | { state: 'not_found' }

export interface RefundRequest {
  orderNo: string
  /** Our refund number: the same on every retry, so the provider refunds once. */
  refundNo: string
  /** The payment's total and the part to refund. */
  total: Fen
  amount: Fen
  reason: string
}

export type RefundState = { state: 'accepted' | 'succeeded'; refundNo: string; amount: Fen }

/** One line of a provider's daily statement, as parsed from its real format. */
export interface StatementLine {
  provider: PaymentProvider
  orderNo: string
  providerTradeNo: string
  kind: 'payment' | 'refund'
  amount: Fen
  /** Business time of the line, ISO 8601 with +08:00. */
  at: string
  merchantId: string
  refundNo?: string
}

export interface PaymentGateway {
  readonly provider: PaymentProvider
  readonly merchantId: string
  create(request: CreatePayment): Promise<PaymentLaunch>
  query(orderNo: string): Promise<PaymentState>
  close(orderNo: string): Promise<void>
  refund(request: RefundRequest): Promise<RefundState>
  /** The statement of one business day (Asia/Shanghai), e.g. '2026-12-01'. */
  statement(day: string): Promise<StatementLine[]>
}

/** A provider's notification after the adapter verified and normalised it. */
export interface PaymentNotification {
  provider: PaymentProvider
  orderNo: string
  providerTradeNo: string
  amount: Fen
  merchantId: string
  /** The provider says the payment succeeded (WeChat SUCCESS, Alipay TRADE_SUCCESS/TRADE_FINISHED). */
  success: boolean
  paidAt: Date | null
}

/** Why a notification was refused before it reached the money core. */
export type NotificationRefusal = 'BAD_SIGNATURE' | 'WRONG_SOURCE' | 'MALFORMED' | 'WRONG_APP'

export type VerifiedNotification =
  | { ok: true; notification: PaymentNotification }
  | { ok: false; refusal: NotificationRefusal; detail: string }

export class PaymentProviderError extends Error {
  constructor(
    readonly provider: PaymentProvider,
    /** 'unavailable': network/timeouts, safe to retry; 'rejected': the provider refused the call. */
    readonly kind: 'unavailable' | 'rejected',
    message: string,
    readonly providerCode?: string,
  ) {
    super(message)
    this.name = 'PaymentProviderError'
  }
}
