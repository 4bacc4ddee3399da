import { randomUUID } from 'node:crypto'
import {
  collections,
  type AccountDoc,
  type Instant,
  type SessionDoc,
  type WechatBindingDoc,
} from '../../../core/documents'
import { maskPhone } from '../../../core/masking'
import { defaultAccount, reaches, type PrincipalDoc } from '../../../core/principals'
import { signSessionToken, wechatBindingTtlSeconds } from '../../../core/sessionTokens'
import {
  personalIdTypes,
  unitIdTypes,
  type AccountSummary,
  type LoginHome,
  type LoginResult,
  type PrincipalSummary,
} from '../../../../types/actions/auth'
import { ActionError, type ActionContext, type PrincipalIdentity, type SessionRef } from '../context'
import { accountSummary, type Stored } from './views'

/** Sessions of principals: creation, the login answer, account choice and revocation. */

export async function loadPrincipal(ctx: ActionContext, id: string): Promise<PrincipalDoc> {
  const principal = await ctx.store.get<Stored<PrincipalDoc>>(collections.principals, id)
  if (!principal) throw new ActionError('SESSION_INVALID')
  return principal
}

/** Every account the principal reaches now (re-evaluated each time, never cached in the session). */
export async function reachableAccounts(ctx: ActionContext, principal: PrincipalDoc): Promise<AccountDoc[]> {
  if (principal.bindingState !== 'bound') return []
  let items: AccountDoc[]
  if (principal.kind === 'phone') {
    const page = await ctx.store.query<Stored<AccountDoc>>(collections.accounts, {
      where: [
        { field: 'loginPhoneHash', op: 'eq', value: principal.phoneHash },
        { field: 'userType', op: 'eq', value: principal.userType },
      ],
      orderBy: { field: 'id', direction: 'asc' },
      limit: 50,
    })
    items = page.items
  } else {
    if (principal.verifiedIdHashes.length === 0) return []
    const page = await ctx.store.query<Stored<AccountDoc>>(collections.accounts, {
      where: [
        { field: 'idNumberHash', op: 'in', value: principal.verifiedIdHashes },
        { field: 'userType', op: 'eq', value: principal.userType },
      ],
      orderBy: { field: 'id', direction: 'asc' },
      limit: 50,
    })
    items = page.items
  }
  return items.filter((a) => reaches(principal, a))
}

export function principalSummary(ctx: ActionContext, principal: PrincipalDoc): PrincipalSummary {
  return {
    kind: principal.kind,
    userType: principal.userType,
    display: principal.kind === 'phone' ? maskPhone(ctx.vault.open(principal.phone)) : principal.nickname,
  }
}

/** The reserved phone a legacy-bound nickname confirms with: that of its first legacy account. */
export async function legacyAccount(ctx: ActionContext, principal: PrincipalDoc): Promise<AccountDoc | null> {
  if (principal.kind !== 'nickname') return null
  for (const id of principal.legacyAccountIds) {
    const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, id)
    if (account && account.userType === principal.userType) return account
  }
  return null
}

export function accountPhone(ctx: ActionContext, account: AccountDoc): string {
  return ctx.vault.open(account.userType === 'unit' ? account.agentPhone : account.phone)
}

interface Grant {
  token?: string
  expiresAt: Instant
}

/** What the client does next, as explicit states (types/actions/auth.ts LoginResult). */
export async function loginResult(
  ctx: ActionContext,
  principal: PrincipalDoc,
  grant: Grant,
  chosen: AccountDoc | null,
  reachable: AccountDoc[],
): Promise<LoginResult> {
  const base = { ...grant, principal: principalSummary(ctx, principal) }
  const accounts: AccountSummary[] = reachable.map(accountSummary)
  if (principal.bindingState === 'legacyPending') {
    const legacy = await legacyAccount(ctx, principal)
    if (legacy) {
      return {
        ...base,
        next: 'confirmLegacy',
        account: null,
        accounts: [],
        legacyPhone: maskPhone(accountPhone(ctx, legacy)),
      }
    }
  }
  if (reachable.length === 0) {
    const idTypes = principal.userType === 'unit' ? [...unitIdTypes] : [...personalIdTypes]
    return { ...base, next: 'bind', account: null, accounts: [], idTypes }
  }
  if (!chosen) return { ...base, next: 'chooseAccount', account: null, accounts }
  return { ...base, next: 'home', account: accountSummary(chosen), accounts }
}

/** Opens a session for the principal on this caller and answers the login state. */
export async function startSession(ctx: ActionContext, principal: PrincipalDoc): Promise<LoginResult> {
  const reachable = await reachableAccounts(ctx, principal)
  const chosen = defaultAccount(principal, reachable)
  const grant = await openSession(ctx, principal, chosen)
  return loginResult(ctx, principal, grant, chosen, reachable)
}

export async function openSession(
  ctx: ActionContext,
  principal: PrincipalDoc,
  chosen: AccountDoc | null,
): Promise<{ token?: string; expiresAt: Instant }> {
  const now = ctx.clock.now()
  if (ctx.caller.platform === 'wechat') {
    const expiresAt = new Date(now.getTime() + wechatBindingTtlSeconds * 1000).toISOString()
    const binding: WechatBindingDoc = {
      id: ctx.caller.openid,
      principalId: principal.id,
      accountId: chosen?.id ?? null,
      userType: principal.userType,
      loginPhoneHash: chosen?.loginPhoneHash ?? '',
      boundAt: now.toISOString(),
      expiresAt,
    }
    await ctx.store.set(collections.wechatBindings, binding.id, { ...binding })
    return { expiresAt }
  }
  return issueToken(ctx, principal.id, principal.userType, chosen)
}

/** A new token session; the subject is the principal, so switching accounts keeps the token valid. */
export async function issueToken(
  ctx: ActionContext,
  principalId: string,
  userType: PrincipalDoc['userType'],
  chosen: AccountDoc | null,
): Promise<{ token: string; expiresAt: Instant }> {
  const now = ctx.clock.now()
  const sessionId = randomUUID()
  const { token, expiresAt } = await signSessionToken(
    { accountId: principalId, sessionId },
    ctx.secrets.sessionKey,
    now,
  )
  const session: SessionDoc = {
    id: sessionId,
    principalId,
    accountId: chosen?.id ?? null,
    userType,
    loginPhoneHash: chosen?.loginPhoneHash ?? '',
    createdAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    revokedAt: null,
  }
  await ctx.store.set(collections.sessions, sessionId, { ...session })
  return { token, expiresAt: session.expiresAt }
}

/** Points the caller's session at the account and remembers it for the next login. */
export async function chooseAccount(
  ctx: ActionContext,
  who: PrincipalIdentity,
  principal: PrincipalDoc,
  account: AccountDoc,
  reachable: AccountDoc[],
): Promise<LoginHome> {
  const patch = { accountId: account.id, loginPhoneHash: account.loginPhoneHash }
  if (who.session.kind === 'wechat') {
    await ctx.store.update(collections.wechatBindings, who.session.openid, patch)
  } else {
    await ctx.store.update(collections.sessions, who.session.sessionId, patch)
  }
  await ctx.store.update(collections.principals, principal.id, {
    lastAccountId: account.id,
    updatedAt: ctx.clock.now().toISOString(),
  })
  return {
    expiresAt: who.expiresAt,
    principal: principalSummary(ctx, principal),
    next: 'home',
    account: accountSummary(account),
    accounts: reachable.map(accountSummary),
  }
}

export async function revokeSession(ctx: ActionContext, session: SessionRef): Promise<void> {
  if (session.kind === 'wechat') {
    await ctx.store.remove(collections.wechatBindings, session.openid)
  } else {
    await ctx.store.update(collections.sessions, session.sessionId, {
      revokedAt: ctx.clock.now().toISOString(),
    })
  }
}

/**
 * Ends every session of the principal except `keep`: tokens, WeChat bindings and Alipay
 * resumptions (an Alipay binding would otherwise bring a session back after a password change).
 */
export async function revokeOtherSessions(
  ctx: ActionContext,
  principalId: string,
  keep: SessionRef | null,
): Promise<number> {
  const now = ctx.clock.now().toISOString()
  let revoked = 0
  for (;;) {
    const page = await ctx.store.query<Stored<SessionDoc>>(collections.sessions, {
      where: [
        { field: 'principalId', op: 'eq', value: principalId },
        { field: 'revokedAt', op: 'eq', value: null },
      ],
      limit: 100,
    })
    const targets = page.items.filter((s) => !(keep?.kind === 'token' && keep.sessionId === s.id))
    for (const s of targets) await ctx.store.update(collections.sessions, s.id, { revokedAt: now })
    revoked += targets.length
    if (targets.length === 0 || !page.nextCursor) break
  }
  for (const name of [collections.wechatBindings, collections.alipayBindings]) {
    const page = await ctx.store.query<{ id: string; [key: string]: unknown }>(name, {
      where: [{ field: 'principalId', op: 'eq', value: principalId }],
      limit: 100,
    })
    for (const doc of page.items) {
      if (keep?.kind === 'wechat' && keep.openid === doc.id) continue
      await ctx.store.remove(name, doc.id)
      if (name === collections.wechatBindings) revoked += 1
    }
  }
  return revoked
}
