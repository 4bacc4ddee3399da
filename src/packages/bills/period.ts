import {
  addMonths,
  latestBillMonth,
  maxPeriodsPerQuery,
  maxTrendMonths,
  monthsBetween,
  monthsOfPeriod,
  periodOfMonth,
  periodsBetween,
  type BillPeriod,
} from '../../../types/billRules'

/**
 * Period choices of the bill filters. The server decides which months a bill may show (its
 * `latestMonth`); the client only uses the same rule to offer sensible choices before it answers.
 */

const monthsPer: Record<BillPeriod, number> = { month: 1, quarter: 3, year: 12 }
/** How far back the pickers offer periods. */
const choicesPer: Record<BillPeriod, number> = { month: 36, quarter: 12, year: 5 }
/** What a period switch selects first: a year of months, four quarters, the latest year. */
const defaultSpan: Record<BillPeriod, number> = { month: 12, quarter: 4, year: 1 }

export interface PeriodRange {
  period: BillPeriod
  from: string
  to: string
}

/** The latest bill month today in Asia/Shanghai by the bill rule (for defaults only). */
export function expectedLatestMonth(shanghaiDay: string): string {
  return latestBillMonth(shanghaiDay)
}

/** Period keys to pick from, newest first, ending with the one holding `latestMonth`. */
export function periodChoices(period: BillPeriod, latestMonth: string): string[] {
  const last = periodOfMonth(period, latestMonth)
  const first = periodOfMonth(period, addMonths(latestMonth, -monthsPer[period] * (choicesPer[period] - 1)))
  return periodsBetween(period, first, last).reverse()
}

export function defaultRange(period: BillPeriod, latestMonth: string): PeriodRange {
  const to = periodOfMonth(period, latestMonth)
  const from = periodOfMonth(period, addMonths(latestMonth, -monthsPer[period] * (defaultSpan[period] - 1)))
  return { period, from, to }
}

/** Moves the other end so the range stays ordered and within maxPeriodsPerQuery. */
export function withEnd(range: PeriodRange, end: 'from' | 'to', key: string): PeriodRange {
  const next = { ...range, [end]: key }
  const max = maxPeriodsPerQuery[range.period]
  const step = monthsPer[range.period]
  if (end === 'from') {
    if (next.to < key) next.to = key
    if (periodsBetween(range.period, next.from, next.to).length > max)
      next.to = periodOfMonth(
        range.period,
        addMonths(monthsOfPeriod(range.period, key).first, step * (max - 1)),
      )
  } else {
    if (next.from > key) next.from = key
    if (periodsBetween(range.period, next.from, next.to).length > max)
      next.from = periodOfMonth(
        range.period,
        addMonths(monthsOfPeriod(range.period, key).first, -step * (max - 1)),
      )
  }
  return next
}

/** The months a trend chart shows for a range: its months up to latestMonth, the last maxTrendMonths. */
export function trendMonths(range: PeriodRange, latestMonth: string): { fromMonth: string; toMonth: string } {
  const last = monthsOfPeriod(range.period, range.to).last
  const toMonth = last < latestMonth ? last : latestMonth
  const first = monthsOfPeriod(range.period, range.from).first
  const months = first <= toMonth ? monthsBetween(first, toMonth) : [toMonth]
  return { fromMonth: months[Math.max(0, months.length - maxTrendMonths)], toMonth }
}
