import { createHash, timingSafeEqual } from 'node:crypto'
import type { Instant } from './documents'

/** Graphic captchas: single use, five minutes, answers compared case-insensitively. */
export const captchaRules = { ttlSeconds: 5 * 60, length: 4 } as const

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
