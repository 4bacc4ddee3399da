import { collections, type AccountDoc, type CardDoc, type VehicleDoc } from '../../../core/documents'
import { checkIdNumber, idTypeFitsUserType } from '../../../core/idNumbers'
import {
  assessAttempt,
  lockoutRules,
  recordFailure,
  type CallerFailureDoc,
  type NicknameFailureDoc,
} from '../../../core/loginLockout'
import { maskCardNo } from '../../../core/masking'
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../../core/passwords'
import {
  nicknameKey,
  nicknamePrincipalId,
  type NicknamePrincipalDoc,
  type PrincipalDoc,
} from '../../../core/principals'
import type { IdType } from '../../../../types/actions/auth'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { UserType } from '../../../../types/enums'
import { ActionError, type ActionContext, type Caller } from '../context'
import { consumeCaptcha } from './authCaptcha'
import { loadPrincipal, revokeOtherSessions, startSession } from './authSessions'
import type { PrincipalContext } from './authPrincipal'
import type { Stored } from './views'

/** Nickname logins from the legacy portal: login, 找回昵称, 忘记密码, 修改密码. */

export function callerKey(ctx: ActionContext, caller: Caller): string {
  const raw = caller.platform === 'wechat' ? `wechat:${caller.openid}` : `ip:${caller.ip}`
  return ctx.vault.lookupHash('caller', raw)
}

async function nicknamePrincipal(ctx: ActionContext, id: string): Promise<NicknamePrincipalDoc | null> {
  const doc = await ctx.store.get<Stored<PrincipalDoc>>(collections.principals, id)
  return doc && doc.kind === 'nickname' ? doc : null
}

/** The ID number, normalized, or INVALID_INPUT naming the field; before anything is touched. */
export function validIdNumber(idType: IdType, idNumber: string, userType: UserType): string {
  if (!idTypeFitsUserType(idType, userType)) {
    const message = userType === 'unit' ? '单位用户请选择单位证件类型' : '个人用户请选择个人证件类型'
    throw new ActionError('INVALID_INPUT', message, { idType: message })
  }
  const check = checkIdNumber(idType, idNumber)
  if (!check.ok) throw new ActionError('INVALID_INPUT', check.message, { idNumber: check.message })
  return check.normalized
}

export async function loginByNickname(
  ctx: ActionContext,
  input: ParsedRequest<'auth.loginByNickname'>,
): Promise<ActionResponses['auth.loginByNickname']> {
  const now = ctx.clock.now()
  const lockId = `nick:${input.userType}:${nicknameKey(input.nickname)}`
  const callerLockId = `caller:${input.userType}:${nicknameKey(input.nickname)}:${callerKey(ctx, ctx.caller)}`
  const [callerDoc, nickDoc] = await Promise.all([
    ctx.store.get<Stored<CallerFailureDoc>>(collections.loginFailures, callerLockId),
    ctx.store.get<Stored<NicknameFailureDoc>>(collections.loginFailures, lockId),
  ])
  // Refused before the captcha is spent: a locked or early attempt changes nothing.
  const decision = assessAttempt(callerDoc, nickDoc, now)
  if (!decision.allowed) {
    if (decision.reason === 'locked') {
      throw new ActionError('LOGIN_LOCKED', `密码错误次数过多，请${decision.minutesRemaining}分钟后再试`)
    }
    throw new ActionError('LOGIN_THROTTLED', `登录尝试过于频繁，请${decision.retryAfterSeconds}秒后再试`)
  }
  await consumeCaptcha(ctx, input.captchaId, input.captchaText)

  const principal = await nicknamePrincipal(ctx, nicknamePrincipalId(input.userType, input.nickname))
  // An unknown nickname costs a full scrypt too, and answers exactly like a wrong password.
  const passwordOk = await verifyPassword(principal?.passwordHash ?? decoyPasswordHash, input.password)
  if (!principal || !passwordOk) {
    const outcome = await ctx.store.transaction(async (tx) => {
      const c = await tx.get<Stored<CallerFailureDoc>>(collections.loginFailures, callerLockId)
      const n = await tx.get<Stored<NicknameFailureDoc>>(collections.loginFailures, lockId)
      const next = recordFailure(callerLockId, c, lockId, n, now)
      await tx.set(collections.loginFailures, callerLockId, { ...next.caller })
      await tx.set(collections.loginFailures, lockId, { ...next.nickname })
      return next
    })
    if (outcome.lockedNow) {
      throw new ActionError('LOGIN_LOCKED', `密码错误次数过多，请${lockoutRules.callerLockMinutes}分钟后再试`)
    }
    const left = lockoutRules.callerMaxFailures - outcome.caller.count
    throw new ActionError('PASSWORD_INVALID', `昵称或密码错误，还可尝试${left}次`)
  }
  await ctx.store.transaction(async (tx) => {
    await tx.remove(collections.loginFailures, callerLockId)
    await tx.remove(collections.loginFailures, lockId)
  })
  return startSession(ctx, principal)
}

export async function recoverNickname(
  ctx: ActionContext,
  input: ParsedRequest<'auth.recoverNickname'>,
): Promise<ActionResponses['auth.recoverNickname']> {
  await consumeCaptcha(ctx, input.captchaId, input.captchaText)
  const phoneHash = ctx.vault.lookupHash('phone', input.phone)
  const vehicles = await ctx.store.query<Stored<VehicleDoc>>(collections.vehicles, {
    where: [
      { field: 'plate', op: 'eq', value: input.plate },
      ...(input.plateColor ? [{ field: 'plateColor', op: 'eq' as const, value: input.plateColor }] : []),
    ],
    limit: 20,
  })
  const candidates = await ctx.store.query<Stored<PrincipalDoc>>(collections.principals, {
    where: [
      { field: 'kind', op: 'eq', value: 'nickname' },
      { field: 'reservedPhoneHash', op: 'eq', value: phoneHash },
    ],
    orderBy: { field: 'id', direction: 'asc' },
    limit: 20,
  })
  for (const principal of candidates.items) {
    if (principal.kind !== 'nickname') continue
    const vehicleAccounts = new Set(vehicles.items.map((v) => v.accountId))
    const owned: AccountDoc[] = []
    for (const accountId of vehicleAccounts) {
      const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, accountId)
      if (!account || account.userType !== principal.userType) continue
      const linked =
        principal.legacyAccountIds.includes(account.id) ||
        principal.verifiedIdHashes.includes(account.idNumberHash)
      if (linked) owned.push(account)
    }
    if (owned.length === 0) continue
    const cardNos: string[] = []
    for (const account of owned) {
      const page = await ctx.store.query<Stored<CardDoc>>(collections.cards, {
        where: [{ field: 'accountId', op: 'eq', value: account.id }],
        orderBy: { field: 'id', direction: 'asc' },
        limit: 50,
      })
      for (const card of page.items) if (card.status !== 'cancelled') cardNos.push(maskCardNo(card.cardNo))
    }
    return { nickname: principal.nickname, cardNos }
  }
  throw new ActionError('NICKNAME_NOT_FOUND')
}

export async function resetPassword(
  ctx: ActionContext,
  input: ParsedRequest<'auth.resetPassword'>,
): Promise<ActionResponses['auth.resetPassword']> {
  const idNumber = validIdNumber(input.idType, input.idNumber, input.userType)
  await consumeCaptcha(ctx, input.captchaId, input.captchaText)
  const principal = await nicknamePrincipal(ctx, nicknamePrincipalId(input.userType, input.nickname))
  const matches =
    principal !== null &&
    principal.registeredName === input.userName.trim() &&
    principal.registeredIdType === input.idType &&
    principal.registeredIdNumberHash === ctx.vault.lookupHash('idNumber', idNumber)
  // One answer for an unknown nickname and for wrong details, so the form cannot probe nicknames.
  if (!principal || !matches) throw new ActionError('RESET_MISMATCH')
  const now = ctx.clock.now().toISOString()
  await ctx.store.update(collections.principals, principal.id, {
    passwordHash: await hashPassword(input.newPassword),
    passwordChangedAt: now,
    updatedAt: now,
  })
  // Whoever knew the old password must not stay logged in.
  await revokeOtherSessions(ctx, principal.id, null)
  return { reset: true }
}

export async function changePassword(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.changePassword'>,
): Promise<ActionResponses['auth.changePassword']> {
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  if (principal.kind !== 'nickname') {
    throw new ActionError('FORBIDDEN', '手机号登录的用户没有密码，无需修改')
  }
  if (!(await verifyPassword(principal.passwordHash, input.oldPassword))) {
    throw new ActionError('PASSWORD_INVALID', '原密码错误', { oldPassword: '原密码错误' })
  }
  const now = ctx.clock.now().toISOString()
  await ctx.store.update(collections.principals, principal.id, {
    passwordHash: await hashPassword(input.newPassword),
    passwordChangedAt: now,
    updatedAt: now,
  })
  const revokedSessions = await revokeOtherSessions(ctx, principal.id, ctx.who.session)
  return { changed: true, revokedSessions }
}
