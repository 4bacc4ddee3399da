import type { ApiErrorBody, ErrorCode } from '../../../types'

export type ClientErrorCode = ErrorCode | 'NETWORK'

export const NETWORK_ERROR_MESSAGE = '网络异常，请检查网络后重试'

/** The one error the API client throws: a failed action or an unreachable server. */
export class ApiError extends Error {
  readonly code: ClientErrorCode
  readonly status: number
  readonly fields: Record<string, string>

  constructor(code: ClientErrorCode, message: string, status: number, fields: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.fields = fields
  }

  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.status, body.fields ?? {})
  }

  static network(): ApiError {
    return new ApiError('NETWORK', NETWORK_ERROR_MESSAGE, 0)
  }

  /** The session is gone: the user must log in again. */
  get isSessionLost(): boolean {
    return (
      this.code === 'SESSION_EXPIRED' || this.code === 'SESSION_INVALID' || this.code === 'UNAUTHENTICATED'
    )
  }
}

/** A user-facing message for anything caught around an API call. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  return '系统繁忙，请稍后再试'
}

/**
 * The shape of our error codes, not the catalog: the catalog's Chinese messages (~10 KB) would ride in
 * the main package, and the server that sends a code also sends its message.
 */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(value)
}
