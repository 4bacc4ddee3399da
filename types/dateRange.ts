/**
 * Date filters of lists: the one rule every `from`/`to` filter follows, on both sides.
 *
 * Dates are Asia/Shanghai calendar days, YYYY-MM-DD, both ends inclusive. A filter:
 * - always has both ends: a missing `to` is today, a missing `from` the earliest day the span
 *   allows before `to` (so a start date alone means "from then until today");
 * - is bounded: `to` ≤ `from` + span (one year: 2024-03-01..2025-03-01 is the longest; the outlet
 *   app's load records allow 30 days);
 * - never reaches into the future: neither end after today, as the server's clock says;
 * - answers each violation with its own message.
 *
 * Pure and free of zod, so the app's pickers import it too. The schemas check what they can
 * without a clock (`dateRangeRefinement` in types/actions/etc.ts); the actions resolve the filter
 * against the server's Shanghai date (`resolveDateRange`).
 */

export interface DateRange {
  from: string
  to: string
}

export interface DateRangeInput {
  from?: string
  to?: string
}

/** The longest range a filter allows: `to` may be at most `amount` `unit`s after `from`. */
export interface DateSpan {
  amount: number
  unit: 'day' | 'month' | 'year'
  /** Chinese, as the message names it: 1年 / 30天 */
  label: string
}

export const oneYearSpan: DateSpan = { amount: 1, unit: 'year', label: '1年' }
/** Seed 003: the outlet app's load records are searched at most 30 days at a time. */
export const thirtyDaySpan: DateSpan = { amount: 30, unit: 'day', label: '30天' }
/** Seed 001 §2.8.2: recharge, pre-allocation and load records span years, so they page instead. */
export const recordsSpan: DateSpan = { amount: 5, unit: 'year', label: '5年' }

export type DateRangeField = 'from' | 'to'

export interface DateRangeProblem {
  field: DateRangeField
  message: string
}

export const dateRangeMessages = {
  fromInFuture: '开始日期不能晚于今天',
  toInFuture: '结束日期不能晚于今天',
  reversed: '开始日期不能晚于结束日期',
  tooLong: (span: DateSpan) => `查询时间范围不能超过${span.label}`,
} as const

const DAY_MS = 86400_000

/** Days since 1970-01-01 of a YYYY-MM-DD that really exists, else null (no 2025-02-30). */
export function dayNumber(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, keeps years 0–99 as they are
  date.setUTCFullYear(y, mo - 1, d)
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null
  return Math.round(date.getTime() / DAY_MS)
}

export function isCalendarDate(text: string): boolean {
  return dayNumber(text) !== null
}

/** YYYY-MM-DD of a day number (years 0–9999). */
export function dayText(day: number): string {
  const date = new Date(day * DAY_MS)
  const y = String(date.getUTCFullYear()).padStart(4, '0')
  const m = String(date.getUTCMonth() + 1).padStart(2, '0')
  const d = String(date.getUTCDate()).padStart(2, '0')
  return `${y}-${m}-${d}`
}

/** `day` moved by the span (sign -1: back), months and years clamped to the month's end (02-29 + 1 year = 02-28). */
export function shiftDay(day: number, span: DateSpan, sign: 1 | -1): number {
  if (span.unit === 'day') return day + sign * span.amount
  const date = new Date(day * DAY_MS)
  const months = sign * span.amount * (span.unit === 'year' ? 12 : 1)
  const first = new Date(0)
  first.setUTCFullYear(date.getUTCFullYear(), date.getUTCMonth() + months, 1)
  const lastOfMonth = new Date(0)
  lastOfMonth.setUTCFullYear(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)
  first.setUTCDate(Math.min(date.getUTCDate(), lastOfMonth.getUTCDate()))
  return Math.round(first.getTime() / DAY_MS)
}

/** The last day a range starting on `from` may end on. */
export function latestEnd(from: string, span: DateSpan): string | null {
  const f = dayNumber(from)
  return f === null ? null : dayText(shiftDay(f, span, 1))
}

/** The earliest day a range ending on `to` may start on. */
export function earliestStart(to: string, span: DateSpan): string | null {
  const t = dayNumber(to)
  if (t === null) return null
  const back = shiftDay(t, span, -1)
  // 2024-02-29 back one year is 2023-02-28, whose year ends on 2024-02-28: start a day later
  return dayText(shiftDay(back, span, 1) < t ? back + 1 : back)
}

/**
 * Every violation of a complete range, each with its own message. With `today` (the server's
 * Shanghai date) the ends are checked against the future first: a future day explains the rest.
 * Days that do not exist are the schema's to report; here they make no problem.
 */
export function dateRangeProblems(range: DateRange, span: DateSpan, today?: string): DateRangeProblem[] {
  const from = dayNumber(range.from)
  const to = dayNumber(range.to)
  if (from === null || to === null) return []
  const now = today === undefined ? null : dayNumber(today)
  if (now !== null) {
    const future: DateRangeProblem[] = []
    if (from > now) future.push({ field: 'from', message: dateRangeMessages.fromInFuture })
    if (to > now) future.push({ field: 'to', message: dateRangeMessages.toInFuture })
    if (future.length > 0) return future
  }
  if (from > to) return [{ field: 'to', message: dateRangeMessages.reversed }]
  if (to > shiftDay(from, span, 1)) return [{ field: 'to', message: dateRangeMessages.tooLong(span) }]
  return []
}

/** Both ends of a filter: `to` defaults to today, `from` to the earliest day the span allows. */
export function defaultDateRange(input: DateRangeInput, span: DateSpan, today: string): DateRange {
  const to = input.to ?? today
  return { from: input.from ?? earliestStart(to, span) ?? to, to }
}

export type ResolvedDateRange = { ok: true; range: DateRange } | { ok: false; problems: DateRangeProblem[] }

/** The filter an action applies: both ends defaulted, then every rule against `today`. */
export function resolveDateRange(input: DateRangeInput, span: DateSpan, today: string): ResolvedDateRange {
  const range = defaultDateRange(input, span, today)
  const problems = dateRangeProblems(range, span, today)
  if (problems.length === 0) return { ok: true, range }
  // A default is no mistake of the user's: name the ends they sent (2099-01-01 alone: 结束日期)
  const sent = problems.filter((p) => input[p.field] !== undefined)
  return { ok: false, problems: sent.length > 0 ? sent : problems }
}
