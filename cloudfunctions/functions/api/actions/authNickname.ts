import {
  plateKeyValue,
  recoverableAccounts,
  recoverCallerRule,
  recoverCodeId,
  recoverPlateRule,
  resetCodeId,
  resetDetailsMatch,
  resetPhoneAccount,
} from '../../../core/accountRecovery'
import { collections, type AccountDoc, type CardDoc, type VehicleDoc } from '../../../core/documents'
import { checkIdNumber, idTypeFitsUserType } from '../../../core/idNumbers'
import { maskCardNo, maskPhone } from '../../../core/masking'
import { decoyPasswordHash, hashPassword, verifyPassword } from '../../../core/passwords'
import { nicknamePrincipalId, type NicknamePrincipalDoc, type PrincipalDoc } from '../../../core/principals'
import { callerSendRules, smsCodeRules } from '../../../core/smsCodes'
import type { IdType } from '../../../../types/actions/auth'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { PlateColor, UserType } from '../../../../types/enums'
import { ActionError, type ActionContext } from '../context'
import { consumeCaptcha } from './authCaptcha'
import { callerKey, clearFailures, countFailure, nicknameLock, refuseWhileLocked } from './authLockout'
import { accountPhone, loadPrincipal, revokeOtherSessions, startSession } from './authSessions'
import type { PrincipalContext } from './authPrincipal'
import { consumeSmsCode, sendCountedCode } from './authSmsCode'
import type { Stored } from './views'

/** Nickname logins from the legacy portal: login, 找回昵称, 忘记密码, 修改密码. */

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
  const lock = nicknameLock(ctx, input.userType, input.nickname)
  // Refused before the captcha is spent: a locked or early attempt changes nothing.
  await refuseWhileLocked(ctx, lock, 'login')
  await consumeCaptcha(ctx, input.captchaId, input.captchaText)

  const principal = await nicknamePrincipal(ctx, nicknamePrincipalId(input.userType, input.nickname))
  // An unknown nickname costs a full scrypt too, and answers exactly like a wrong password.
  const passwordOk = await verifyPassword(principal?.passwordHash ?? decoyPasswordHash, input.password)
  if (!principal || !passwordOk) {
    const left = await countFailure(ctx, lock, 'login')
    throw new ActionError('PASSWORD_INVALID', `昵称或密码错误，还可尝试${left}次`)
  }
  await clearFailures(ctx, lock)
  return startSession(ctx, principal)
}

// ---- 找回昵称 ----

/** The nickname registered with this phone that owns a vehicle with this plate, and its cards. */
async function findRecoverable(
  ctx: ActionContext,
  plate: string,
  plateColor: PlateColor | undefined,
  phoneHash: string,
): Promise<ActionResponses['auth.recoverNickname'] | null> {
  const vehicles = await ctx.store.query<Stored<VehicleDoc>>(collections.vehicles, {
    where: [
      { field: 'plate', op: 'eq', value: plate },
      ...(plateColor ? [{ field: 'plateColor', op: 'eq' as const, value: plateColor }] : []),
    ],
    limit: 20,
  })
  if (vehicles.items.length === 0) return null
  const candidates = await ctx.store.query<Stored<PrincipalDoc>>(collections.principals, {
    where: [
      { field: 'kind', op: 'eq', value: 'nickname' },
      { field: 'reservedPhoneHash', op: 'eq', value: phoneHash },
    ],
    orderBy: { field: 'id', direction: 'asc' },
    limit: 20,
  })
  const vehicleAccounts: AccountDoc[] = []
  for (const accountId of new Set(vehicles.items.map((v) => v.accountId))) {
    const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, accountId)
    if (account) vehicleAccounts.push(account)
  }
  for (const principal of candidates.items) {
    if (principal.kind !== 'nickname') continue
    const owned = recoverableAccounts(principal, vehicleAccounts)
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
  return null
}

function recoverText(code: string): string {
  return `【浙江ETC】您正在找回浙江ETC网站昵称，验证码为${code}，${smsCodeRules.ttlSeconds / 60}分钟内有效。如非本人操作，请忽略本短信。`
}

/**
 * 找回昵称 step 1. The answer is the same whether or not the plate and phone matched (the phone
 * shown is the one typed, masked), so guessing phones learns nothing; only a match texts a code
 * to that phone. Every request counts: per plate, per caller, and on the phone's daily quota.
 */
export async function sendRecoverNicknameCode(
  ctx: ActionContext,
  input: ParsedRequest<'auth.sendRecoverNicknameCode'>,
): Promise<ActionResponses['auth.sendRecoverNicknameCode']> {
  const phoneHash = ctx.vault.lookupHash('phone', input.phone)
  const plateHash = ctx.vault.lookupHash('caller', plateKeyValue(input.plate))
  const caller = callerKey(ctx, ctx.caller)
  await sendCountedCode(ctx, {
    phoneHash,
    limits: [
      { rule: recoverPlateRule, key: plateHash, message: '该车牌今日找回昵称的次数已达上限，请明天再试' },
      { rule: recoverCallerRule, key: caller, message: '今日找回昵称的次数已达上限，请明天再试' },
      ...callerSendRules.map((rule) => ({ rule, key: caller })),
    ],
    captcha: { captchaId: input.captchaId, captchaText: input.captchaText },
    deliver: async () =>
      (await findRecoverable(ctx, input.plate, input.plateColor, phoneHash))
        ? { phone: input.phone, codeId: recoverCodeId(plateHash, phoneHash), text: recoverText }
        : null,
  })
  return {
    phone: maskPhone(input.phone),
    cooldownSeconds: smsCodeRules.cooldownSeconds,
    expiresInSeconds: smsCodeRules.ttlSeconds,
  }
}

/** 找回昵称 step 2: the texted code shows the nickname and its masked card numbers. */
export async function recoverNickname(
  ctx: ActionContext,
  input: ParsedRequest<'auth.recoverNickname'>,
): Promise<ActionResponses['auth.recoverNickname']> {
  const phoneHash = ctx.vault.lookupHash('phone', input.phone)
  const plateHash = ctx.vault.lookupHash('caller', plateKeyValue(input.plate))
  await consumeSmsCode(ctx, recoverCodeId(plateHash, phoneHash), input.code, ctx.clock.now())
  const found = await findRecoverable(ctx, input.plate, input.plateColor, phoneHash)
  if (!found) throw new ActionError('NICKNAME_NOT_FOUND')
  return found
}

// ---- 忘记密码 → 重置密码 ----

/** The reserved phone of the account a reset code goes to (core/accountRecovery.ts), if any. */
async function resetPhone(ctx: ActionContext, principal: NicknamePrincipalDoc): Promise<string | null> {
  const page = await ctx.store.query<Stored<AccountDoc>>(collections.accounts, {
    where: [
      { field: 'idNumberHash', op: 'eq', value: principal.registeredIdNumberHash },
      { field: 'userType', op: 'eq', value: principal.userType },
    ],
    orderBy: { field: 'id', direction: 'asc' },
    limit: 50,
  })
  const accounts: AccountDoc[] = [...page.items]
  for (const id of principal.legacyAccountIds) {
    if (accounts.some((a) => a.id === id)) continue
    const legacy = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, id)
    if (legacy) accounts.push(legacy)
  }
  const account = resetPhoneAccount(principal, accounts)
  return account ? accountPhone(ctx, account) : null
}

function resetText(code: string): string {
  return `【浙江ETC】您正在重置浙江ETC网站昵称的登录密码，验证码为${code}，${smsCodeRules.ttlSeconds / 60}分钟内有效。如非本人操作，请勿将验证码告诉任何人。`
}

/**
 * 重置密码 step 1: the registered details, limited like a login (wrong details count toward the
 * nickname lockout); a match texts a code to the account's reserved phone, shown masked. The
 * details alone are no secret, so they never change the password by themselves.
 */
export async function sendResetPasswordCode(
  ctx: ActionContext,
  input: ParsedRequest<'auth.sendResetPasswordCode'>,
): Promise<ActionResponses['auth.sendResetPasswordCode']> {
  const idNumber = validIdNumber(input.idType, input.idNumber, input.userType)
  const lock = nicknameLock(ctx, input.userType, input.nickname)
  await refuseWhileLocked(ctx, lock, 'reset')
  await consumeCaptcha(ctx, input.captchaId, input.captchaText)
  const principal = await nicknamePrincipal(ctx, nicknamePrincipalId(input.userType, input.nickname))
  const details = {
    userName: input.userName,
    idType: input.idType,
    idNumberHash: ctx.vault.lookupHash('idNumber', idNumber),
  }
  // One answer for an unknown nickname and for wrong details, so the form cannot probe nicknames.
  if (!principal || !resetDetailsMatch(principal, details)) {
    const left = await countFailure(ctx, lock, 'reset')
    throw new ActionError('RESET_MISMATCH', `注册信息不匹配，请核对后重试，还可尝试${left}次`)
  }
  const phone = await resetPhone(ctx, principal)
  if (!phone) throw new ActionError('RESERVED_PHONE_UNAVAILABLE')
  await sendCountedCode(ctx, {
    phoneHash: ctx.vault.lookupHash('phone', phone),
    limits: callerSendRules.map((rule) => ({ rule, key: callerKey(ctx, ctx.caller) })),
    captcha: 'checked',
    deliver: async () => ({ phone, codeId: resetCodeId(lock.targetHash), text: resetText }),
  })
  return {
    phone: maskPhone(phone),
    cooldownSeconds: smsCodeRules.cooldownSeconds,
    expiresInSeconds: smsCodeRules.ttlSeconds,
  }
}

/** 重置密码 step 2: the texted code and the new password; every session of the nickname ends. */
export async function resetPassword(
  ctx: ActionContext,
  input: ParsedRequest<'auth.resetPassword'>,
): Promise<ActionResponses['auth.resetPassword']> {
  const lock = nicknameLock(ctx, input.userType, input.nickname)
  // No code exists unless step 1 matched: an unknown nickname answers like a wrong code.
  await consumeSmsCode(ctx, resetCodeId(lock.targetHash), input.code, ctx.clock.now())
  const principal = await nicknamePrincipal(ctx, nicknamePrincipalId(input.userType, input.nickname))
  if (!principal) throw new ActionError('SMS_CODE_INVALID')
  const now = ctx.clock.now().toISOString()
  await ctx.store.update(collections.principals, principal.id, {
    passwordHash: await hashPassword(input.newPassword),
    passwordChangedAt: now,
    updatedAt: now,
  })
  // Whoever knew the old password must not stay logged in.
  await revokeOtherSessions(ctx, principal.id, null)
  await clearFailures(ctx, lock)
  return { reset: true }
}

// ---- 修改密码 ----

export async function changePassword(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.changePassword'>,
): Promise<ActionResponses['auth.changePassword']> {
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  if (principal.kind !== 'nickname') {
    throw new ActionError('FORBIDDEN', '手机号登录的用户没有密码，无需修改')
  }
  // A held session guessing the old password is a login attempt: the same lockout applies.
  const lock = nicknameLock(ctx, principal.userType, principal.nickname)
  await refuseWhileLocked(ctx, lock, 'change')
  if (!(await verifyPassword(principal.passwordHash, input.oldPassword))) {
    const left = await countFailure(ctx, lock, 'change')
    const message = `原密码错误，还可尝试${left}次`
    throw new ActionError('PASSWORD_INVALID', message, { oldPassword: message })
  }
  await clearFailures(ctx, lock)
  const now = ctx.clock.now().toISOString()
  await ctx.store.update(collections.principals, principal.id, {
    passwordHash: await hashPassword(input.newPassword),
    passwordChangedAt: now,
    updatedAt: now,
  })
  const revokedSessions = await revokeOtherSessions(ctx, principal.id, ctx.who.session)
  return { changed: true, revokedSessions }
}
