import Taro from '@tarojs/taro'
import type { ActionName, ActionRequest, ActionResponse, ApiResult } from '../../../../types'
import { ApiError, isErrorCode } from '../../../services/api/errors'
import { send } from '../../../services/api/transport'
import { operatorRoutes } from './routes'
import { clearOperatorSession, readOperatorSession, saveOperatorSession } from './session'

/**
 * The operator pages' API client: the same transport as the driver's (services/api), but the
 * bearer token is the operator session's, never the driver's. On WeChat it travels beside the
 * OPENID, and the server serves it only to the OPENID that logged in.
 */

/** Actions sent without any token: the captcha and the login itself. */
const visitorActions: ReadonlySet<ActionName> = new Set<ActionName>(['auth.captcha', 'operator.login'])

function asResult<A extends ActionName>(body: unknown): ApiResult<A> {
  if (typeof body !== 'object' || body === null) throw ApiError.network()
  const b = body as { ok?: unknown; data?: unknown; error?: unknown }
  if (b.ok === true && 'data' in b) return body as ApiResult<A>
  if (b.ok === false && typeof b.error === 'object' && b.error !== null) {
    const code = (b.error as { code?: unknown }).code
    if (isErrorCode(code)) {
      return body as ApiResult<A>
    }
  }
  throw ApiError.network()
}

let redirecting = false

/** Forgets the operator session and opens the operator login (once, however many calls fail together). */
export function goToOperatorLogin(): void {
  clearOperatorSession()
  if (redirecting) return
  redirecting = true
  const done = () => {
    redirecting = false
  }
  Taro.reLaunch({ url: operatorRoutes.login }).then(done, done)
}

export async function callOperator<A extends ActionName>(
  action: A,
  payload: ActionRequest<A>,
): Promise<ActionResponse<A>> {
  const visitor = visitorActions.has(action)
  const token = visitor ? null : (readOperatorSession()?.token ?? null)
  const result = asResult<A>(await send({ action, payload }, token, 'operator'))
  if (result.ok) {
    if (action === 'operator.login') {
      const login = result.data as ActionResponse<'operator.login'>
      saveOperatorSession({ token: login.token, expiresAt: login.expiresAt, operator: login.operator })
    } else if (action === 'operator.logout') {
      clearOperatorSession()
    }
    return result.data
  }
  const error = ApiError.fromBody(result.error)
  if (error.isSessionLost && !visitor) goToOperatorLogin()
  throw error
}

/** Ends the session on the server (best effort) and forgets it here. */
export async function operatorLogout(): Promise<void> {
  try {
    await callOperator('operator.logout', {})
  } catch {
    // the session is forgotten below either way
  } finally {
    clearOperatorSession()
  }
}
