import Taro from '@tarojs/taro'
import { call } from './index'
import { hasSession, readSession } from './session'

let settling: Promise<void> = Promise.resolve()

/** Resolves once the launch-time session work (Alipay resume) is done; pages wait before sending visitors to login. */
export function whenSessionSettled(): Promise<void> {
  return settling
}

/** An Alipay auth code (my.getAuthCode with scopes 'auth_base'; Taro's alipay plugin maps Taro.login to it). */
async function alipayAuthCode(): Promise<string | null> {
  try {
    const res = await Taro.login()
    return res.code ? res.code : null
  } catch {
    return null
  }
}

/**
 * On Alipay launch without a session: resume the one this Alipay user is bound to (auth.resumeAlipay),
 * silently. Any failure leaves the visitor logged out; the login page follows.
 */
async function resumeAlipay(): Promise<void> {
  if (readSession() !== null) return
  const authCode = await alipayAuthCode()
  if (!authCode) return
  try {
    await call('auth.resumeAlipay', { authCode })
  } catch {
    // not bound, or the gateway is down: log in as usual
  }
}

/**
 * After a login reaches an account on Alipay: bind this Alipay user to the session so the next launch
 * resumes it (auth.alipaySession). Best effort; the current session is already good.
 */
export async function rememberAlipayUser(): Promise<void> {
  if (process.env.TARO_ENV !== 'alipay' || !hasSession()) return
  const authCode = await alipayAuthCode()
  if (!authCode) return
  try {
    await call('auth.alipaySession', { authCode })
  } catch {
    // the next launch simply asks for a login
  }
}

/** Called once from the app's launch hook. */
export function startSession(): void {
  if (process.env.TARO_ENV === 'alipay') settling = resumeAlipay()
}
