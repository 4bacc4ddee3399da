import type { Caller } from './context'

/**
 * A wx.cloud.callFunction event as the api function reads it: the action and its payload, and from
 * an outlet operator's phone the operator token (callFunction carries no header). Nothing else in
 * the event counts: callFunction also injects userInfo, which is not trusted, and who calls is the
 * OPENID the platform gives.
 */
export function fromCallFunction(
  event: unknown,
  openid: string,
): { envelope: { action: unknown; payload: unknown }; caller: Caller } {
  const { action, payload, operatorToken } = (event ?? {}) as {
    action?: unknown
    payload?: unknown
    operatorToken?: unknown
  }
  const token = typeof operatorToken === 'string' && operatorToken.length > 0 ? operatorToken : null
  return { envelope: { action, payload }, caller: { platform: 'wechat', openid, operatorToken: token } }
}
