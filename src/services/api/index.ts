import type { ActionName, ActionRequest, ActionResponse, ApiResult, LoginResult } from '../../../types'
import { ApiError, isErrorCode } from './errors'
import {
  clearSession,
  goToLogin,
  readSession,
  refreshDue,
  saveSession,
  sessionOfLogin,
  sessionToken,
} from './session'
import { send } from './transport'

export { ApiError, errorMessage, NETWORK_ERROR_MESSAGE } from './errors'
export {
  hasSession,
  goToLogin,
  takeReturnPage,
  readSession,
  loginKind,
  LOGIN_URL,
  HOME_URL,
  SESSION_CHANGED,
  type PendingStep,
  type PrincipalKind,
  type StoredSession,
} from './session'

/** Narrows whatever came back to an ApiResult; anything else counts as a broken network answer. */
function asResult<A extends ActionName>(body: unknown): ApiResult<A> {
  if (typeof body !== 'object' || body === null) throw ApiError.network()
  const b = body as { ok?: unknown; data?: unknown; error?: unknown }
  if (b.ok === true && 'data' in b) return body as ApiResult<A>
  if (b.ok === false && typeof b.error === 'object' && b.error !== null) {
    const e = b.error as { code?: unknown }
    if (isErrorCode(e.code)) return body as ApiResult<A>
  }
  throw ApiError.network()
}

/** Actions a visitor calls before (or instead of) having a session: a session error there is just an error. */
const visitorActions: ReadonlySet<ActionName> = new Set<ActionName>([
  'auth.sendSmsCode',
  'auth.loginBySms',
  'auth.captcha',
  'auth.loginByNickname',
  'auth.sendRecoverNicknameCode',
  'auth.recoverNickname',
  'auth.sendResetPasswordCode',
  'auth.resetPassword',
  'auth.loginByWechatPhone',
  'auth.loginByAlipayPhone',
  'auth.resumeAlipay',
  'auth.refresh',
])

/** Actions whose answer is a login step: the session it carries replaces the stored one. */
const loginActions: ReadonlySet<ActionName> = new Set<ActionName>([
  'auth.loginBySms',
  'auth.loginByNickname',
  'auth.loginByWechatPhone',
  'auth.loginByAlipayPhone',
  'auth.bind',
  'auth.confirmLegacyBinding',
  'auth.switchAccount',
])

/** Keeps the session an answer carries (logins, token rotation) or forgets it (logout). */
function remember<A extends ActionName>(action: A, data: ActionResponse<A>): void {
  if (loginActions.has(action)) {
    // Steps on the same session (bind, switchAccount, confirmLegacyBinding) answer no new token: keep ours.
    const next = sessionOfLogin(data as LoginResult)
    const token = next.token ?? readSession()?.token
    saveSession({ ...next, ...(token ? { token } : {}) })
  } else if (action === 'auth.resumeAlipay') {
    const resume = data as ActionResponse<'auth.resumeAlipay'>
    if (resume.resumed) saveSession(sessionOfLogin(resume.login))
  } else if (action === 'auth.refresh' || action === 'auth.alipaySession') {
    const rotated = data as ActionResponse<'auth.refresh'>
    const current = readSession()
    const token = rotated.token ?? current?.token
    saveSession({ ...current, ...(token ? { token } : {}), expiresAt: rotated.expiresAt })
  } else if (action === 'auth.logout') {
    clearSession()
  }
}

/** Do not ask again for a while after a refresh that did not work (offline, server busy). */
const REFRESH_RETRY_MS = 5 * 60 * 1000
let refreshing: Promise<void> | null = null
let lastRefreshFailure = 0

/** Rotates the token when its expiry is near; one request however many calls are waiting. */
function refreshIfDue(): Promise<void> {
  if (refreshing) return refreshing
  const now = Date.now()
  if (!refreshDue(readSession(), now) || now - lastRefreshFailure < REFRESH_RETRY_MS) return Promise.resolve()
  refreshing = call('auth.refresh', {})
    .then(
      () => undefined,
      () => {
        // the call itself tells whether the session is still good
        lastRefreshFailure = Date.now()
      },
    )
    .finally(() => {
      refreshing = null
    })
  return refreshing
}

/** Calls one action of the `api` function. Throws ApiError on `{ ok: false }` or network failure. */
export async function call<A extends ActionName>(
  action: A,
  payload: ActionRequest<A>,
): Promise<ActionResponse<A>> {
  if (!visitorActions.has(action)) await refreshIfDue()
  const body = await send({ action, payload }, sessionToken())
  const result = asResult<A>(body)
  if (result.ok) {
    remember(action, result.data)
    return result.data
  }
  const error = ApiError.fromBody(result.error)
  if (error.isSessionLost && !visitorActions.has(action)) goToLogin()
  return Promise.reject(error)
}

/** Logs out on the server (best effort) and forgets the session locally. */
export async function logout(): Promise<void> {
  try {
    await call('auth.logout', {})
  } finally {
    clearSession()
  }
}
