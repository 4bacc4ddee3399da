import { randomUUID } from 'node:crypto'
import {
  collections,
  type AccountDoc,
  type RateLimitDoc,
  type SessionDoc,
  type SmsCodeDoc,
  type WechatBindingDoc,
} from '../../../core/documents'
import { applyRateRule, rateLimitId, type RateRule } from '../../../core/rateLimits'
import { signSessionToken, wechatBindingTtlSeconds } from '../../../core/sessionTokens'
import {
  callerSendRules,
  checkSmsCode,
  generateSmsCode,
  newSmsCodeDoc,
  phoneSendRules,
  smsCodeId,
  smsCodeRules,
  type SmsCheck,
} from '../../../core/smsCodes'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { UserType } from '../../../../types/enums'
import { ActionError, type ActionContext, type AuthedContext, type Caller } from '../context'
import { accountSummary, type Stored } from './views'

function callerKey(ctx: ActionContext, caller: Caller): string {
  const raw = caller.platform === 'wechat' ? `wechat:${caller.openid}` : `ip:${caller.ip}`
  return ctx.vault.lookupHash('caller', raw)
}

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
  const candidate = ctx.vault.lookupHash('smsCode', `${codeId}:${input.code}`)

  const check = await ctx.store.transaction(async (tx): Promise<SmsCheck> => {
    const record = await tx.get<Stored<SmsCodeDoc>>(collections.smsCodes, codeId)
    const result = checkSmsCode(record, candidate, now)
    if (result.result === 'ok') await tx.remove(collections.smsCodes, codeId)
    if (result.result === 'wrong') await tx.set(collections.smsCodes, codeId, { ...result.next })
    return result
  })
  if (check.result === 'expired') throw new ActionError('SMS_CODE_EXPIRED')
  if (check.result !== 'ok') throw new ActionError('SMS_CODE_INVALID')

  const accounts = await accountsReachedBy(ctx, phoneHash, input.userType)
  const account = accounts[0]
  // Same answer as a wrong code, so the login form cannot be used to probe registrations.
  if (!account) throw new ActionError('SMS_CODE_INVALID')

  const summary = accountSummary(account)
  const all = accounts.map(accountSummary)
  if (ctx.caller.platform === 'wechat') {
    const expiresAt = new Date(now.getTime() + wechatBindingTtlSeconds * 1000).toISOString()
    const binding: WechatBindingDoc = {
      id: ctx.caller.openid,
      accountId: account.id,
      userType: account.userType,
      loginPhoneHash: phoneHash,
      boundAt: now.toISOString(),
      expiresAt,
    }
    await ctx.store.set(collections.wechatBindings, binding.id, { ...binding })
    return { expiresAt, account: summary, accounts: all }
  }
  const sessionId = randomUUID()
  const { token, expiresAt } = await signSessionToken(
    { accountId: account.id, sessionId },
    ctx.secrets.sessionKey,
    now,
  )
  const session: SessionDoc = {
    id: sessionId,
    accountId: account.id,
    userType: account.userType,
    loginPhoneHash: phoneHash,
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    revokedAt: null,
  }
  await ctx.store.set(collections.sessions, sessionId, { ...session })
  return { token, expiresAt: session.expiresAt, account: summary, accounts: all }
}

export async function logout(ctx: AuthedContext): Promise<ActionResponses['auth.logout']> {
  const { session } = ctx.identity
  if (session.kind === 'wechat') {
    await ctx.store.remove(collections.wechatBindings, session.openid)
  } else {
    await ctx.store.update(collections.sessions, session.sessionId, {
      revokedAt: ctx.clock.now().toISOString(),
    })
  }
  return { loggedOut: true }
}
