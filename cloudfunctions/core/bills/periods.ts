import { shanghaiInstant } from '../businessTime'
import {
  addMonths,
  latestBillMonth,
  monthsBetween,
  monthsOfPeriod,
  periodOfMonth,
  type BillPeriod,
} from '../../../types/billRules'

/**
 * Which bill months a request may see, on the server's Shanghai day: never the current month,
 * the previous one only from the 16th (latestBillMonth), nothing before the account existed.
 * A request wholly outside is the caller's mistake and answers a BillsInputError naming the field;
 * a request reaching past the latest month is cut there.
 */
export class BillsInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
    this.name = 'BillsInputError'
  }
}

export const billPeriodMessages = {
  future: '统计时间不能晚于当前月份',
  notReleased: '所选时间的账单尚未出账（当月15日之后查询上月的账单）',
  beforeAccount: '所选时间早于账户开通时间，没有账单',
} as const

export interface BillCalendar {
  /** The server's Shanghai day, YYYY-MM-DD. */
  today: string
  /** The month the account was created in (Shanghai). */
  accountMonth: string
}

export interface MonthWindow {
  firstMonth: string
  /** Capped at latestMonth. */
  lastMonth: string
  latestMonth: string
}

/** The visible months of firstMonth..lastMonth, or the reason there are none. */
export function visibleMonths(
  firstMonth: string,
  lastMonth: string,
  calendar: BillCalendar,
  fields: { from: string; to: string },
): MonthWindow {
  const current = calendar.today.slice(0, 7)
  const latestMonth = latestBillMonth(calendar.today)
  if (firstMonth > current) throw new BillsInputError(fields.from, billPeriodMessages.future)
  if (firstMonth > latestMonth) throw new BillsInputError(fields.from, billPeriodMessages.notReleased)
  if (lastMonth < calendar.accountMonth)
    throw new BillsInputError(fields.to, billPeriodMessages.beforeAccount)
  return { firstMonth, lastMonth: lastMonth > latestMonth ? latestMonth : lastMonth, latestMonth }
}

export interface StatisticsWindow {
  period: BillPeriod
  from: string
  /** Capped at the period of latestMonth. */
  to: string
  latestMonth: string
  /**
   * Months inside the last period that the rule still hides (after latestMonth, up to the current
   * month): a quarter's or year's rollup counts them, so their month rollups are taken away.
   */
  hiddenMonths: string[]
}

export function statisticsWindow(
  input: { period: BillPeriod; from: string; to: string },
  calendar: BillCalendar,
): StatisticsWindow {
  const first = monthsOfPeriod(input.period, input.from).first
  const last = monthsOfPeriod(input.period, input.to).last
  const window = visibleMonths(first, last, calendar, { from: 'from', to: 'to' })
  const to = periodOfMonth(input.period, window.lastMonth)
  const periodEnd = monthsOfPeriod(input.period, to).last
  const current = calendar.today.slice(0, 7)
  const hiddenEnd = periodEnd < current ? periodEnd : current
  const hiddenStart = addMonths(window.latestMonth, 1)
  return {
    period: input.period,
    from: input.from,
    to,
    latestMonth: window.latestMonth,
    hiddenMonths: hiddenStart <= hiddenEnd ? monthsBetween(hiddenStart, hiddenEnd) : [],
  }
}

/** The ISO instant a Shanghai month starts at. */
export function monthStart(month: string): string {
  return shanghaiInstant(`${month}-01 00:00`).toISOString()
}
