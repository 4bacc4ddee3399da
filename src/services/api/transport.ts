import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../types'
import { ApiError } from './errors'

/**
 * The one place that knows the platform. Sends an envelope, answers the raw response body
 * (an ApiResult, checked by the client) or throws the network ApiError.
 */
export type Transport = (envelope: ApiEnvelope, token: string | null) => Promise<unknown>

let cloudReady = false

function initCloud(): void {
  if (cloudReady) return
  Taro.cloud.init({ env: CLOUDBASE_ENV || undefined, traceUser: true })
  cloudReady = true
}

const weapp: Transport = async (envelope) => {
  initCloud()
  try {
    const res = await Taro.cloud.callFunction({ name: 'api', data: { ...envelope } })
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

export function send(envelope: ApiEnvelope, token: string | null): Promise<unknown> {
  return transport(envelope, token)
}

/** Called once at launch: WeChat's cloud needs init before the first call. */
export function initTransport(): void {
  if (process.env.TARO_ENV === 'weapp') initCloud()
}
