import { collections, type AccountDoc, type AlipayBindingDoc } from '../../../core/documents'
import { holderMatches, type PrincipalDoc } from '../../../core/principals'
import { smsCodeRules } from '../../../core/smsCodes'
import { applyRateRule, perShanghaiDay, rateLimitId, type RateRule } from '../../../core/rateLimits'
import { maskPhone } from '../../../core/masking'
import { wechatBindingTtlSeconds } from '../../../core/sessionTokens'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { RateLimitDoc } from '../../../core/documents'
import { ActionError, type ActionContext, type PrincipalIdentity } from '../context'
import { resolvePrincipal } from '../identity'
import { validIdNumber } from './authNickname'
import { alipayUserKey, platformAuthOf, platformCall } from './authPlatform'
import {
  accountPhone,
  chooseAccount,
  issueToken,
  legacyAccount,
  loadPrincipal,
  loginResult,
  reachableAccounts,
  revokeSession,
} from './authSessions'
import { captchaProofOf, consumeSmsCode, sendCountedCode } from './authSmsCode'
import { accountSummary, type Stored } from './views'

/** Actions of a logged-in principal that may not have bound or chosen an account yet. */
export interface PrincipalContext extends ActionContext {
  who: PrincipalIdentity
}

/**
 * The router knows only public and account actions; these resolve the principal themselves,
 * from the platform context or the token exactly as account actions do.
 */
export function principalHandler<I>(run: (ctx: PrincipalContext, input: I) => Promise<unknown>) {
  return {
    access: 'public' as const,
    run: async (ctx: ActionContext, input: I) => run({ ...ctx, who: await resolvePrincipal(ctx) }, input),
  }
}

/** Wrong binding proofs per principal per Shanghai day, so ID numbers cannot be enumerated. */
const bindFailureRule: RateRule = { name: 'bind-fail-day', limit: 5, window: perShanghaiDay }

async function refuseIfTooManyBindFailures(ctx: ActionContext, principalId: string): Promise<void> {
  const doc = await ctx.store.get<Stored<RateLimitDoc>>(
    collections.rateLimits,
    rateLimitId(bindFailureRule, principalId),
  )
  if (!applyRateRule(doc, bindFailureRule, principalId, ctx.clock.now()).allowed) {
    throw new ActionError('RATE_LIMITED', '信息校验失败次数过多，请明天再试')
  }
}

async function countBindFailure(ctx: ActionContext, principalId: string): Promise<void> {
  const now = ctx.clock.now()
  await ctx.store.transaction(async (tx) => {
    const id = rateLimitId(bindFailureRule, principalId)
    const decision = applyRateRule(
      await tx.get<Stored<RateLimitDoc>>(collections.rateLimits, id),
      bindFailureRule,
      principalId,
      now,
    )
    if (decision.allowed) await tx.set(collections.rateLimits, id, { ...decision.next })
  })
}

/** Candidate accounts a binding proof may match: the phone's accounts, or the holder's by ID. */
async function bindCandidates(
  ctx: ActionContext,
  principal: PrincipalDoc,
  idNumberHash: string,
): Promise<AccountDoc[]> {
  const page = await ctx.store.query<Stored<AccountDoc>>(collections.accounts, {
    where:
      principal.kind === 'phone'
        ? [
            { field: 'loginPhoneHash', op: 'eq', value: principal.phoneHash },
            { field: 'userType', op: 'eq', value: principal.userType },
          ]
        : [
            { field: 'idNumberHash', op: 'eq', value: idNumberHash },
            { field: 'userType', op: 'eq', value: principal.userType },
          ],
    orderBy: { field: 'id', direction: 'asc' },
    limit: 50,
  })
  return page.items
}

export async function bind(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.bind'>,
): Promise<ActionResponses['auth.bind']> {
  const idNumber = validIdNumber(input.idType, input.idNumber, input.userType)
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  if (input.userType !== principal.userType) {
    throw new ActionError(
      'BINDING_MISMATCH',
      principal.userType === 'unit' ? '请填写单位信息进行校验' : '请填写个人信息进行校验',
    )
  }
  await refuseIfTooManyBindFailures(ctx, principal.id)
  const idNumberHash = ctx.vault.lookupHash('idNumber', idNumber)
  const proof = { userType: input.userType, name: input.name, idType: input.idType, idNumberHash }
  const matched = (await bindCandidates(ctx, principal, idNumberHash)).some((a) => holderMatches(a, proof))
  if (!matched) {
    await countBindFailure(ctx, principal.id)
    throw new ActionError('BINDING_MISMATCH')
  }
  const bound: PrincipalDoc = {
    ...principal,
    bindingState: 'bound',
    verifiedIdHashes: principal.verifiedIdHashes.includes(idNumberHash)
      ? principal.verifiedIdHashes
      : [...principal.verifiedIdHashes, idNumberHash],
    updatedAt: ctx.clock.now().toISOString(),
  }
  await ctx.store.update(collections.principals, principal.id, {
    bindingState: bound.bindingState,
    verifiedIdHashes: bound.verifiedIdHashes,
    updatedAt: bound.updatedAt,
  })
  return afterBinding(ctx, bound)
}

/** After a binding: straight home with a single account, otherwise let the user choose (账号登录). */
async function afterBinding(ctx: PrincipalContext, principal: PrincipalDoc) {
  const reachable = await reachableAccounts(ctx, principal)
  const current =
    reachable.find((a) => a.id === ctx.who.accountId) ?? (reachable.length === 1 ? reachable[0] : null)
  if (current && current.id !== ctx.who.accountId)
    return chooseAccount(ctx, ctx.who, principal, current, reachable)
  return loginResult(ctx, principal, { expiresAt: ctx.who.expiresAt }, current, reachable)
}

function legacyCodeId(principalId: string): string {
  return `legacy:${principalId}`
}

export async function sendLegacyBindingCode(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.sendLegacyBindingCode'>,
): Promise<ActionResponses['auth.sendLegacyBindingCode']> {
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  const legacy = principal.bindingState === 'legacyPending' ? await legacyAccount(ctx, principal) : null
  if (!legacy) throw new ActionError('FORBIDDEN', '当前账号无需短信确认')
  const phone = accountPhone(ctx, legacy)
  // The reserved phone's own daily quota, cooldown and captcha rule apply, whoever asks for the code.
  await sendCountedCode(ctx, {
    phoneHash: ctx.vault.lookupHash('phone', phone),
    limits: [],
    captcha: captchaProofOf(input),
    deliver: async () => ({
      phone,
      codeId: legacyCodeId(principal.id),
      text: (code) =>
        `【浙江ETC】您正在确认原门户网站的账号绑定，验证码为${code}，${smsCodeRules.ttlSeconds / 60}分钟内有效。请勿泄露给他人。`,
    }),
  })
  return {
    phone: maskPhone(phone),
    cooldownSeconds: smsCodeRules.cooldownSeconds,
    expiresInSeconds: smsCodeRules.ttlSeconds,
  }
}

export async function confirmLegacyBinding(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.confirmLegacyBinding'>,
): Promise<ActionResponses['auth.confirmLegacyBinding']> {
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  if (principal.kind !== 'nickname' || principal.bindingState !== 'legacyPending') {
    throw new ActionError('FORBIDDEN', '当前账号无需短信确认')
  }
  const now = ctx.clock.now()
  const codeId = legacyCodeId(principal.id)
  await consumeSmsCode(ctx, codeId, input.code, now)
  const hashes = new Set(principal.verifiedIdHashes)
  for (const id of principal.legacyAccountIds) {
    const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, id)
    // Accounts closed since the legacy binding are simply not carried over.
    if (account && account.userType === principal.userType) hashes.add(account.idNumberHash)
  }
  const bound: PrincipalDoc = {
    ...principal,
    bindingState: 'bound',
    verifiedIdHashes: [...hashes],
    updatedAt: now.toISOString(),
  }
  await ctx.store.update(collections.principals, principal.id, {
    bindingState: bound.bindingState,
    verifiedIdHashes: bound.verifiedIdHashes,
    updatedAt: bound.updatedAt,
  })
  return afterBinding(ctx, bound)
}

export async function accounts(ctx: PrincipalContext): Promise<ActionResponses['auth.accounts']> {
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  const reachable = await reachableAccounts(ctx, principal)
  const current = reachable.find((a) => a.id === ctx.who.accountId)
  return { current: current ? accountSummary(current) : null, accounts: reachable.map(accountSummary) }
}

export async function switchAccount(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.switchAccount'>,
): Promise<ActionResponses['auth.switchAccount']> {
  const principal = await loadPrincipal(ctx, ctx.who.principalId)
  const reachable = await reachableAccounts(ctx, principal)
  const target = reachable.find((a) => a.id === input.accountId)
  // Same answer for a missing account and for someone else's, so ids cannot be probed.
  if (!target) throw new ActionError('NOT_FOUND', '账户不存在或当前登录身份无法访问')
  return chooseAccount(ctx, ctx.who, principal, target, reachable)
}

export async function refresh(ctx: PrincipalContext): Promise<ActionResponses['auth.refresh']> {
  if (ctx.who.session.kind === 'wechat') {
    const expiresAt = new Date(ctx.clock.now().getTime() + wechatBindingTtlSeconds * 1000).toISOString()
    await ctx.store.update(collections.wechatBindings, ctx.who.session.openid, { expiresAt })
    return { expiresAt }
  }
  const account = ctx.who.accountId
    ? await ctx.store.get<Stored<AccountDoc>>(collections.accounts, ctx.who.accountId)
    : null
  const grant = await issueToken(ctx, ctx.who.principalId, ctx.who.userType, account)
  await revokeSession(ctx, ctx.who.session)
  return grant
}

export async function logout(ctx: PrincipalContext): Promise<ActionResponses['auth.logout']> {
  await revokeSession(ctx, ctx.who.session)
  return { loggedOut: true }
}

export async function alipaySession(
  ctx: PrincipalContext,
  input: ParsedRequest<'auth.alipaySession'>,
): Promise<ActionResponses['auth.alipaySession']> {
  const platform = platformAuthOf(ctx)
  if (ctx.who.session.kind !== 'token') {
    throw new ActionError('LOGIN_METHOD_UNAVAILABLE', '仅支付宝小程序可保持登录')
  }
  const userId = await platformCall(() => platform.alipayOAuth.userIdOf(input.authCode))
  const binding: AlipayBindingDoc = {
    id: alipayUserKey(ctx, userId),
    principalId: ctx.who.principalId,
    accountId: ctx.who.accountId,
    boundAt: ctx.clock.now().toISOString(),
  }
  await ctx.store.set(collections.alipayBindings, binding.id, { ...binding })
  const account = ctx.who.accountId
    ? await ctx.store.get<Stored<AccountDoc>>(collections.accounts, ctx.who.accountId)
    : null
  const grant = await issueToken(ctx, ctx.who.principalId, ctx.who.userType, account)
  await revokeSession(ctx, ctx.who.session)
  return grant
}
