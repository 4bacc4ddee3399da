import { createHash, timingSafeEqual } from 'node:crypto'
import type { Instant } from './documents'
import { perMinute, perShanghaiDay, type RateRule } from './rateLimits'

/**
 * Graphic captchas: single use, five minutes, answers compared case-insensitively. A machine
 * can read them, so they are a speed bump only: the attempt limits behind them are the defence.
 */
export const captchaRules = {
  ttlSeconds: 5 * 60,
  length: 4,
  /** Expired captchas removed per creation: bounded work, and more than one request makes. */
  sweepPerCreation: 20,
} as const

/** Per caller (OPENID or IP): a person refreshes a few; a script asking for thousands is refused. */
export const captchaCallerRules: RateRule[] = [
  { name: 'captcha-caller-minute', limit: 20, window: perMinute },
  { name: 'captcha-caller-day', limit: 500, window: perShanghaiDay },
]

/** Draws a captcha; the text never leaves the server, only the picture does. */
export interface CaptchaRenderer {
  create(): { text: string; svg: string }
}

export interface CaptchaDoc {
  id: string
  /** Hash of the lower-cased answer, salted with the id so equal answers hash differently. */
  answerHash: string
  createdAt: Instant
  expiresAt: Instant
}

export function captchaAnswerHash(id: string, text: string): string {
  return createHash('sha256')
    .update(`captcha\u0000${id}\u0000${text.trim().toLowerCase()}`)
    .digest('base64url')
}

export function newCaptchaDoc(id: string, text: string, now: Date): CaptchaDoc {
  return {
    id,
    answerHash: captchaAnswerHash(id, text),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + captchaRules.ttlSeconds * 1000).toISOString(),
  }
}

/** True only for a live captcha with the right answer; the caller removes the doc either way. */
export function captchaMatches(doc: CaptchaDoc | null, text: string, now: Date): boolean {
  if (!doc || now.getTime() >= Date.parse(doc.expiresAt)) return false
  const a = Buffer.from(doc.answerHash)
  const b = Buffer.from(captchaAnswerHash(doc.id, text))
  return a.length === b.length && timingSafeEqual(a, b)
}
