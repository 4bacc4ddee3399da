import type { UserType } from '../../types/enums'
import type { Instant } from './documents'
import { nicknameKey } from './principals'

/**
 * Password guessing defence for nickname logins, in two layers:
 * - one caller (OPENID, Alipay user or IP) that fails 10 times for a nickname is locked out of
 *   that nickname for 15 minutes;
 * - failures from all callers together slow the nickname down with a growing delay, capped so
 *   the owner, from a fresh caller, can always try again once the delay has passed.
 * Pure: the handler stores the documents and moves no clock; the server enforces the delay
 * by refusing early attempts (never by sleeping).
 * Every guess at a nickname's secrets counts here: a wrong password at login, a wrong old
 * password at 修改密码, wrong registration details at 重置密码.
 */
export const lockoutRules = {
  callerMaxFailures: 10,
  callerLockMinutes: 15,
  /** A caller's count starts over when its last failure is older than this. */
  callerForgetMinutes: 24 * 60,
  /** Failures across callers before any delay applies. */
  freeFailures: 5,
  maxDelaySeconds: 5 * 60,
  /** The cross-caller count starts over after this long without a failure. */
  nicknameForgetMinutes: 60,
} as const

/**
 * What the keyed hash naming a target is taken of: the nickname as typed, normalized, and the
 * user type. The store only ever sees the hash (the handler hashes with the vault's lookup
 * key): whatever was typed into the nickname box, even a password by mistake, never persists.
 */
export function lockoutTargetValue(userType: UserType, nickname: string): string {
  return `lockout-target\u0000${userType}\u0000${nicknameKey(nickname)}`
}

/** Ids of the two counters of a target (keyed hash) and a caller (keyed hash). */
export function lockoutIds(targetHash: string, callerHash: string): { target: string; caller: string } {
  return { target: `nick:${targetHash}`, caller: `caller:${targetHash}:${callerHash}` }
}

export interface CallerFailureDoc {
  /** lockoutIds().caller: the target's and the caller's keyed hashes. */
  id: string
  count: number
  lastAt: Instant
  lockedUntil: Instant | null
}

export interface NicknameFailureDoc {
  /** lockoutIds().target: the keyed hash of the nickname, never the nickname. */
  id: string
  count: number
  lastAt: Instant
}

export type AttemptDecision =
  | { allowed: true }
  | { allowed: false; reason: 'locked'; minutesRemaining: number }
  | { allowed: false; reason: 'throttled'; retryAfterSeconds: number }

/** Seconds every caller waits after the nth failure across callers: 0,…,0, 1, 2, 4, … ≤ 300. */
export function delayAfterFailures(count: number): number {
  if (count <= lockoutRules.freeFailures) return 0
  return Math.min(2 ** (count - lockoutRules.freeFailures - 1), lockoutRules.maxDelaySeconds)
}

function liveCallerCount(doc: CallerFailureDoc | null, now: Date): number {
  if (!doc) return 0
  if (doc.lockedUntil && Date.parse(doc.lockedUntil) <= now.getTime()) return 0
  if (now.getTime() - Date.parse(doc.lastAt) > lockoutRules.callerForgetMinutes * 60_000) return 0
  return doc.count
}

function liveNicknameCount(doc: NicknameFailureDoc | null, now: Date): number {
  if (!doc) return 0
  if (now.getTime() - Date.parse(doc.lastAt) > lockoutRules.nicknameForgetMinutes * 60_000) return 0
  return doc.count
}

export function assessAttempt(
  caller: CallerFailureDoc | null,
  nickname: NicknameFailureDoc | null,
  now: Date,
): AttemptDecision {
  if (caller?.lockedUntil) {
    const left = Date.parse(caller.lockedUntil) - now.getTime()
    if (left > 0) return { allowed: false, reason: 'locked', minutesRemaining: Math.ceil(left / 60_000) }
  }
  const count = liveNicknameCount(nickname, now)
  if (nickname && count > 0) {
    const notBefore = Date.parse(nickname.lastAt) + delayAfterFailures(count) * 1000
    const left = notBefore - now.getTime()
    if (left > 0) return { allowed: false, reason: 'throttled', retryAfterSeconds: Math.ceil(left / 1000) }
  }
  return { allowed: true }
}

/** The documents after one more failure; `lockedNow` tells the handler to answer LOGIN_LOCKED. */
export function recordFailure(
  callerId: string,
  caller: CallerFailureDoc | null,
  nicknameId: string,
  nickname: NicknameFailureDoc | null,
  now: Date,
): { caller: CallerFailureDoc; nickname: NicknameFailureDoc; lockedNow: boolean } {
  const at = now.toISOString()
  const callerCount = liveCallerCount(caller, now) + 1
  const lockedNow = callerCount >= lockoutRules.callerMaxFailures
  return {
    caller: {
      id: callerId,
      count: callerCount,
      lastAt: at,
      lockedUntil: lockedNow
        ? new Date(now.getTime() + lockoutRules.callerLockMinutes * 60_000).toISOString()
        : null,
    },
    nickname: { id: nicknameId, count: liveNicknameCount(nickname, now) + 1, lastAt: at },
    lockedNow,
  }
}
