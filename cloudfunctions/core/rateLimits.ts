import { shanghaiDay } from './businessTime'
import type { RateLimitDoc } from './documents'

/** A fixed-window counter with an optional minimum gap between hits. */
export interface RateRule {
  /** Part of the counter id, so rules on the same key do not share a counter. */
  name: string
  limit: number
  window: (now: Date) => string
  minIntervalSeconds?: number
}

export type RateDecision =
  | { allowed: true; next: RateLimitDoc }
  | { allowed: false; retryAfterSeconds: number; reason: 'interval' | 'limit' }

export const perShanghaiDay = (now: Date): string => shanghaiDay(now)
export const perMinute = (now: Date): string => now.toISOString().slice(0, 16)

export function rateLimitId(rule: RateRule, key: string): string {
  return `${rule.name}:${key}`
}

export function applyRateRule(
  current: RateLimitDoc | null,
  rule: RateRule,
  key: string,
  now: Date,
): RateDecision {
  const window = rule.window(now)
  if (current && rule.minIntervalSeconds) {
    const elapsedMs = now.getTime() - Date.parse(current.lastAt)
    const gapMs = rule.minIntervalSeconds * 1000
    if (elapsedMs < gapMs) {
      return { allowed: false, reason: 'interval', retryAfterSeconds: Math.ceil((gapMs - elapsedMs) / 1000) }
    }
  }
  const countInWindow = current && current.window === window ? current.count : 0
  if (countInWindow >= rule.limit) return { allowed: false, reason: 'limit', retryAfterSeconds: 0 }
  return {
    allowed: true,
    next: { id: rateLimitId(rule, key), window, count: countInWindow + 1, lastAt: now.toISOString() },
  }
}
