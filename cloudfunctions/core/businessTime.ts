import dayjs from 'dayjs'
import timezone from 'dayjs/plugin/timezone'
import utc from 'dayjs/plugin/utc'
import type { Condition } from '../ports/store'
import type { DateRange } from '../../types/dateRange'

dayjs.extend(utc)
dayjs.extend(timezone)

/** Business days, bill months and daily limits follow Beijing time whatever the host TZ. */
export const businessTimeZone = 'Asia/Shanghai'

/**
 * Beijing time is UTC+8 all year (China has kept no daylight saving since 1991, before any instant
 * this product handles), so a fixed offset converts exactly. It also spares the Intl time-zone
 * lookup of dayjs's tz plugin, which cost a payment notification about a tenth of its time.
 */
export const beijingOffsetMinutes = 480

/**
 * The instant's Beijing wall-clock time, for formatting and calendar fields only: a UTC-mode value
 * moved 8 hours on, so the host's zone plays no part. (dayjs's utcOffset() adds the offset in local
 * time and is an hour off next to the host's daylight-saving changes.) Not an instant itself.
 */
export function beijingTime(at: Date): dayjs.Dayjs {
  return dayjs.utc(at).add(beijingOffsetMinutes, 'minute')
}

/** 2025-03-01 for the Shanghai calendar day containing the instant. */
export function shanghaiDay(at: Date): string {
  return beijingTime(at).format('YYYY-MM-DD')
}

/** 2025-03 for the Shanghai calendar month containing the instant. */
export function shanghaiMonth(at: Date): string {
  return beijingTime(at).format('YYYY-MM')
}

/** The instant of a Shanghai wall-clock time, e.g. ('2025-03-01 08:30'). */
export function shanghaiInstant(wallClock: string): Date {
  return dayjs.utc(wallClock).subtract(beijingOffsetMinutes, 'minute').toDate()
}

/**
 * Store conditions on an instant field for the Shanghai days from..to (both inclusive): from 00:00
 * of `from` up to 00:00 after `to`. Lists filter their records with it, and so do their exports.
 */
export function shanghaiDayConditions(field: string, range: DateRange): Condition[] {
  const start = dayjs.tz(`${range.from} 00:00`, businessTimeZone)
  const end = dayjs.tz(`${range.to} 00:00`, businessTimeZone).add(1, 'day')
  return [
    { field, op: 'gte', value: start.toDate().toISOString() },
    { field, op: 'lt', value: end.toDate().toISOString() },
  ]
}
