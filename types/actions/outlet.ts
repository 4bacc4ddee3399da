import { z } from 'zod'
import type { PlateColor } from '../enums'
import type { Fen } from '../money'
import { batchKeySchema } from '../batches'
import { cursorSchema, pageLimitSchema, plateSchema, type Page } from '../common'
import { thirtyDaySpan } from '../dateRange'
import { maxRechargeFen, minRechargeFen } from '../moneyRules'
import { fenSchema } from '../schemas/money'
import { plateColorSchema } from '../schemas/enums'
import { dateRangeFields, dateRangeRefinement, idSchema } from './etc'
import {
  loadRequestSchemas,
  type LoadInitialized,
  type LoadRecovered,
  type LoadState,
  type LoadView,
} from './load'

/**
 * The outlet operator's load tools (issue 10, seeds 002/003), for operators with the role 'outlet'
 * and only for the loads started at their own outlet (a driver's own loads and other outlets'
 * loads answer NOT_FOUND). The card work is the roadside load saga's: the operator's handset relays
 * the same APDUs the phone does (outlet.load.* mirror load.*), keys never leave the server.
 *
 * 充值记录 lists an outlet's loads of one plate and colour over at most 30 Shanghai days. A record is
 * 已圈存 when the card may hold its money (a MAC2 was issued for it) and 未圈存 when it provably
 * does not. Resetting 已圈存 → 未圈存 takes a FRESH INITIALIZE FOR LOAD reply (`readApdu` of the
 * detail) whose MAC1 verifies, whose random is new for the card and which shows the serial and
 * balance the load was issued at; a record the card's TAC confirmed is never reset.
 */

type Instant = string

const cardNoSchema = z
  .string({ error: '请先读卡' })
  .trim()
  .regex(/^\d{20}$/, '通行卡卡号应为20位数字')

/** Seed 002: the outlet enters at most 100,000.00 yuan. */
const outletAmountSchema = fenSchema
  .refine((v) => v >= minRechargeFen, '充值金额最少0.01元')
  .refine((v) => v <= maxRechargeFen, '单笔充值金额最多100,000.00元')

export const outletRequestSchemas = {
  /** 充值记录: plate and colour required, Shanghai days, at most 30 days at a time, newest first. */
  'outlet.records.list': z
    .object({
      plate: plateSchema,
      plateColor: plateColorSchema,
      ...dateRangeFields,
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine(dateRangeRefinement(thirtyDaySpan)),
  'outlet.records.detail': z.object({ recordId: idSchema }).strict(),
  /**
   * 未圈存: `response` is the card's reply to the detail's `readApdu`, read just now. Audited whether
   * it is allowed or refused.
   */
  'outlet.records.reset': z
    .object({ recordId: idSchema, response: loadRequestSchemas['load.recover'].shape.response })
    .strict(),
  /**
   * 圈存 at the outlet: a 未圈存 record of today loaded again (`recordId`, its amount), or the read
   * card's unloaded funds (`cardNo` from file 0015; `amount` a part of them).
   */
  'outlet.load.start': z
    .object({
      key: batchKeySchema,
      recordId: idSchema.optional(),
      cardNo: cardNoSchema.optional(),
      amount: outletAmountSchema.optional(),
    })
    .strict()
    .superRefine((value, ctx) => {
      if ((value.recordId === undefined) === (value.cardNo === undefined))
        ctx.addIssue({ code: 'custom', path: ['recordId'], message: '请选择充值记录或先读卡' })
      if (value.recordId !== undefined && value.amount !== undefined)
        ctx.addIssue({ code: 'custom', path: ['amount'], message: '重新圈存的金额即原充值记录的金额' })
    }),
  /**
   * 在线支付 by code: the read card (`cardNo` from file 0015) and the amount; the answer's `path` is
   * the mini-program page the customer opens to pay. The same `key` answers the same intent.
   */
  'outlet.recharge.create': z
    .object({ key: batchKeySchema, cardNo: cardNoSchema, amount: outletAmountSchema })
    .strict(),
  /** Whether the customer paid; once `paid`, outlet.load.start writes the card. */
  'outlet.recharge.status': z.object({ intentId: idSchema }).strict(),
  /**
   * The customer's page (a logged-in driver, the card's own account): what the code asks to pay.
   * It then pays with recharge.create { key: intentId, target: { kind: 'card', cardId }, amount }.
   */
  'outlet.recharge.intent': z.object({ intentId: idSchema }).strict(),
  'outlet.load.init': loadRequestSchemas['load.init'],
  'outlet.load.confirm': loadRequestSchemas['load.confirm'],
  'outlet.load.recover': loadRequestSchemas['load.recover'],
  'outlet.load.status': loadRequestSchemas['load.status'],
} as const

// ---------------------------------------------------------------- responses

/** 已圈存 / 未圈存 (labels: outletRecordStateLabels in types/outletRules.ts). */
export type OutletRecordState = 'loaded' | 'not_loaded'

export interface OutletRecord {
  recordId: string
  /** Masked card number. */
  cardNo: string
  plate: string
  plateColor: PlateColor
  /** The card's balance the load was issued at (authenticated), once initialized. */
  balanceBefore: Fen | null
  amount: Fen
  /** 已圈存: balance before + amount, what the card holds with this load on it (TAC-confirmed when `proven`); 未圈存: null. */
  balanceAfter: Fen | null
  createdAt: Instant
  state: OutletRecordState
  /** 已圈存 proven by the card's TAC: never reset. False for 已圈存: a MAC2 was issued, not settled. */
  proven: boolean
  loadState: LoadState
  /** The load that loaded this 未圈存 record again, if any. */
  reloadedBy: string | null
  /** 已圈存 without proof: may be reset after reading the card. */
  canReset: boolean
  /** 未圈存 of today, not loaded again yet: may be loaded again. */
  canReload: boolean
}

/** 卡内余额 X 元，圈存金额 Y 元，是否圈存？ — X and Y in fen, and the sentence as shown. */
export interface LoadConfirmPrompt {
  /** The card's balance as last authenticated (null: never read by the server). */
  balance: Fen | null
  amount: Fen
  message: string
}

export interface OutletRecordDetail extends OutletRecord {
  /** INITIALIZE FOR LOAD of this record (its amount and terminal) to read the card before a reset. */
  readApdu: string | null
  /** For 圈存 of a reloadable record. */
  confirm: LoadConfirmPrompt | null
}

export interface OutletReset {
  record: OutletRecordDetail
  /** What the authenticated reading showed. */
  reading: { balance: Fen; onlineSerial: number }
  confirm: LoadConfirmPrompt
}

export interface OutletLoadStarted {
  load: LoadView
  initApdu: string
  confirm: LoadConfirmPrompt
}

/**
 * awaiting: nobody paid yet; paying: the customer's order is open; paid: the amount is in the card's
 * unloaded funds, write the card; closed: the code expired unpaid or the order closed/refunded.
 */
export type OutletRechargeStatus = 'awaiting' | 'paying' | 'paid' | 'closed'

export interface OutletRechargeView {
  intentId: string
  /** Masked card number. */
  cardNo: string
  plate: string
  plateColor: PlateColor
  amount: Fen
  status: OutletRechargeStatus
  /** The customer's recharge order, once opened. */
  orderNo: string | null
  expiresAt: Instant
  /** The mini-program page (with its query) the code opens. */
  path: string
}

/** What the customer's page shows and pays. */
export interface OutletRechargeIntent {
  intentId: string
  cardId: string
  cardNo: string
  plate: string
  plateColor: PlateColor
  amount: Fen
  expiresAt: Instant
  status: OutletRechargeStatus
}

export interface OutletResponses {
  'outlet.recharge.create': OutletRechargeView
  'outlet.recharge.status': OutletRechargeView
  'outlet.recharge.intent': OutletRechargeIntent
  'outlet.records.list': Page<OutletRecord>
  'outlet.records.detail': OutletRecordDetail
  'outlet.records.reset': OutletReset
  'outlet.load.start': OutletLoadStarted
  'outlet.load.init': LoadInitialized
  'outlet.load.confirm': { load: LoadView }
  'outlet.load.recover': LoadRecovered
  'outlet.load.status': { load: LoadView }
}
