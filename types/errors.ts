/** Every failure an action can answer, with its HTTP-style status and the Chinese message users see. */
export const errorCatalog = {
  INVALID_INPUT: { status: 400, message: '请求参数不正确' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '请求内容过大' },
  UNKNOWN_ACTION: { status: 404, message: '不支持的操作' },
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  SESSION_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  SESSION_INVALID: { status: 401, message: '登录状态无效，请重新登录' },
  FORBIDDEN: { status: 403, message: '无权进行此操作' },
  NOT_FOUND: { status: 404, message: '记录不存在' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  SMS_CODE_INVALID: { status: 400, message: '验证码错误' },
  SMS_CODE_EXPIRED: { status: 400, message: '验证码已失效，请重新获取' },
  PHONE_NOT_REGISTERED: { status: 400, message: '该手机号未在浙江ETC预留，请核对后重试' },
  CONFLICT: { status: 409, message: '数据已被修改，请刷新后重试' },
  INTERNAL: { status: 500, message: '系统繁忙，请稍后再试' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof errorCatalog

export interface ApiErrorBody {
  code: ErrorCode
  /** Chinese, safe to show to the user as is. */
  message: string
  status: number
  /** Which fields were wrong, for forms: path → Chinese message. */
  fields?: Record<string, string>
}

export function errorBody(code: ErrorCode, message?: string, fields?: Record<string, string>): ApiErrorBody {
  const entry = errorCatalog[code]
  return { code, status: entry.status, message: message ?? entry.message, ...(fields ? { fields } : {}) }
}
