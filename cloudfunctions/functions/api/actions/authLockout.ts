import { collections } from '../../../core/documents'
import {
  assessAttempt,
  lockoutIds,
  lockoutRules,
  lockoutTargetValue,
  recordFailure,
  type CallerFailureDoc,
  type NicknameFailureDoc,
} from '../../../core/loginLockout'
import type { UserType } from '../../../../types/enums'
import { ActionError, type ActionContext, type Caller } from '../context'
import type { Stored } from './views'

/**
 * The nickname lockout (core/loginLockout.ts) as the actions use it: login, 重置密码 step 1 and
 * 修改密码 count their failures on the same two counters, so together they get ten guesses
 * per caller and the growing delay across callers, not ten each.
 */

export function callerKey(ctx: ActionContext, caller: Caller): string {
  const raw = caller.platform === 'wechat' ? `wechat:${caller.openid}` : `ip:${caller.ip}`
  return ctx.vault.lookupHash('caller', raw)
}

export interface NicknameLock {
  /** Keyed hash naming the nickname (also names its reset codes); never the nickname itself. */
  targetHash: string
  target: string
  caller: string
}

export type LockPurpose = 'login' | 'reset' | 'change'

const lockedMessage: Record<LockPurpose, (minutes: number) => string> = {
  login: (m) => `密码错误次数过多，请${m}分钟后再试`,
  reset: (m) => `注册信息校验失败次数过多，请${m}分钟后再试`,
  change: (m) => `原密码错误次数过多，请${m}分钟后再试`,
}

const throttledMessage: Record<LockPurpose, (seconds: number) => string> = {
  login: (s) => `登录尝试过于频繁，请${s}秒后再试`,
  reset: (s) => `尝试过于频繁，请${s}秒后再试`,
  change: (s) => `尝试过于频繁，请${s}秒后再试`,
}

export function nicknameLock(ctx: ActionContext, userType: UserType, nickname: string): NicknameLock {
  const targetHash = ctx.vault.lookupHash('caller', lockoutTargetValue(userType, nickname))
  return { targetHash, ...lockoutIds(targetHash, callerKey(ctx, ctx.caller)) }
}

/** Refuses a locked or early attempt before anything (a captcha, a hash) is spent on it. */
export async function refuseWhileLocked(
  ctx: ActionContext,
  lock: NicknameLock,
  purpose: LockPurpose,
): Promise<void> {
  const [callerDoc, targetDoc] = await Promise.all([
    ctx.store.get<Stored<CallerFailureDoc>>(collections.loginFailures, lock.caller),
    ctx.store.get<Stored<NicknameFailureDoc>>(collections.loginFailures, lock.target),
  ])
  const decision = assessAttempt(callerDoc, targetDoc, ctx.clock.now())
  if (decision.allowed) return
  if (decision.reason === 'locked') {
    throw new ActionError('LOGIN_LOCKED', lockedMessage[purpose](decision.minutesRemaining))
  }
  throw new ActionError('LOGIN_THROTTLED', throttledMessage[purpose](decision.retryAfterSeconds))
}

/**
 * Counts one failure on both counters. Throws LOGIN_LOCKED when this one locks the caller out;
 * otherwise answers how many tries the caller has left.
 */
export async function countFailure(
  ctx: ActionContext,
  lock: NicknameLock,
  purpose: LockPurpose,
): Promise<number> {
  const now = ctx.clock.now()
  const outcome = await ctx.store.transaction(async (tx) => {
    const c = await tx.get<Stored<CallerFailureDoc>>(collections.loginFailures, lock.caller)
    const n = await tx.get<Stored<NicknameFailureDoc>>(collections.loginFailures, lock.target)
    const next = recordFailure(lock.caller, c, lock.target, n, now)
    await tx.set(collections.loginFailures, lock.caller, { ...next.caller })
    await tx.set(collections.loginFailures, lock.target, { ...next.nickname })
    return next
  })
  if (outcome.lockedNow) {
    throw new ActionError('LOGIN_LOCKED', lockedMessage[purpose](lockoutRules.callerLockMinutes))
  }
  return lockoutRules.callerMaxFailures - outcome.caller.count
}

/** After a proof of the secret (right password, texted code): this caller and the target start over. */
export async function clearFailures(ctx: ActionContext, lock: NicknameLock): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    await tx.remove(collections.loginFailures, lock.caller)
    await tx.remove(collections.loginFailures, lock.target)
  })
}
