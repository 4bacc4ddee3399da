// contract: ready
import { z } from 'zod'
import { cursorSchema, pageLimitSchema, plateSchema, type Page } from '../common'
import { tripScenes, type CardType, type PlateColor, type TripScene } from '../enums'
import type { Fen } from '../money'
import { fenSchema } from '../schemas/money'
import { dateRangeProblems, oneYearSpan } from '../dateRange'
import { cardNoSchema, dateRangeFields, dateRangeRefinement, idSchema, shanghaiDateSchema } from './etc'
import {
  billPeriods,
  billScenes,
  isPeriodKey,
  maxIngestTrips,
  maxPeriodsPerQuery,
  maxTrendMonths,
  monthsBetween,
  periodKeyPatterns,
  periodsBetween,
  refundScenes,
  type BillPeriod,
  type BillScene,
  type RefundScene,
  type RefundStatus,
} from '../billRules'

export * from '../billRules'

/**
 * Bills, trips and refunds (seed 001 §2.6: 账单查询, 通行流水查询, 退费记录查询). Conventions as in
 * types/actions/etc.ts: ISO instants, masked card numbers, money in fen, cursor paging with
 * `total` (共 N 条); the client sends the same filters with every page. Bills are keyed by the
 * trip's exit time in Asia/Shanghai; the previous month's bill shows from the 16th (billRules.ts).
 *
 * Trips come from the clearing side (`trips.ingest`, an operator action of role `clearing`), one
 * per exit; the server keeps per vehicle, card, month and scene rollups beside them, which answer
 * the statistics.
 */

type Instant = string

const periodKeyMessage = '统计时间格式不正确'

/** YYYY-MM of a bill month. */
export const billMonthSchema = z
  .string({ error: '月份格式不正确，应为YYYY-MM' })
  .trim()
  .regex(periodKeyPatterns.month, '月份格式不正确，应为YYYY-MM')

const periodSchema = z.enum(billPeriods, { error: '统计方式不正确' })

/** Period keys are checked against the chosen period in the object refinement. */
const periodKeySchema = z
  .string({ error: periodKeyMessage })
  .trim()
  .min(4, periodKeyMessage)
  .max(7, periodKeyMessage)

export const billSceneFilterSchema = z.enum([...billScenes, 'all'], { error: '账单场景不正确' })
export type BillSceneFilter = z.infer<typeof billSceneFilterSchema>

export const billsRequestSchemas = {
  /**
   * 账单统计: one row per vehicle, card and period (按月 2024-11 / 按季度 2024-Q4 / 按年 2024),
   * periods from..to inclusive (at most maxPeriodsPerQuery), from the rollups. Periods the bill
   * rule hides (this month; last month until the 16th) answer nothing for those months; a period
   * wholly in the future or before the account existed answers INVALID_INPUT.
   */
  'bills.statistics': z
    .object({
      period: periodSchema,
      from: periodKeySchema,
      to: periodKeySchema,
      plate: plateSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine((value, ctx) => {
      for (const field of ['from', 'to'] as const)
        if (!isPeriodKey(value.period, value[field]))
          ctx.addIssue({ code: 'custom', path: [field], message: periodKeyMessage })
      if (!isPeriodKey(value.period, value.from) || !isPeriodKey(value.period, value.to)) return
      if (value.from > value.to)
        ctx.addIssue({ code: 'custom', path: ['to'], message: '开始时间不能晚于结束时间' })
      else if (periodsBetween(value.period, value.from, value.to).length > maxPeriodsPerQuery[value.period])
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `统计时间最多${maxPeriodsPerQuery[value.period]}${periodUnit[value.period]}`,
        })
    }),
  /**
   * Trend chart: net bill per month (fromMonth..toMonth, at most maxTrendMonths) for the account or
   * one vehicle, and the vehicles with the largest totals over those months.
   */
  'bills.trend': z
    .object({
      fromMonth: billMonthSchema,
      toMonth: billMonthSchema,
      vehicleId: idSchema.optional(),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.fromMonth > value.toMonth)
        ctx.addIssue({ code: 'custom', path: ['toMonth'], message: '开始月份不能晚于结束月份' })
      else if (monthsBetween(value.fromMonth, value.toMonth).length > maxTrendMonths)
        ctx.addIssue({ code: 'custom', path: ['toMonth'], message: `最多查询${maxTrendMonths}个月` })
    }),
  /**
   * 账单明细 of one period (按月/按季度/按年, keyed on exit time), newest exit first. Scene `all`
   * lists trips and, after each refunded trip, its refund as a row of its own (scene `refund`,
   * negative amount); `refund` lists refunds only. Totals net the refunds. A page holds `limit`
   * trips, so under `all` it may show a few more rows (their refunds); `total` counts rows.
   */
  'bills.details': z
    .object({
      scene: billSceneFilterSchema.default('all'),
      period: periodSchema,
      key: periodKeySchema,
      plate: plateSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine((value, ctx) => {
      if (!isPeriodKey(value.period, value.key))
        ctx.addIssue({ code: 'custom', path: ['key'], message: periodKeyMessage })
    }),
  /**
   * 通行流水 of one scene, exit time within from..to (Shanghai days, at most a year, defaults as
   * types/dateRange.ts), newest first, with the statistics bar over the whole filter.
   */
  'trips.list': z
    .object({
      scene: z.enum(tripScenes, { error: '通行场景不正确' }),
      plate: plateSchema.optional(),
      ...dateRangeFields,
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine(dateRangeRefinement(oneYearSpan)),
  /** 通行详情: the trip, its payment and its invoice (if one was issued). */
  'trips.detail': z.object({ tripId: idSchema }).strict(),
  /**
   * 退费记录 of a scene. Two date filters, each bounded like every date filter: 通行时间
   * (tripFrom/tripTo) and 退费日期 (refundFrom/refundTo). Neither sent: the trip filter applies
   * with its defaults (the last year).
   */
  'refunds.list': z
    .object({
      scene: z.enum(refundScenes, { error: '退费场景不正确' }),
      plate: plateSchema.optional(),
      tripFrom: shanghaiDateSchema.optional(),
      tripTo: shanghaiDateSchema.optional(),
      refundFrom: shanghaiDateSchema.optional(),
      refundTo: shanghaiDateSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine((value, ctx) => {
      const filters = [
        ['tripFrom', 'tripTo', value.tripFrom, value.tripTo],
        ['refundFrom', 'refundTo', value.refundFrom, value.refundTo],
      ] as const
      for (const [fromField, toField, from, to] of filters) {
        if (from === undefined || to === undefined) continue
        for (const problem of dateRangeProblems({ from, to }, oneYearSpan))
          ctx.addIssue({
            code: 'custom',
            path: [problem.field === 'from' ? fromField : toField],
            message: problem.message,
          })
      }
    }),
  /**
   * Clearing side → server: trips as they are cleared, one per exit. Idempotent by `tripId`: the
   * same content again changes nothing; new content replaces the trip and moves the rollups by
   * the difference. Unknown cards are reported per trip, never half-written.
   */
  'trips.ingest': z
    .object({
      trips: z
        .array(
          z
            .object({
              tripId: idSchema,
              cardNo: cardNoSchema,
              scene: z.enum(tripScenes, { error: '通行场景不正确' }),
              entryStation: z.string().trim().min(1).max(64).nullable(),
              exitStation: z.string().trim().min(1, '请填写出口站点').max(64),
              entryAt: z.iso.datetime({ error: '入口时间格式不正确' }).nullable(),
              exitAt: z.iso.datetime({ error: '出口时间格式不正确' }),
              amount: fenSchema,
              discount: fenSchema,
              deductionDate: shanghaiDateSchema,
              refund: z
                .object({
                  state: z.enum(['refunding', 'refunded'], { error: '退费状态不正确' }),
                  amount: fenSchema,
                  at: z.iso.datetime({ error: '退费时间格式不正确' }),
                })
                .strict()
                .nullable()
                .default(null),
            })
            .strict(),
          { error: '请提供通行记录' },
        )
        .min(1, '请提供通行记录')
        .max(maxIngestTrips, `一次最多提交${maxIngestTrips}条通行记录`),
    })
    .strict(),
} as const

const periodUnit: Record<BillPeriod, string> = { month: '个月', quarter: '个季度', year: '年' }

// ---------------------------------------------------------------- responses

/** Money of a set of trips: gross tolls, discounts, refunds and the net bill. */
export interface BillTotals {
  /** Trips counted (refund rows not included). */
  count: number
  /** Gross tolls charged (收费金额). */
  amount: Fen
  discount: Fen
  /** Refunded (已退款) on those trips; refunds still in progress are not netted. */
  refunded: Fen
  /** amount − refunded: what the bill comes to (总金额). */
  net: Fen
}

/** 账单统计 row. */
export interface BillStatisticsRow extends BillTotals {
  vehicleId: string
  plate: string
  plateColor: PlateColor
  cardId: string
  /** Masked. */
  cardNo: string
  /** 2024 / 2024-Q4 / 2024-11 */
  periodKey: string
  /** 2024年 / 2024年第4季度 / 2024年11月 */
  periodLabel: string
}

export interface BillStatisticsPage extends Page<BillStatisticsRow> {
  period: BillPeriod
  /** The latest month the bill rule lets show today (YYYY-MM). */
  latestMonth: string
  /** Over every row of the filter. */
  totals: BillTotals
  /** 当月15日之后查询上月的账单 */
  notice: string
}

export interface TrendPoint {
  month: string
  count: number
  amount: Fen
  refunded: Fen
  net: Fen
}

export interface VehicleTrend {
  vehicleId: string
  plate: string
  plateColor: PlateColor
  net: Fen
  count: number
}

export interface BillTrend {
  /** Every month fromMonth..toMonth up to latestMonth, zeros included. */
  months: TrendPoint[]
  /** Largest net first, at most 20. */
  vehicles: VehicleTrend[]
  /** Vehicles with any trip in those months. */
  vehicleCount: number
  latestMonth: string
}

/** 账单明细 row: a trip, or (scene refund) the refund of one. */
export interface BillDetailRow {
  /** tripId, or `${tripId}:refund` for the refund row. */
  id: string
  tripId: string
  plate: string
  plateColor: PlateColor
  scene: BillScene
  sceneLabel: string
  /** 通行时间 (exit). */
  exitAt: Instant
  /** 扣款日期 YYYY-MM-DD (refund rows: the refund day). */
  deductionDate: string
  cardNo: string
  entryStation: string | null
  exitStation: string
  /** 交易金额: negative for a refund row. */
  amount: Fen
}

export interface BillDetailsPage extends Page<BillDetailRow> {
  period: BillPeriod
  key: string
  latestMonth: string
  /** Over every row of the filter (the scene's only, when one is chosen). */
  totals: BillTotals
  /** Always true: refund rows are in the list and netted in totals.net; the page says so. */
  refundsNetted: true
  notice: string
}

/** 通行流水 row. */
export interface TripRow {
  id: string
  vehicleId: string
  plate: string
  plateColor: PlateColor
  scene: TripScene
  entryStation: string | null
  exitStation: string
  entryAt: Instant | null
  /** 通行时间. */
  exitAt: Instant
  /** 扣款日期. */
  deductionDate: string
  cardNo: string
  /** 收费金额. */
  amount: Fen
  /** 优惠金额. */
  discount: Fen
  refundStatus: RefundStatus | null
}

/** The statistics bar: 通行笔数, 通行费总金额, 总共优惠. */
export interface TripStatistics {
  count: number
  amount: Fen
  discount: Fen
}

export interface TripsPage extends Page<TripRow> {
  scene: TripScene
  from: string
  to: string
  statistics: TripStatistics
}

export interface TripInvoiceRef {
  id: string
  kind: 'singleTrip' | 'monthlyMerged'
  /** 单次通行发票 / 月度汇总发票 */
  kindLabel: string
  invoiceNo: string
  issuedAt: Instant
}

export interface TripDetail extends TripRow {
  sceneLabel: string
  payment: {
    cardType: CardType
    /** 记账卡 / 储值卡 */
    cardTypeLabel: string
    /** 支付方式: 记账卡扣款 / 储值卡扣款 */
    method: string
    /** What the card paid: amount. */
    paid: Fen
    deductionDate: string
  }
  /** 发票类型: 通行费电子发票 (highway) / 停车服务电子发票 (non-highway). */
  invoiceType: string
  /** The invoice covering the trip; null until one is issued (page: /packages/invoices/pages/invoice/index?id=…). */
  invoice: TripInvoiceRef | null
  refund: { status: RefundStatus; statusLabel: string; amount: Fen; at: Instant } | null
}

/** 退费记录 row. */
export interface RefundRow {
  tripId: string
  plate: string
  plateColor: PlateColor
  /** 出入口收费站 (highway) or the parking lot (停车场名称: exitStation). */
  entryStation: string | null
  exitStation: string
  /** 通行时间 / 消费时间. */
  tripAt: Instant
  /** 退费日期 (instant; highway shows the day, non-highway day and time). */
  refundAt: Instant
  amount: Fen
  status: RefundStatus
  statusLabel: string
}

export interface RefundTotals {
  /** 总退费 = refunded + refunding. */
  total: Fen
  refunded: Fen
  refunding: Fen
}

export interface RefundsPage extends Page<RefundRow> {
  scene: RefundScene
  /** The trip filter applied (null when only the refund filter was sent). */
  trip: { from: string; to: string } | null
  refund: { from: string; to: string } | null
  totals: RefundTotals
  notice: string
}

export type IngestOutcome = 'created' | 'replaced' | 'unchanged' | 'unknownCard'

export interface IngestResult {
  created: number
  replaced: number
  unchanged: number
  failed: number
  results: { tripId: string; outcome: IngestOutcome }[]
}

export interface BillsResponses {
  'bills.statistics': BillStatisticsPage
  'bills.trend': BillTrend
  'bills.details': BillDetailsPage
  'trips.list': TripsPage
  'trips.detail': TripDetail
  'refunds.list': RefundsPage
  'trips.ingest': IngestResult
}
