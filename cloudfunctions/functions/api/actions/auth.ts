import { collections, type AccountDoc } from '../../../core/documents'
import { phonePrincipalId, type PhonePrincipalDoc, type PrincipalDoc } from '../../../core/principals'
import { callerSendRules, smsCodeId, smsCodeRules } from '../../../core/smsCodes'
import type { LoginResult } from '../../../../types/actions/auth'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { UserType } from '../../../../types/enums'
import type { ErrorCode } from '../../../../types/errors'
import { ActionError, type ActionContext } from '../context'
import { callerKey } from './authLockout'
import { startSession } from './authSessions'
import { captchaProofOf, consumeSmsCode, sendCountedCode } from './authSmsCode'
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
  const phoneHash = ctx.vault.lookupHash('phone', input.phone)
  const caller = callerKey(ctx, ctx.caller)
  // The answer must not reveal whether the phone is registered, so limits count every
  // request and only the sending itself depends on the lookup.
  await sendCountedCode(ctx, {
    phoneHash,
    limits: callerSendRules.map((rule) => ({ rule, key: caller })),
    captcha: captchaProofOf(input),
    deliver: async () =>
      (await accountsReachedBy(ctx, phoneHash, input.userType)).length > 0
        ? { phone: input.phone, codeId: smsCodeId(input.userType, phoneHash), text: smsText }
        : null,
  })
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
