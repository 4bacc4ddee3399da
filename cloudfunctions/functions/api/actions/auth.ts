import { collections, type AccountDoc, type RateLimitDoc } from '../../../core/documents'
import { phonePrincipalId, type PhonePrincipalDoc, type PrincipalDoc } from '../../../core/principals'
import { applyRateRule, rateLimitId, type RateRule } from '../../../core/rateLimits'
import {
  callerSendRules,
  generateSmsCode,
  newSmsCodeDoc,
  phoneSendRules,
  smsCodeId,
  smsCodeRules,
} from '../../../core/smsCodes'
import type { LoginResult } from '../../../../types/actions/auth'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { UserType } from '../../../../types/enums'
import type { ErrorCode } from '../../../../types/errors'
import { ActionError, type ActionContext } from '../context'
import { callerKey } from './authNickname'
import { startSession } from './authSessions'
import { consumeSmsCode } from './authSmsCode'
import type { Stored } from './views'

/** Accounts a phone reaches for a user type, oldest id first so the default pick is stable. */
async function accountsReachedBy(
  ctx: ActionContext,
  phoneHash: string,
  userType: UserType,
): Promise<AccountDoc[]> {
  const page = await ctx.store.query<Stored<AccountDoc>>(collections.accounts, {
    where: [
      { field: 'loginPhoneHash', op: 'eq', value: phoneHash },
      { field: 'userType', op: 'eq', value: userType },
    ],
    orderBy: { field: 'id', direction: 'asc' },
    limit: 50,
  })
  return page.items
}

function smsText(code: string): string {
  return `【浙江ETC】您的验证码为${code}，${smsCodeRules.ttlSeconds / 60}分钟内有效。请勿泄露给他人。`
}

export async function sendSmsCode(
  ctx: ActionContext,
  input: ParsedRequest<'auth.sendSmsCode'>,
): Promise<ActionResponses['auth.sendSmsCode']> {
  const now = ctx.clock.now()
  const phoneHash = ctx.vault.lookupHash('phone', input.phone)
  // The answer must not reveal whether the phone is registered, so limits count every
  // request and only the sending itself depends on the lookup.
  const registered = (await accountsReachedBy(ctx, phoneHash, input.userType)).length > 0
  const code = registered ? generateSmsCode() : null
  const codeId = smsCodeId(input.userType, phoneHash)

  const limits: Array<{ rule: RateRule; key: string }> = [
    ...phoneSendRules.map((rule) => ({ rule, key: phoneHash })),
    ...callerSendRules.map((rule) => ({ rule, key: callerKey(ctx, ctx.caller) })),
  ]
  const denial = await ctx.store.transaction(async (tx) => {
    const next: RateLimitDoc[] = []
    for (const { rule, key } of limits) {
      const current = await tx.get<Stored<RateLimitDoc>>(collections.rateLimits, rateLimitId(rule, key))
      const decision = applyRateRule(current, rule, key, now)
      if (!decision.allowed) return { rule, ...decision }
      next.push(decision.next)
    }
    for (const doc of next) await tx.set(collections.rateLimits, doc.id, { ...doc })
    if (code) {
      const doc = newSmsCodeDoc(codeId, ctx.vault.lookupHash('smsCode', `${codeId}:${code}`), now)
      await tx.set(collections.smsCodes, codeId, { ...doc })
    }
    return null
  })
  if (denial) {
    if (denial.reason === 'interval') {
      throw new ActionError('RATE_LIMITED', `验证码已发送，请${denial.retryAfterSeconds}秒后再试`)
    }
    if (phoneSendRules.includes(denial.rule)) {
      throw new ActionError('RATE_LIMITED', '该手机号今日获取验证码次数已达上限，请明天再试')
    }
    throw new ActionError('RATE_LIMITED')
  }
  if (code) await ctx.sms.send({ phone: input.phone, code, text: smsText(code) })
  return { cooldownSeconds: smsCodeRules.cooldownSeconds, expiresInSeconds: smsCodeRules.ttlSeconds }
}

export async function loginBySms(
  ctx: ActionContext,
  input: ParsedRequest<'auth.loginBySms'>,
): Promise<ActionResponses['auth.loginBySms']> {
  const now = ctx.clock.now()
  const phoneHash = ctx.vault.lookupHash('phone', input.phone)
  const codeId = smsCodeId(input.userType, phoneHash)
  await consumeSmsCode(ctx, codeId, input.code, now)
  // Same answer as a wrong code, so the login form cannot be used to probe registrations.
  return phoneLogin(ctx, input.phone, input.userType, 'SMS_CODE_INVALID')
}

/**
 * A phone the caller has proved (SMS code or platform authorization) logs in as its principal,
 * created unbound on its first login so it must bind (信息校验) before seeing any account.
 */
export async function phoneLogin(
  ctx: ActionContext,
  phone: string,
  userType: UserType,
  unknownPhone: ErrorCode,
): Promise<LoginResult> {
  const phoneHash = ctx.vault.lookupHash('phone', phone)
  if ((await accountsReachedBy(ctx, phoneHash, userType)).length === 0) throw new ActionError(unknownPhone)
  const id = phonePrincipalId(userType, phoneHash)
  const now = ctx.clock.now().toISOString()
  const principal = await ctx.store.transaction(async (tx): Promise<PrincipalDoc> => {
    const existing = await tx.get<Stored<PrincipalDoc>>(collections.principals, id)
    if (existing) return existing
    const created: PhonePrincipalDoc = {
      id,
      kind: 'phone',
      userType,
      phoneHash,
      phone: ctx.vault.seal(phone),
      bindingState: 'unbound',
      verifiedIdHashes: [],
      lastAccountId: null,
      createdAt: now,
      updatedAt: now,
    }
    await tx.set(collections.principals, id, { ...created })
    return created
  })
  return startSession(ctx, principal)
}
