import { randomInt } from 'node:crypto'
import type { RateLimitDoc, SmsCodeDoc } from './documents'
import { perMinute, perShanghaiDay, type RateRule } from './rateLimits'

export const smsCodeRules = {
  length: 6,
  ttlSeconds: 5 * 60,
  maxWrongTries: 5,
  cooldownSeconds: 60,
  dailyLimitPerPhone: 10,
  /** Sends to a phone per Shanghai day before a further one also needs the graphic captcha. */
  captchaFreeSendsPerPhone: 3,
} as const

/**
 * Per phone, whatever the code is for (login, 重置密码, 找回昵称, legacy confirmation): one code
 * a minute, ten a Shanghai day. Keyed by the phone's lookup hash, so every purpose shares it.
 */
export const phoneDayRule: RateRule = {
  name: 'sms-phone-day',
  limit: smsCodeRules.dailyLimitPerPhone,
  window: perShanghaiDay,
  minIntervalSeconds: smsCodeRules.cooldownSeconds,
}
export const phoneSendRules: RateRule[] = [phoneDayRule]

/** Sends the phone has had this Shanghai day, from its phoneDayRule counter. */
export function phoneSendsToday(phoneDay: RateLimitDoc | null, now: Date): number {
  return phoneDay && phoneDay.window === phoneDayRule.window(now) ? phoneDay.count : 0
}

/**
 * Whether the next send to the phone needs the graphic captcha: after its first three of the day,
 * so that strangers cannot spend a phone's quota without at least solving a captcha each time.
 */
export function sendNeedsCaptcha(phoneDay: RateLimitDoc | null, now: Date): boolean {
  return phoneSendsToday(phoneDay, now) >= smsCodeRules.captchaFreeSendsPerPhone
}

/** Per caller (OPENID or IP): stops one client from spraying codes across many phones. */
export const callerSendRules: RateRule[] = [
  { name: 'sms-caller-minute', limit: 3, window: perMinute },
  { name: 'sms-caller-day', limit: 20, window: perShanghaiDay },
]

export function generateSmsCode(): string {
  return String(randomInt(0, 10 ** smsCodeRules.length)).padStart(smsCodeRules.length, '0')
}

export function smsCodeId(userType: string, phoneHash: string): string {
  return `${userType}:${phoneHash}`
}

export function newSmsCodeDoc(id: string, codeHash: string, now: Date): SmsCodeDoc {
  return {
    id,
    codeHash,
    sentAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + smsCodeRules.ttlSeconds * 1000).toISOString(),
    wrongTries: 0,
  }
}

export type SmsCheck =
  /** Correct: the code is used up. */
  | { result: 'ok' }
  /** No live code for this phone. */
  | { result: 'missing' }
  | { result: 'expired' }
  /** Wrong code; `next` counts the try, and after the last allowed try the code is dead. */
  | { result: 'wrong'; next: SmsCodeDoc }

export function checkSmsCode(record: SmsCodeDoc | null, candidateHash: string, now: Date): SmsCheck {
  if (!record) return { result: 'missing' }
  if (now.getTime() >= Date.parse(record.expiresAt) || record.wrongTries >= smsCodeRules.maxWrongTries) {
    return { result: 'expired' }
  }
  if (constantTimeEqual(record.codeHash, candidateHash)) return { result: 'ok' }
  return { result: 'wrong', next: { ...record, wrongTries: record.wrongTries + 1 } }
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}
