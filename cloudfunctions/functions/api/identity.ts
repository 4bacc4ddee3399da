import { collections, type AccountDoc, type SessionDoc, type WechatBindingDoc } from '../../core/documents'
import {
  checkOperatorSession,
  type OperatorDoc,
  type OperatorSessionDoc,
} from '../../core/operators/operatorAccounts'
import { isOperatorToken, verifyOperatorToken } from '../../core/operators/operatorTokens'
import { callerKey } from './actions/authLockout'
import { verifySessionToken } from '../../core/sessionTokens'
import type { OperatorRole } from '../../../types/actions/operator'
import {
  ActionError,
  type ActionContext,
  type Identity,
  type OperatorIdentity,
  type PrincipalIdentity,
} from './context'

/** What finding the session of a call needs (also the export download, outside the router). */
export type SessionLookup = Pick<ActionContext, 'caller' | 'store' | 'clock' | 'secrets'>

/**
 * The logged-in principal, from the platform only: the WeChat OPENID binding or a signed,
 * unrevoked token. The token's subject is the principal id (see actions/authSessions.ts).
 */
export async function resolvePrincipal(ctx: SessionLookup): Promise<PrincipalIdentity> {
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
  // An operator's token never stands for a driver (operator tokens are another kind: operatorTokens.ts).
  if (isOperatorToken(caller.token)) throw new ActionError('FORBIDDEN', operatorOnlyDriverMessage)
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
export async function resolveIdentity(ctx: SessionLookup): Promise<Identity> {
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

const otherChannel = '该登录不能在此使用，请在本机重新登录操作员账号'

const operatorOnlyDriverMessage = '操作员账号不能办理车主业务，请使用车主账号登录'

/**
 * Operator actions: an operator token (never a driver's token, never an OPENID alone) whose session
 * is live, whose operator is enabled and holds `role`, presented on the channel the session was
 * opened on: a WeChat session by the OPENID that logged in, an HTTP session over HTTP only.
 */
export async function resolveOperator(
  ctx: ActionContext,
  role: OperatorRole | null,
): Promise<OperatorIdentity> {
  const { caller, store, clock } = ctx
  const now = clock.now()
  const token = caller.platform === 'wechat' ? (caller.operatorToken ?? null) : caller.token
  if (!token) throw new ActionError('UNAUTHENTICATED', '请先以操作员身份登录')
  const check = await verifyOperatorToken(token, ctx.secrets.sessionKey, now)
  if (!check.ok) {
    if (check.reason === 'notOperator') throw new ActionError('FORBIDDEN', '该功能仅限操作员使用')
    throw new ActionError(check.reason === 'expired' ? 'SESSION_EXPIRED' : 'SESSION_INVALID')
  }
  const session = await store.get<OperatorSessionDoc & { [key: string]: unknown }>(
    collections.operatorSessions,
    check.claims.sessionId,
  )
  if (!session || session.operatorId !== check.claims.operatorId) throw new ActionError('SESSION_INVALID')
  const boundTo = caller.platform === 'wechat' ? callerKey(ctx, caller) : null
  if ((session.wechatCaller ?? null) !== boundTo) throw new ActionError('SESSION_INVALID', otherChannel)
  const operator = await store.get<OperatorDoc & { [key: string]: unknown }>(
    collections.operators,
    session.operatorId,
  )
  if (!operator) throw new ActionError('SESSION_INVALID')
  const live = checkOperatorSession(session, operator, now)
  if (!live.ok) {
    if (live.reason === 'expired') throw new ActionError('SESSION_EXPIRED')
    if (live.reason === 'disabled') throw new ActionError('SESSION_INVALID', '操作员账号已停用，请联系管理员')
    if (live.reason === 'revoked') throw new ActionError('SESSION_INVALID', '您已退出登录，请重新登录')
    throw new ActionError('SESSION_INVALID', '密码已重置，请重新登录')
  }
  if (role && !operator.roles.includes(role)) throw new ActionError('FORBIDDEN', '当前操作员没有此项权限')
  return {
    operatorId: operator.id,
    loginName: operator.loginName,
    name: operator.name,
    roles: operator.roles,
    outletId: operator.outletId,
    sessionId: session.id,
    expiresAt: session.expiresAt,
  }
}
