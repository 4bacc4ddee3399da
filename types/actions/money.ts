import { z } from 'zod'
import { cursorSchema, pageLimitSchema, plateSchema, type Page } from '../common'
import type { CardStatus, PlateColor } from '../enums'
import { fenSchema } from '../schemas/money'
import type { Fen } from '../money'
import { batchKeySchema } from '../batches'
import { recordsSpan } from '../dateRange'
import { dateRangeFields, dateRangeRefinement, idSchema } from './etc'
import {
  maxAllocationCards,
  maxRechargeFen,
  minRechargeFen,
  paymentChannels,
  type PaymentChannel,
  type RechargeStatus,
} from '../moneyRules'

export * from '../moneyRules'

/**
 * Stored-value funds (seed 001 §2.8): recharge with WeChat Pay or Alipay, pre-allocation of the
 * account's available balance to cards, and the records. Every amount is a sum over the ledger
 * (cloudfunctions/core/ledger); conventions as in types/actions/etc.ts (ISO instants, masked card
 * numbers, cursor paging with `total`).
 */

type Instant = string

const empty = z.object({}).strict()

const amountSchema = fenSchema
  .refine((v) => v >= minRechargeFen, '充值金额最少0.01元')
  .refine((v) => v <= maxRechargeFen, '单笔充值金额最多100,000.00元')

const allocationAmountSchema = fenSchema
  .refine((v) => v >= 1, '分配金额最少0.01元')
  .refine((v) => v <= maxRechargeFen, '单车分配金额最多100,000.00元')

export const rechargeTargetSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('account') }).strict(),
    z.object({ kind: z.literal('card'), cardId: idSchema }).strict(),
  ],
  { error: '请选择充值到用户账户或ETC通行卡' },
)
export type RechargeTarget = z.infer<typeof rechargeTargetSchema>

export const moneyRequestSchemas = {
  /** 可用余额, the recharge window, the channels this caller can pay with, stored-value card count. */
  'money.summary': empty,
  /** The account's stored-value cards with their unloaded amounts (预分配 table), by plate. */
  'money.cards': z
    .object({ plate: plateSchema.optional(), cursor: cursorSchema, limit: pageLimitSchema })
    .strict(),
  /**
   * A new recharge order (or, for the same `key`, the order it already made). The payer comes from
   * the platform: WeChat's OPENID, or Alipay's user id from `alipayAuthCode` (my.getAuthCode).
   */
  'recharge.create': z
    .object({
      key: batchKeySchema,
      target: rechargeTargetSchema,
      amount: amountSchema,
      channel: z.enum(paymentChannels, { error: '请选择充值方式' }),
      alipayAuthCode: z.string().trim().min(1).max(128).optional(),
    })
    .strict(),
  /**
   * The order as the server knows it. While it is pending the server asks the provider first, so
   * the result page polls this after wx.requestPayment / my.tradePay whatever they answered.
   */
  'recharge.status': z.object({ orderNo: z.string().regex(/^R\d{8,30}$/, '订单编号不正确') }).strict(),
  /** 充值记录, newest first. */
  'recharge.list': z
    .object({ ...dateRangeFields, cursor: cursorSchema, limit: pageLimitSchema })
    .strict()
    .superRefine(dateRangeRefinement(recordsSpan)),
  /**
   * 预分配. `even`: `perCard` to every receiving card (total = perCard × cards); `all`: the whole
   * available balance split evenly, fen remainders to the first cards by plate; `custom`: chosen
   * cards, an amount each. Only 已发行 stored-value cards receive. The same `key` never allocates twice.
   */
  'allocation.apply': z
    .object({
      key: batchKeySchema,
      allocation: z.discriminatedUnion(
        'mode',
        [
          z.object({ mode: z.literal('even'), perCard: allocationAmountSchema }).strict(),
          z.object({ mode: z.literal('all') }).strict(),
          z
            .object({
              mode: z.literal('custom'),
              items: z
                .array(z.object({ cardId: idSchema, amount: allocationAmountSchema }).strict(), {
                  error: '请选择车辆',
                })
                .min(1, '请至少为一辆车填写分配金额')
                .max(maxAllocationCards, `一次最多分配${maxAllocationCards}辆车`),
            })
            .strict(),
        ],
        { error: '请选择分配方式' },
      ),
    })
    .strict(),
  /** 预分配记录, newest first. */
  'allocation.list': z
    .object({ ...dateRangeFields, cursor: cursorSchema, limit: pageLimitSchema })
    .strict()
    .superRefine(dateRangeRefinement(recordsSpan)),
} as const

// ---------------------------------------------------------------- responses

export interface MoneySummary {
  /** 可用余额 (未预分配金额). */
  available: Fen
  /** Masked account name (当前账户). */
  accountName: string
  storedCards: number
  /** Stored-value cards that can receive funds (已发行). */
  receivingCards: number
  /** False 22:00–02:00 Beijing time. */
  rechargeOpen: boolean
  rechargeNotice: string
  /** What this caller can pay with here (WeChat program: wechat; Alipay program: alipay). */
  channels: PaymentChannel[]
  limits: { min: Fen; max: Fen }
}

export interface StoredCardFunds {
  cardId: string
  vehicleId: string
  plate: string
  plateColor: PlateColor
  /** Masked 20-digit card number. */
  cardNo: string
  status: CardStatus
  /** 卡上未圈存金额. */
  unloaded: Fen
  /** 已发行: may receive a recharge or an allocation. */
  canReceive: boolean
}

/** What the client needs to open the provider's cashier. */
export type PaymentLaunch =
  /** wx.requestPayment's parameters, as cloudPay.unifiedOrder returns them. */
  | {
      provider: 'wechat'
      payment: {
        appId?: string
        timeStamp: string
        nonceStr: string
        package: string
        signType: string
        paySign: string
      }
    }
  /** my.tradePay({ tradeNO }). */
  | { provider: 'alipay'; tradeNo: string }

export interface RechargeOrderView {
  orderNo: string
  amount: Fen
  channel: PaymentChannel
  /** 充值来源: 微信小程序 / 支付宝小程序 / 网站. */
  source: string
  status: RechargeStatus
  /** 用户账户, or the card's plate and masked number. */
  target: { kind: 'account' } | { kind: 'card'; cardId: string; plate: string; cardNo: string }
  /** Where the money went when it was credited (an account recharge may go to its only card). */
  creditedTo: { kind: 'account' } | { kind: 'card'; cardId: string; plate: string; cardNo: string } | null
  createdAt: Instant
  expiresAt: Instant
  paidAt: Instant | null
  /** The provider's transaction number (充值交易流水号) once paid. */
  providerTradeNo: string | null
  /**
   * The recharge's invoice (invoices.issue with a recharge source), null while it has none;
   * answers written before the field existed leave it out.
   */
  invoiceId?: string | null
}

export interface RechargeLaunch {
  order: RechargeOrderView
  launch: PaymentLaunch
  /**
   * Only where the server runs the local payment sandbox (`npm start`, tests): the path whose POST
   * plays the payer, after which the provider notifies as it would in production.
   */
  sandboxCashier: string | null
}

export interface AllocationPart {
  cardId: string
  plate: string
  cardNo: string
  amount: Fen
}

export interface AllocationResult {
  allocationId: string
  total: Fen
  parts: AllocationPart[]
  /** 可用余额 after this allocation. */
  available: Fen
}

export interface AllocationRecord extends AllocationPart {
  allocationId: string
  at: Instant
  /** 数据来源: 微信小程序 / 支付宝小程序 / 网站 / 充值自动分配. */
  source: string
}

export interface RechargeRecordsPage extends Page<RechargeOrderView> {
  from: string
  to: string
}

export interface AllocationRecordsPage extends Page<AllocationRecord> {
  from: string
  to: string
}

export interface MoneyResponses {
  'money.summary': MoneySummary
  'money.cards': Page<StoredCardFunds>
  'recharge.create': RechargeLaunch
  'recharge.status': RechargeOrderView
  'recharge.list': RechargeRecordsPage
  'allocation.apply': AllocationResult
  'allocation.list': AllocationRecordsPage
}
