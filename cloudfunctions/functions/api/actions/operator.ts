import { randomUUID } from 'node:crypto'
import { collections, type RateLimitDoc } from '../../../core/documents'
import {
  loginNamePattern,
  operatorId,
  operatorLockoutTargetValue,
  operatorLoginKey,
  type OperatorDoc,
  type OperatorSessionDoc,
} from '../../../core/operators/operatorAccounts'
import { signOperatorToken } from '../../../core/operators/operatorTokens'
import { decoyPasswordHash, verifyPassword } from '../../../core/passwords'
import { applyRateRule, rateLimitId, type RateRule } from '../../../core/rateLimits'
import type { OperatorProfile } from '../../../../types/actions/operator'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { ActionError, type ActionContext, type OperatorContext } from '../context'
import { consumeCaptcha } from './authCaptcha'
import { callerKey, clearFailures, countFailure, refuseWhileLocked, type NicknameLock } from './authLockout'
import type { Stored } from './views'

/**
 * Operator login, logout and profile. The login is the nickname login's, on counters of its own:
 * - refused before anything is spent (captcha, scrypt) while the caller is locked out of this
 *   login name, while the name's growing delay runs, or once the caller has failed too often
 *   across all names this hour;
 * - the captcha is auth.captcha's, single use;
 * - an unknown name costs a full scrypt and answers exactly like a wrong password;
 * - only a right password learns that an operator is disabled;
 * - what was typed as the name is stored only as a keyed hash (the lockout's target).
 * On WeChat (the outlet's handset: its card work needs the mini-program's Bluetooth) the session
 * is bound to the OPENID that logged in; identity.ts serves it to that caller only.
 */

const perHour = (now: Date): string => now.toISOString().slice(0, 13)

/** Failed operator logins per caller across every login name (spraying names from one address). */
export const operatorCallerFailureRule: RateRule = {
  name: 'operator-login-fail-caller',
  limit: 20,
  window: perHour,
}

/** The two lockout counters (core/loginLockout.ts) of a typed login name and this caller. */
export function operatorLock(ctx: ActionContext, loginName: string): NicknameLock {
  const targetHash = ctx.vault.lookupHash('caller', operatorLockoutTargetValue(loginName))
  const caller = callerKey(ctx, ctx.caller)
  return { targetHash, target: `operator:${targetHash}`, caller: `operator-caller:${targetHash}:${caller}` }
}

async function refuseCallerOverLimit(ctx: ActionContext, caller: string): Promise<void> {
  const doc = await ctx.store.get<Stored<RateLimitDoc>>(
    collections.rateLimits,
    rateLimitId(operatorCallerFailureRule, caller),
  )
  if (!applyRateRule(doc, operatorCallerFailureRule, caller, ctx.clock.now()).allowed) {
    throw new ActionError('RATE_LIMITED', '登录失败次数过多，请1小时后再试')
  }
}

async function countCallerFailure(ctx: ActionContext, caller: string): Promise<void> {
  const now = ctx.clock.now()
  const id = rateLimitId(operatorCallerFailureRule, caller)
  await ctx.store.transaction(async (tx) => {
    const decision = applyRateRule(
      await tx.get<Stored<RateLimitDoc>>(collections.rateLimits, id),
      operatorCallerFailureRule,
      caller,
      now,
    )
    if (decision.allowed) await tx.set(collections.rateLimits, id, { ...decision.next })
  })
}

export function operatorProfile(
  operator: Pick<OperatorDoc, 'loginName' | 'name' | 'roles' | 'outletId'>,
): OperatorProfile {
  return {
    loginName: operator.loginName,
    name: operator.name,
    roles: [...operator.roles],
    outletId: operator.outletId,
  }
}

async function findOperator(ctx: ActionContext, loginName: string): Promise<OperatorDoc | null> {
  const key = operatorLoginKey(loginName)
  if (!loginNamePattern.test(key)) return null
  return ctx.store.get<Stored<OperatorDoc>>(collections.operators, operatorId(key))
}

export async function operatorLogin(
  ctx: ActionContext,
  input: ParsedRequest<'operator.login'>,
): Promise<ActionResponses['operator.login']> {
  const lock = operatorLock(ctx, input.loginName)
  const caller = callerKey(ctx, ctx.caller)
  // Refused before the captcha is spent: a locked or early attempt changes nothing.
  await refuseWhileLocked(ctx, lock, 'login')
  await refuseCallerOverLimit(ctx, caller)
  await consumeCaptcha(ctx, input.captchaId, input.captchaText)

  const operator = await findOperator(ctx, input.loginName)
  const passwordOk = await verifyPassword(operator?.passwordHash ?? decoyPasswordHash, input.password)
  if (!operator || !passwordOk) {
    await countCallerFailure(ctx, caller)
    const left = await countFailure(ctx, lock, 'login')
    throw new ActionError('PASSWORD_INVALID', `账号或密码错误，还可尝试${left}次`, {
      password: '账号或密码错误',
    })
  }
  await clearFailures(ctx, lock)
  if (operator.disabled) throw new ActionError('FORBIDDEN', '该操作员账号已停用，请联系管理员')

  const now = ctx.clock.now()
  const sessionId = randomUUID()
  const { token, expiresAt } = await signOperatorToken(
    { operatorId: operator.id, sessionId },
    ctx.secrets.sessionKey,
    now,
  )
  const session: OperatorSessionDoc = {
    id: sessionId,
    operatorId: operator.id,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    revokedAt: null,
    wechatCaller: ctx.caller.platform === 'wechat' ? caller : null,
  }
  await ctx.store.transaction(async (tx) => {
    await tx.set(collections.operatorSessions, session.id, { ...session })
    await tx.update(collections.operators, operator.id, { lastLoginAt: session.createdAt })
  })
  return { token, expiresAt: session.expiresAt, operator: operatorProfile(operator) }
}

export async function operatorLogout(ctx: OperatorContext): Promise<ActionResponses['operator.logout']> {
  await ctx.store.update(collections.operatorSessions, ctx.operator.sessionId, {
    revokedAt: ctx.clock.now().toISOString(),
  })
  return { loggedOut: true }
}

export async function operatorMe(ctx: OperatorContext): Promise<ActionResponses['operator.me']> {
  return { operator: operatorProfile(ctx.operator), expiresAt: ctx.operator.expiresAt }
}
