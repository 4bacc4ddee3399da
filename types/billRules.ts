import type { TripScene } from './enums'

/**
 * Rules of bills, trips and refunds (seed 001 §2.6) that the app shows as well as the server
 * applies. Plain values only (no zod), so pages import them without shipping a validator; the
 * request schemas in types/actions/bills.ts build on them.
 */

/** 账单场景 (bill details): trips map onto them in the core (cloudfunctions/core/bills/scenes.ts). */
export const billScenes = ['highway', 'nonHighway', 'refund', 'other'] as const
export type BillScene = (typeof billScenes)[number]
export const billSceneLabels: Record<BillScene, string> = {
  highway: '高速通行',
  nonHighway: '非高速通行',
  refund: '退费业务',
  other: '其他',
}

/** 通行流水 tabs. */
export const tripSceneLabels: Record<TripScene, string> = {
  etcHighway: 'ETC高速通行记录',
  nonEtcHighway: '非ETC高速通行记录',
  nonHighway: '非高速场景通行记录',
}

/** 退费记录 tabs: 高速通行 covers both highway trip scenes. */
export const refundScenes = ['highway', 'nonHighway'] as const
export type RefundScene = (typeof refundScenes)[number]
export const refundSceneLabels: Record<RefundScene, string> = {
  highway: '高速通行',
  nonHighway: '非高速通行',
}

export type RefundStatus = 'refunding' | 'refunded'
export const refundStatusLabels: Record<RefundStatus, string> = { refunding: '退款中', refunded: '已退款' }

export const refundNotice = '如退费有疑问，请联系在线客服咨询或拨打电话0571-96866。'

/** 统计时间: 按月 / 按季度 / 按年. */
export const billPeriods = ['month', 'quarter', 'year'] as const
export type BillPeriod = (typeof billPeriods)[number]
export const billPeriodLabels: Record<BillPeriod, string> = { month: '按月', quarter: '按季度', year: '按年' }

/** Most periods one statistics query spans (a fleet's rows page; the span keeps a query bounded). */
export const maxPeriodsPerQuery: Record<BillPeriod, number> = { month: 24, quarter: 8, year: 3 }
/** Trips one trips.ingest call carries (one Store transaction each, rollups included). */
export const maxIngestTrips = 100
/** Months one trend chart shows at most. */
export const maxTrendMonths = 24

/** The seed's note: the previous month's bill appears from the 16th, 00:00 Beijing time. */
export const billReleaseDay = 16
export const billMonthNotice = '当月15日之后查询上月的账单'
export const billDetailsNotice =
  '由于ETC通行存在“先离场后付费”的特点，本账单以车辆驶出站点时间为基准进行统计，与用户的合作签约机构实际账单扣款时间存在差异。（备注：当月15日之后查询上月的账单）'

/** Period keys: 2024 (year), 2024-Q4 (quarter), 2024-11 (month). */
export const periodKeyPatterns: Record<BillPeriod, RegExp> = {
  year: /^\d{4}$/,
  quarter: /^\d{4}-Q[1-4]$/,
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
}

export function isPeriodKey(period: BillPeriod, key: string): boolean {
  return periodKeyPatterns[period].test(key)
}

/** 2024年 / 2024年第4季度 / 2024年11月. */
export function periodLabel(period: BillPeriod, key: string): string {
  if (period === 'year') return `${key}年`
  if (period === 'quarter') return `${key.slice(0, 4)}年第${key.slice(6)}季度`
  return `${key.slice(0, 4)}年${Number(key.slice(5, 7))}月`
}

function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1
}

function monthOfIndex(index: number): string {
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`
}

/** YYYY-MM moved by `delta` months. */
export function addMonths(month: string, delta: number): string {
  return monthOfIndex(monthIndex(month) + delta)
}

/** The period key containing a month (YYYY-MM). */
export function periodOfMonth(period: BillPeriod, month: string): string {
  if (period === 'month') return month
  if (period === 'year') return month.slice(0, 4)
  return `${month.slice(0, 4)}-Q${Math.floor((Number(month.slice(5, 7)) - 1) / 3) + 1}`
}

/** First and last month (YYYY-MM, inclusive) of a period key. */
export function monthsOfPeriod(period: BillPeriod, key: string): { first: string; last: string } {
  if (period === 'month') return { first: key, last: key }
  if (period === 'year') return { first: `${key}-01`, last: `${key}-12` }
  const q = Number(key.slice(6))
  const first = `${key.slice(0, 4)}-${String(q * 3 - 2).padStart(2, '0')}`
  return { first, last: addMonths(first, 2) }
}

/** Every month from..to inclusive (from ≤ to). */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = []
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthOfIndex(i))
  return out
}

/** Period keys from..to inclusive, in order; empty when from > to. */
export function periodsBetween(period: BillPeriod, from: string, to: string): string[] {
  const first = monthsOfPeriod(period, from).first
  const last = monthsOfPeriod(period, to).first
  const out: string[] = []
  for (const month of monthsBetween(first, last)) {
    const key = periodOfMonth(period, month)
    if (out[out.length - 1] !== key) out.push(key)
  }
  return out
}

/**
 * The latest bill month that may be shown on a Shanghai day (YYYY-MM-DD): the month before last,
 * or from the 16th on the previous month. The current month never shows: its bill is not out yet.
 */
export function latestBillMonth(shanghaiDay: string): string {
  const month = shanghaiDay.slice(0, 7)
  const day = Number(shanghaiDay.slice(8, 10))
  return addMonths(month, day >= billReleaseDay ? -1 : -2)
}
