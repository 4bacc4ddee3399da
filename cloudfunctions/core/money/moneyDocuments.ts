import type { Fen } from '../../../types/money'
import type { PaymentChannel, PaymentLaunch, RechargeStatus } from '../../../types/actions/money'

type Instant = string

/** Where a recharge goes, or went: the user account (可用余额) or one stored-value card. */
export type FundsTarget = { kind: 'account' } | { kind: 'card'; cardId: string }

/** Which client made a request (充值来源 / 数据来源). */
export type MoneySource = 'wechat' | 'alipay' | 'h5' | 'auto'

/** A recharge order; its id is the order number (the providers' out_trade_no). */
export interface RechargeOrderDoc {
  id: string
  accountId: string
  target: FundsTarget
  amount: Fen
  channel: PaymentChannel
  /** The provider's merchant the order was created with (WeChat sub_mch_id, Alipay seller_id). */
  merchantId: string
  /** The payer as the platform identified them (openid / Alipay user id). */
  payerId: string
  source: MoneySource
  status: RechargeStatus
  createdAt: Instant
  expiresAt: Instant
  /** What the client needs to pay, once the provider made the order (null until then). */
  launch: PaymentLaunch | null
  paidAt: Instant | null
  providerTradeNo: string | null
  /** Where the credit went (an account recharge may go to the account's only card). */
  creditedTo: FundsTarget | null
  closedAt: Instant | null
  /** The refund number used for every retry of this order's refund. */
  refundNo: string | null
  /** Last time the server asked the provider about this order (polls are spaced). */
  queriedAt: Instant | null
}

export interface RechargeKeyDoc {
  id: string
  accountId: string
  orderNo: string
  /** The request the key was first used with; another request under the key is refused. */
  fingerprint: string
  at: Instant
}

export interface AllocationDoc {
  id: string
  accountId: string
  fingerprint: string
  total: Fen
  parts: Array<{ cardId: string; amount: Fen }>
  source: MoneySource
  at: Instant
}

/** 预分配记录: one per card and allocation. */
export interface AllocationRecordDoc {
  /** `<allocationId>:<cardId>` */
  id: string
  allocationId: string
  accountId: string
  cardId: string
  vehicleId: string
  amount: Fen
  source: MoneySource
  at: Instant
}

/** A notification that was refused or did not credit, kept for audit and reconciliation. */
export interface PaymentNoticeDoc {
  id: string
  provider: PaymentChannel
  orderNo: string
  providerTradeNo: string
  amount: Fen | null
  outcome: string
  detail: string
  at: Instant
}
