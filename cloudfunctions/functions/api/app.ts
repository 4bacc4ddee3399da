import { randomUUID } from 'node:crypto'
import type { CaptchaRenderer } from '../../core/captchas'
import { PersonalDataVault } from '../../core/personalDataVault'
import type { PlatformAuth } from '../../ports/platformAuth'
import type { Clock } from '../../ports/clock'
import type { Secrets } from '../../ports/secrets'
import type { KeyService } from '../../ports/keyService'
import type { Sms } from '../../ports/sms'
import { StoreError, type Store } from '../../ports/store'
import type { ApiResult } from '../../../types/api'
import { errorBody } from '../../../types/errors'
import { findAction } from './domains'
import {
  ActionError,
  type ActionContext,
  type Caller,
  type ExportsDeps,
  type InvoicesDeps,
  type PaymentsDeps,
} from './context'
import { resolveIdentity, resolveOperator } from './identity'
import { fieldErrors } from './validation'

export type { Caller, Identity } from './context'

export interface ApiLogEntry {
  requestId: string
  action: string
  outcome: string
  ms: number
}

export interface ApiDeps {
  store: Store
  sms: Sms
  clock: Clock
  secrets: Secrets
  /** WeChat/Alipay phone numbers and Alipay OAuth; without it those logins answer LOGIN_METHOD_UNAVAILABLE. */
  platformAuth?: PlatformAuth
  /** Graphic captchas; defaults to svg-captcha. Tests pass one whose answer they know. */
  captcha?: CaptchaRenderer
  /** WeChat Pay / Alipay (and the local sandbox); without it recharge answers PAYMENT_CHANNEL_UNAVAILABLE. */
  payments?: PaymentsDeps
  /** Export files; without it a WeChat download link answers EXPORT_UNAVAILABLE. */
  exports?: ExportsDeps
  /** The load key service (an HSM adapter, or the software one); without it loads answer LOAD_UNAVAILABLE. */
  loadKeys?: KeyService
  /** The invoice platform, PDF storage and mail; without it issuing and PDFs answer INVOICE_PLATFORM_UNAVAILABLE. */
  invoices?: InvoicesDeps
  /** One entry per call; never carries personal data. */
  log?: (entry: ApiLogEntry) => void
  /** Unexpected failures, for the operator's log only (never sent to the client). */
  logError?: (requestId: string, error: unknown) => void
}

export interface Api {
  handle(envelope: unknown, caller: Caller): Promise<ApiResult>
}

export const maxActionLength = 64
export const maxPayloadBytes = 32 * 1024

export function createApi(deps: ApiDeps): Api {
  const vault = new PersonalDataVault(deps.secrets.dataKey, deps.secrets.lookupKey)
  const log = deps.log ?? (() => undefined)
  const logError =
    deps.logError ??
    ((requestId: string, error: unknown) =>
      error instanceof StoreError && error.code === 'COLLECTION_MISSING'
        ? console.error(`[api] ${requestId} DEPLOYMENT ERROR: ${error.message}`)
        : console.error(`[api] ${requestId} unexpected failure`, error))

  /** `known` hears the action's name once it is known to be one of ours (only those reach the log). */
  async function dispatch(
    envelope: unknown,
    caller: Caller,
    requestId: string,
    known: (action: string) => void,
  ): Promise<unknown> {
    if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) {
      throw new ActionError('INVALID_INPUT', '请求格式不正确', { action: '缺少操作名称' })
    }
    const { action, payload } = envelope as { action?: unknown; payload?: unknown }
    if (typeof action !== 'string' || action.length === 0 || action.length > maxActionLength) {
      throw new ActionError('INVALID_INPUT', '操作名称不正确', { action: '操作名称不正确' })
    }
    let serialized: string | undefined
    try {
      serialized = JSON.stringify(payload ?? {})
    } catch {
      throw new ActionError('INVALID_INPUT', '请求内容无法解析', { payload: '请求内容无法解析' })
    }
    if (Buffer.byteLength(serialized ?? '', 'utf8') > maxPayloadBytes)
      throw new ActionError('PAYLOAD_TOO_LARGE')
    const found = await findAction(action)
    if (!found) throw new ActionError('UNKNOWN_ACTION')
    known(action)

    const parsed = found.schema.safeParse(payload ?? {})
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error)
      throw new ActionError('INVALID_INPUT', Object.values(fields)[0], fields)
    }
    const ctx: ActionContext = { ...deps, vault, caller, requestId }
    const { handler } = found
    const input = parsed.data as never
    if (handler.access === 'public') return handler.run(ctx, input)
    if (handler.access === 'operator') {
      return handler.run({ ...ctx, operator: await resolveOperator(ctx, handler.role) }, input)
    }
    const identity = await resolveIdentity(ctx)
    return handler.run({ ...ctx, identity }, input)
  }

  return {
    async handle(envelope, caller) {
      const started = performance.now()
      const requestId = randomUUID()
      // Only known names reach the log: an arbitrary string could carry personal data.
      let action = envelope && typeof envelope === 'object' && 'action' in envelope ? 'unknown' : 'invalid'
      let result: ApiResult
      try {
        const data = await dispatch(envelope, caller, requestId, (name) => (action = name))
        result = { ok: true, data, requestId } as ApiResult
      } catch (error) {
        if (error instanceof ActionError) {
          result = { ok: false, error: errorBody(error.code, error.userMessage, error.fields), requestId }
        } else if (error instanceof StoreError && error.code === 'CONFLICT') {
          result = { ok: false, error: errorBody('CONFLICT'), requestId }
        } else {
          logError(requestId, error)
          result = { ok: false, error: errorBody('INTERNAL'), requestId }
        }
      }
      log({
        requestId,
        action,
        outcome: result.ok ? 'ok' : result.error.code,
        ms: Math.round(performance.now() - started),
      })
      return result
    },
  }
}
