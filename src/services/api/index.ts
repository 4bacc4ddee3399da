import type { ActionName, ActionRequest, ActionResponse, ApiResult } from '../../../types'
import { errorCatalog, type ErrorCode } from '../../../types/errors'
import { ApiError } from './errors'
import { clearSession, goToLogin, saveSession, sessionToken } from './session'
import { send } from './transport'

export { ApiError, errorMessage, NETWORK_ERROR_MESSAGE } from './errors'
export { hasSession, goToLogin, LOGIN_URL, HOME_URL } from './session'

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(errorCatalog, value)
}

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

/** Calls one action of the `api` function. Throws ApiError on `{ ok: false }` or network failure. */
export async function call<A extends ActionName>(
  action: A,
  payload: ActionRequest<A>,
): Promise<ActionResponse<A>> {
  const body = await send({ action, payload }, sessionToken())
  const result = asResult<A>(body)
  if (result.ok) {
    if (action === 'auth.loginBySms') {
      const login = result.data as ActionResponse<'auth.loginBySms'>
      saveSession({ token: login.token, expiresAt: login.expiresAt })
    } else if (action === 'auth.logout') {
      clearSession()
    }
    return result.data
  }
  const error = ApiError.fromBody(result.error)
  if (error.isSessionLost && action !== 'auth.loginBySms' && action !== 'auth.sendSmsCode') goToLogin()
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
