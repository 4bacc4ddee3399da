import { collections, type AccountDoc, type SessionDoc, type WechatBindingDoc } from '../../core/documents'
import { verifySessionToken } from '../../core/sessionTokens'
import { ActionError, type ActionContext, type Identity, type PrincipalIdentity } from './context'

/**
 * The logged-in principal, from the platform only: the WeChat OPENID binding or a signed,
 * unrevoked token. The token's subject is the principal id (see actions/authSessions.ts).
 */
export async function resolvePrincipal(ctx: ActionContext): Promise<PrincipalIdentity> {
  const { caller, store, clock } = ctx
  const now = clock.now()
  if (caller.platform === 'wechat') {
    if (!caller.openid) throw new ActionError('UNAUTHENTICATED')
    const binding = await store.get<WechatBindingDoc & { [key: string]: unknown }>(
      collections.wechatBindings,
      caller.openid,
    )
    // Bindings written before principals existed carry no principal: log in again.
    if (!binding || typeof binding.principalId !== 'string') throw new ActionError('UNAUTHENTICATED')
    if (Date.parse(binding.expiresAt) <= now.getTime()) throw new ActionError('SESSION_EXPIRED')
    return {
      principalId: binding.principalId,
      accountId: binding.accountId,
      userType: binding.userType,
      session: { kind: 'wechat', openid: caller.openid },
      expiresAt: binding.expiresAt,
    }
  }
  if (!caller.token) throw new ActionError('UNAUTHENTICATED')
  const check = await verifySessionToken(caller.token, ctx.secrets.sessionKey, now)
  if (!check.ok) throw new ActionError(check.reason === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID')
  const session = await store.get<SessionDoc & { [key: string]: unknown }>(
    collections.sessions,
    check.claims.sessionId,
  )
  // sessionTokens names the subject accountId; since principals it carries the principal id.
  if (!session || session.principalId !== check.claims.accountId) throw new ActionError('SESSION_INVALID')
  if (session.revokedAt) throw new ActionError('SESSION_INVALID', '您已退出登录，请重新登录')
  if (Date.parse(session.expiresAt) <= now.getTime()) throw new ActionError('SESSION_EXPIRED')
  return {
    principalId: session.principalId,
    accountId: session.accountId,
    userType: session.userType,
    session: { kind: 'token', sessionId: session.id },
    expiresAt: session.expiresAt,
  }
}

/** Account actions: the principal must have bound and chosen an account. */
export async function resolveIdentity(ctx: ActionContext): Promise<Identity> {
  const principal = await resolvePrincipal(ctx)
  if (!principal.accountId) throw new ActionError('BINDING_REQUIRED')
  const account = await ctx.store.get<AccountDoc & { [key: string]: unknown }>(
    collections.accounts,
    principal.accountId,
  )
  if (!account) throw new ActionError('SESSION_INVALID', '账户已不可用，请重新登录')
  return {
    accountId: account.id,
    userType: account.userType,
    loginPhoneHash: account.loginPhoneHash,
    session: principal.session,
  }
}
