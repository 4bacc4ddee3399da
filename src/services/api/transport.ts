import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../types'
import { ApiError } from './errors'

/**
 * The one place that knows the platform. Sends an envelope, answers the raw response body
 * (an ApiResult, checked by the client) or throws the network ApiError.
 */
export type Transport = (envelope: ApiEnvelope, token: string | null, kind: TokenKind) => Promise<unknown>

/** Whose token a call carries: the driver's session or the operator's (packages/operator). */
export type TokenKind = 'driver' | 'operator'

let cloudReady = false

function initCloud(): void {
  if (cloudReady) return
  Taro.cloud.init({ env: CLOUDBASE_ENV || undefined, traceUser: true })
  cloudReady = true
}

/**
 * WeChat: the platform tells the function who calls (OPENID), so a driver's call carries no token;
 * an operator's carries the operator token of the session opened from this OPENID, in the data
 * (callFunction has no header).
 */
const weapp: Transport = async (envelope, token, kind) => {
  initCloud()
  const data = kind === 'operator' && token ? { ...envelope, operatorToken: token } : { ...envelope }
  try {
    const res = await Taro.cloud.callFunction({ name: 'api', data })
    return res.result
  } catch {
    throw ApiError.network()
  }
}

function http(url: string): Transport {
  return async (envelope, token) => {
    const header: Record<string, string> = { 'content-type': 'application/json' }
    if (token) header.Authorization = `Bearer ${token}`
    try {
      const res = await Taro.request<unknown>({
        url,
        method: 'POST',
        data: envelope,
        header,
        dataType: 'json',
      })
      return res.data
    } catch {
      throw ApiError.network()
    }
  }
}

function choose(): Transport {
  switch (process.env.TARO_ENV) {
    case 'weapp':
      return weapp
    case 'alipay':
      return http(`${ALIPAY_API_BASE.replace(/\/+$/, '')}/api`)
    default:
      return http('/api')
  }
}

const transport = choose()

export function send(
  envelope: ApiEnvelope,
  token: string | null,
  kind: TokenKind = 'driver',
): Promise<unknown> {
  return transport(envelope, token, kind)
}

/** Called once at launch: WeChat's cloud needs init before the first call. */
export function initTransport(): void {
  if (process.env.TARO_ENV === 'weapp') initCloud()
}
