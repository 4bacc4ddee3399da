import { collections, type AccountDoc, type AlipayBindingDoc } from '../../../core/documents'
import { defaultAccount, type PrincipalDoc } from '../../../core/principals'
import { PlatformAuthError, type PlatformAuth } from '../../../ports/platformAuth'
import { phoneSchema } from '../../../../types/common'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { ActionError, type ActionContext } from '../context'
import { phoneLogin } from './auth'
import { loginResult, openSession, reachableAccounts } from './authSessions'
import type { Stored } from './views'

/** Logins that the mini-program platforms vouch for: phone-number authorization and Alipay resume. */

export function platformAuthOf(ctx: ActionContext): PlatformAuth {
  if (!ctx.platformAuth) throw new ActionError('LOGIN_METHOD_UNAVAILABLE')
  return ctx.platformAuth
}

/** Platform failures become typed answers; anything else stays an internal error. */
export async function platformCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof PlatformAuthError) {
      if (error.reason === 'unavailable')
        throw new ActionError('LOGIN_METHOD_UNAVAILABLE', '平台授权服务暂不可用，请稍后再试或使用短信登录')
      throw new ActionError('PLATFORM_AUTH_FAILED')
    }
    throw error
  }
}

/** The Alipay user id is stored only as a keyed hash. */
export function alipayUserKey(ctx: ActionContext, userId: string): string {
  return ctx.vault.lookupHash('caller', `alipay:${userId}`)
}

/** Platforms may answer +86 or spaces; anything that is not a mainland mobile is refused. */
function mainlandPhone(raw: string): string {
  const digits = raw.replace(/[\s-]/g, '').replace(/^(\+?86)/, '')
  const parsed = phoneSchema.safeParse(digits)
  if (!parsed.success) throw new ActionError('PLATFORM_AUTH_FAILED', '授权的手机号不是有效的大陆手机号')
  return parsed.data
}

export async function loginByWechatPhone(
  ctx: ActionContext,
  input: ParsedRequest<'auth.loginByWechatPhone'>,
): Promise<ActionResponses['auth.loginByWechatPhone']> {
  const platform = platformAuthOf(ctx)
  const phone = mainlandPhone(await platformCall(() => platform.wechatPhone.phoneNumberOf(input.code)))
  return phoneLogin(ctx, phone, input.userType, 'PHONE_NOT_REGISTERED')
}

export async function loginByAlipayPhone(
  ctx: ActionContext,
  input: ParsedRequest<'auth.loginByAlipayPhone'>,
): Promise<ActionResponses['auth.loginByAlipayPhone']> {
  const platform = platformAuthOf(ctx)
  const phone = mainlandPhone(
    await platformCall(() =>
      platform.alipayPhone.phoneNumberOf({ response: input.response, sign: input.sign }),
    ),
  )
  return phoneLogin(ctx, phone, input.userType, 'PHONE_NOT_REGISTERED')
}

export async function resumeAlipay(
  ctx: ActionContext,
  input: ParsedRequest<'auth.resumeAlipay'>,
): Promise<ActionResponses['auth.resumeAlipay']> {
  const platform = platformAuthOf(ctx)
  if (ctx.caller.platform !== 'http')
    throw new ActionError('LOGIN_METHOD_UNAVAILABLE', '仅支付宝小程序支持此操作')
  const userId = await platformCall(() => platform.alipayOAuth.userIdOf(input.authCode))
  const binding = await ctx.store.get<Stored<AlipayBindingDoc>>(
    collections.alipayBindings,
    alipayUserKey(ctx, userId),
  )
  if (!binding) return { resumed: false }
  const principal = await ctx.store.get<Stored<PrincipalDoc>>(collections.principals, binding.principalId)
  if (!principal) return { resumed: false }
  const reachable = await reachableAccounts(ctx, principal)
  // The remembered account only if the principal still reaches it (a binding may have changed).
  const chosen: AccountDoc | null =
    reachable.find((a) => a.id === binding.accountId) ?? defaultAccount(principal, reachable)
  const grant = await openSession(ctx, principal, chosen)
  return { resumed: true, login: await loginResult(ctx, principal, grant, chosen, reachable) }
}
