import { Text } from '@tarojs/components'

/** Business time is China time (UTC+8, no daylight saving) whatever zone the phone is in. */
const SHANGHAI_OFFSET_MS = 8 * 3600_000

function parts(instant: string): string | null {
  const ms = Date.parse(instant)
  if (Number.isNaN(ms)) return null
  // "YYYY-MM-DDTHH:mm:ss" of the same instant in UTC+8
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19)
}

/** 2023-08-10 (Asia/Shanghai) from an ISO instant; '-' when missing. */
export function formatShanghaiDate(instant: string | null | undefined): string {
  const p = instant ? parts(instant) : null
  return p ? p.slice(0, 10) : '-'
}

/** 2023-08-10 10:00:00 (Asia/Shanghai) from an ISO instant; '-' when missing. */
export function formatShanghaiTime(instant: string | null | undefined): string {
  const p = instant ? parts(instant) : null
  return p ? p.replace('T', ' ') : '-'
}

/** Today's date in Asia/Shanghai, YYYY-MM-DD. */
export function shanghaiToday(now: number = Date.now()): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

export interface DateTimeTextProps {
  at: string | null | undefined
  /** 'date' (default) or 'time' */
  kind?: 'date' | 'time'
  className?: string
}

export default function DateTimeText({ at, kind = 'date', className }: DateTimeTextProps) {
  return (
    <Text className={className}>{kind === 'time' ? formatShanghaiTime(at) : formatShanghaiDate(at)}</Text>
  )
}
