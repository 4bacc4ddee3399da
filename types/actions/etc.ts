import { z } from 'zod'
import { cursorSchema, pageLimitSchema, plateSchema, type Page } from '../common'
import {
  cardStatuses,
  type CardStatus,
  type CardType,
  type PlateColor,
  type TagStatus,
  type UserType,
} from '../enums'
import type { Fen } from '../money'
import type { AccountSummary } from './auth'
import {
  dateRangeProblems,
  isCalendarDate,
  oneYearSpan,
  type DateRangeInput,
  type DateSpan,
} from '../dateRange'
import { batchKeySchema, continuationSchema, type BatchProgress } from '../batches'

/**
 * User center (seed 001 §2.4) and ETC management (§2.5): vehicles, cards, tags, extended
 * (parking) authorization.
 *
 * Conventions of every response here:
 * - Times are ISO-8601 UTC instants (`Instant`); the client shows them in Asia/Shanghai
 *   (dates as YYYY-MM-DD, times as YYYY-MM-DD HH:mm:ss).
 * - Card and tag numbers, names, phones and ID numbers are always masked (domain.md Masking).
 * - Money is integer fen. Stored-value balances only travel unmasked through `cards.balances`.
 * - Ids of another account answer NOT_FOUND ('记录不存在'), exactly like ids that do not exist.
 * - Lists page with `cursor`/`nextCursor`, carry `total` for "共 N 条", and the client must send
 *   the same filters with every page.
 */

type Instant = string

const empty = z.object({}).strict()

/** Document ids as the server handed them out; anything else cannot exist. */
export const idSchema = z
  .string({ error: '记录编号不正确' })
  .trim()
  .min(1, '记录编号不正确')
  .max(64, '记录编号不正确')
  .regex(/^[A-Za-z0-9_-]+$/, '记录编号不正确')

/** ETC card (CPU card) numbers are exactly 20 digits. */
export const cardNoSchema = z
  .string({ error: '请输入通行卡卡号' })
  .trim()
  .regex(/^\d{20}$/, '通行卡卡号应为20位数字')

/** OBU (tag) numbers are 16 digits. */
export const tagNoSchema = z
  .string({ error: '请输入标签编号' })
  .trim()
  .regex(/^\d{16}$/, '标签编号应为16位数字')

/** A calendar day in Asia/Shanghai, YYYY-MM-DD, that really exists (no 2025-02-30). */
export const shanghaiDateSchema = z
  .string({ error: '日期格式不正确，应为YYYY-MM-DD' })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式不正确，应为YYYY-MM-DD')
  .refine(isCalendarDate, '日期不存在，请检查年月日')

/**
 * The `from`/`to` fields of a date filter and its rule (types/dateRange.ts): spread the fields into
 * the request object and `.superRefine(dateRangeRefinement(span))` it. The schema checks order and
 * span when both ends are sent; the action defaults the missing ends and checks the future against
 * the server's clock (`resolveDateRange`), so every filter answers the same messages.
 */
export const dateRangeFields = {
  from: shanghaiDateSchema.optional(),
  to: shanghaiDateSchema.optional(),
}

export function dateRangeRefinement(span: DateSpan) {
  return (value: DateRangeInput, ctx: z.RefinementCtx<DateRangeInput>): void => {
    if (value.from === undefined || value.to === undefined) return
    for (const problem of dateRangeProblems({ from: value.from, to: value.to }, span))
      ctx.addIssue({ code: 'custom', path: [problem.field], message: problem.message })
  }
}

/** 'all' lifts the status filter; the portal's default is 已发行. */
export const cardStatusFilterSchema = z.enum([...cardStatuses, 'all'], { error: '通行卡状态不正确' })
export type CardStatusFilter = z.infer<typeof cardStatusFilterSchema>

export const statusListFilterSchema = z.enum(['normal', 'listed'], { error: '状态名单筛选不正确' })

/** Most vehicle ids one parking.set may list (the portal's largest page); larger sets go by filter. */
export const maxParkingBatch = 200
/** Most stored-value cards one cards.balances call may reveal (one page). */
export const maxBalanceCards = 50

/** Shown on the stored-value tab (seed 001 §2.5.2). */
export const storedBalanceNote = '由于通行信息滞后，实际金额与网站显示金额存在误差，仅供参考！'

export const etcRequestSchemas = {
  /** User center header: basic info, vehicle count, the first page of valid vehicles. */
  'account.me': empty,
  /** 用户基本信息. */
  'account.profile': empty,
  'vehicles.list': z
    .object({
      scope: z.enum(['current', 'history'], { error: '车辆范围不正确' }).default('current'),
      plate: plateSchema.optional(),
      /**
       * Omitted: current vehicles show 已发行 only (the seed's default); history vehicles show
       * every status (their cards are cancelled). The applied value is echoed in the response.
       */
      cardStatus: cardStatusFilterSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict(),
  'vehicles.detail': z.object({ vehicleId: idSchema }).strict(),
  'cards.list': z
    .object({
      type: z.enum(['credit', 'stored'], { error: '请选择记账卡或储值卡' }),
      plate: plateSchema.optional(),
      cardNo: cardNoSchema.optional(),
      status: cardStatusFilterSchema.default('issued'),
      statusList: statusListFilterSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict(),
  /** The explicit "show" action of the stored tab: unmasked balances of the caller's own cards. */
  'cards.balances': z
    .object({
      cardIds: z
        .array(idSchema, { error: '请选择通行卡' })
        .min(1, '请选择通行卡')
        .max(maxBalanceCards, `一次最多查看${maxBalanceCards}张卡的余额`),
    })
    .strict(),
  'cards.detail': z.object({ cardId: idSchema }).strict(),
  /**
   * Status-list records of one card, newest first, whose start day lies in from..to: at most one
   * year, not in the future; missing ends default to today and the year before it (echoed back).
   */
  'cards.statusList': z
    .object({ cardId: idSchema, ...dateRangeFields, cursor: cursorSchema, limit: pageLimitSchema })
    .strict()
    .superRefine(dateRangeRefinement(oneYearSpan)),
  'tags.list': z
    .object({
      tagNo: tagNoSchema.optional(),
      plate: plateSchema.optional(),
      status: cardStatusFilterSchema.default('issued'),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict(),
  'tags.detail': z.object({ tagId: idSchema }).strict(),
  /** Current (valid) vehicles with their parking authorization, by plate. */
  'parking.list': z
    .object({ plate: plateSchema.optional(), cursor: cursorSchema, limit: pageLimitSchema })
    .strict(),
  /**
   * Per-vehicle switch (one id), batch on/off of the selected ids, or of every current vehicle
   * matching parking.list's filter (全选全部 N 辆, any fleet size). A fleet batch
   * (types/batches.ts): send the same request with the same `batchKey` until `state` is 'done',
   * adding the answer's `continuation`; after a failure, send it again to finish the batch.
   */
  'parking.set': z
    .object({
      batchKey: batchKeySchema,
      continuation: continuationSchema.optional(),
      vehicleIds: z
        .array(idSchema, { error: '请选择车辆' })
        .min(1, '请选择车辆')
        .max(maxParkingBatch, `一次最多选择${maxParkingBatch}辆车，更多车辆请用“全选全部”`)
        .optional(),
      allMatching: z
        .object({ plate: plateSchema.optional() }, { error: '筛选条件不正确' })
        .strict()
        .optional(),
      authorized: z.boolean({ error: '请选择开启或关闭授权' }),
    })
    .strict()
    .superRefine((value, ctx) => {
      if ((value.vehicleIds === undefined) === (value.allMatching === undefined))
        ctx.addIssue({ code: 'custom', path: ['vehicleIds'], message: '请选择车辆' })
    }),
} as const

// ---------------------------------------------------------------- shared pieces

/** Payment agreement of a credit card (签约信息). Stored-value cards have none. */
export interface SigningInfo {
  /** 中国银行 / 中国工商银行 / 支付宝 / 微信 … */
  channel: string
  signedAt: Instant
  status: 'signed' | 'unsigned'
}

export interface CardInfo {
  id: string
  /** Masked: 1811*****9788 */
  cardNo: string
  type: CardType
  status: CardStatus
  /** 状态名单 column: true = 状态名单 (a record is open now), false = 正常. */
  inStatusList: boolean
  issuedAt: Instant
  updatedAt: Instant
  /** False for cancelled cards: the seed forbids their detail (and balances). */
  canViewDetail: boolean
}

export interface TagInfo {
  id: string
  /** Masked: 3301*****5430 */
  tagNo: string
  brand: string
  /** e.g. 蓝牙 model name */
  model: string
  /** 办理网点 */
  outlet: string
  issuedAt: Instant
  status: TagStatus
}

export interface VehicleSummary {
  id: string
  plate: string
  plateColor: PlateColor
  cardType: CardType
  /** Masked: 1811*****9788 */
  cardNo: string
  cardStatus: CardStatus
  /** Masked tag number, null when the vehicle has no tag. */
  tagNo: string | null
  tagStatus: TagStatus | null
  /** Credit cards only: whether a payment agreement is signed; null for stored-value. */
  signed: boolean | null
  /** Credit cards only (user center: credit vehicles show tag + card + signing); null otherwise. */
  signing: SigningInfo | null
}

// ---------------------------------------------------------------- user center

export interface UserProfile {
  userType: UserType
  /** 个人用户 / 单位用户 */
  userTypeLabel: string
  /** Masked: 张* / 杭州**物流有限公司 */
  name: string
  /** 身份证 / 统一社会信用代码 … */
  idType: string
  /** Masked: 330***********2718 */
  idNumber: string
  /** Masked reserved phone (personal) or agent phone (unit): 137****2756 */
  phone: string
  /** Units only, masked: 王* */
  agentName: string | null
}

export interface Me {
  account: AccountSummary
  /** Masked: 137****2756 */
  phone: string
  /** Current (valid) vehicles of the account, any card status. */
  vehicleCount: number
  /** The stored-value menu shows only when a vehicle has a stored-value card or the account holds funds. */
  showStoredValueMenu: boolean
  profile: UserProfile
  /**
   * First 10 valid vehicles (plate order). More: vehicles.list
   * { scope: 'current', cardStatus: 'all', cursor: validVehicles.nextCursor }.
   */
  validVehicles: Page<VehicleSummary>
}

// ---------------------------------------------------------------- vehicles

export interface VehiclesPage extends Page<VehicleSummary> {
  /** The status filter actually applied (the default when the request left it out). */
  cardStatus: CardStatusFilter
  /**
   * Vehicles of the same scope (and plate) that the status filter leaves out, e.g. the 7 with a
   * lost or frozen card behind "共 193 条（已发行）"; 0 when the filter is 'all'.
   */
  hiddenByStatus: number
}

export interface InvoiceTitleInfo {
  id: string
  /** Buyer name printed on invoices (personal names are shown masked). */
  title: string
  /** Units only; masked like an ID number. */
  taxNumber: string | null
  isDefault: boolean
}

export interface VehicleDetail {
  vehicle: {
    id: string
    plate: string
    plateColor: PlateColor
    scope: 'current' | 'history'
    parkingAuthorized: boolean
    createdAt: Instant
  }
  /** The card the vehicle uses now (for history vehicles: its last card). */
  card: CardInfo | null
  tag: TagInfo | null
  /** Earlier cards of this vehicle (replaced/cancelled), newest first. */
  cardHistory: CardInfo[]
  /** Earlier tags of this vehicle, newest first. */
  tagHistory: TagInfo[]
  /** Credit cards only; null for stored-value cards and unsigned credit cards. */
  signing: SigningInfo | null
  invoiceTitles: InvoiceTitleInfo[]
}

// ---------------------------------------------------------------- cards

export interface CardRow extends CardInfo {
  plate: string
  plateColor: PlateColor
  /**
   * Stored-value rows: always null in cards.list, with balanceHidden true (the seed's ****);
   * call cards.balances to show them. Credit rows: null with balanceHidden false (no purse).
   */
  balance: Fen | null
  unloaded: Fen | null
  balanceHidden: boolean
}

export interface CardsPage extends Page<CardRow> {
  type: CardType
  /** Stored tab only (null on the credit tab): 储值账户未预分配金额 and the lag note. */
  stored: { unallocatedBalance: Fen; note: string } | null
}

export interface CardBalance {
  cardId: string
  /** 卡上余额, fen, as last reported by the issuer. */
  balance: Fen
  /** 卡上未圈存金额, fen. */
  unloaded: Fen
  /** When the issuer last reported the card (the note: figures lag real usage). */
  updatedAt: Instant
}

export interface CardDetail {
  card: CardInfo & { plate: string; plateColor: PlateColor }
  /** Credit cards only. */
  signing: SigningInfo | null
}

export interface StatusListRow {
  id: string
  startAt: Instant
  /** null while the card is still listed. */
  endAt: Instant | null
  /** 当前是否在状态名单内 */
  current: boolean
  /** 产生原因: 冻结 / 保证金不够冻结 … */
  reason: string
}

export interface StatusListPage extends Page<StatusListRow> {
  /** The start-day range actually applied (the defaults when the request left ends out). */
  from: string
  to: string
}

// ---------------------------------------------------------------- tags

export interface TagRow extends TagInfo {
  plate: string
  plateColor: PlateColor
}

export interface TagDetail {
  tag: TagRow
}

// ---------------------------------------------------------------- extended (parking) authorization

export interface ParkingRow {
  vehicleId: string
  plate: string
  plateColor: PlateColor
  authorized: boolean
  /** 上次操作时间; null when never switched. */
  lastOperatedAt: Instant | null
}

/** A fleet batch's progress (types/batches.ts) plus the rows this call switched or re-confirmed. */
export interface ParkingSetResult extends BatchProgress {
  /** Vehicles processed by this call, as they are now, in processing order (not earlier calls'). */
  items: ParkingRow[]
}

export interface EtcResponses {
  'account.me': Me
  'account.profile': UserProfile
  'vehicles.list': VehiclesPage
  'vehicles.detail': VehicleDetail
  'cards.list': CardsPage
  'cards.balances': { items: CardBalance[] }
  'cards.detail': CardDetail
  'cards.statusList': StatusListPage
  'tags.list': Page<TagRow>
  'tags.detail': TagDetail
  'parking.list': Page<ParkingRow>
  'parking.set': ParkingSetResult
}
