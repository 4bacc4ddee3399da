import { collections, type AccountDoc, type SessionDoc, type WechatBindingDoc } from '../../core/documents'
import { verifySessionToken } from '../../core/sessionTokens'
import { ActionError, type ActionContext, type Identity } from './context'

/** Identity comes only from the platform: the WeChat OPENID binding or a signed, unrevoked token. */
export async function resolveIdentity(ctx: ActionContext): Promise<Identity> {
  const { caller, store, clock } = ctx
  const now = clock.now()
  if (caller.platform === 'wechat') {
    if (!caller.openid) throw new ActionError('UNAUTHENTICATED')
    const binding = await store.get<WechatBindingDoc & { [key: string]: unknown }>(
      collections.wechatBindings,
      caller.openid,
    )
    if (!binding) throw new ActionError('UNAUTHENTICATED')
    if (Date.parse(binding.expiresAt) <= now.getTime()) throw new ActionError('SESSION_EXPIRED')
    await requireAccount(ctx, binding.accountId)
    return {
      accountId: binding.accountId,
      userType: binding.userType,
      loginPhoneHash: binding.loginPhoneHash,
      session: { kind: 'wechat', openid: caller.openid },
    }
  }
  if (!caller.token) throw new ActionError('UNAUTHENTICATED')
  const check = await verifySessionToken(caller.token, ctx.secrets.sessionKey, now)
  if (!check.ok) throw new ActionError(check.reason === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID')
  const session = await store.get<SessionDoc & { [key: string]: unknown }>(
    collections.sessions,
    check.claims.sessionId,
  )
  if (!session || session.accountId !== check.claims.accountId) throw new ActionError('SESSION_INVALID')
  if (session.revokedAt) throw new ActionError('SESSION_INVALID', '您已退出登录，请重新登录')
  if (Date.parse(session.expiresAt) <= now.getTime()) throw new ActionError('SESSION_EXPIRED')
  await requireAccount(ctx, session.accountId)
  return {
    accountId: session.accountId,
    userType: session.userType,
    loginPhoneHash: session.loginPhoneHash,
    session: { kind: 'token', sessionId: session.id },
  }
}

async function requireAccount(ctx: ActionContext, accountId: string): Promise<void> {
  const account = await ctx.store.get<AccountDoc & { [key: string]: unknown }>(
    collections.accounts,
    accountId,
  )
  if (!account) throw new ActionError('SESSION_INVALID', '账户已不可用，请重新登录')
}
