import cloud from 'wx-server-sdk'
import { createCloudbaseStore, type CloudbaseDatabase } from '../../adapters/cloudbase/cloudbaseStore'
import { AlipayPaymentGateway } from '../../adapters/alipay/alipayPay'
import { systemClock } from '../../ports/clock'
import { alipayPayConfigFromEnv } from '../shared/alipayPayFromEnv'
import { ConfigurationError, fromEnv } from '../shared/configuration'
import { createAlipayNotifyHandler } from './handler'

/**
 * The alipayNotify cloud function behind CloudBase HTTP access (its URL is ALIPAY_NOTIFY_URL, given
 * to alipay.trade.create): Alipay POSTs the signed form; the answer is the plain text `success`
 * (stop retrying) or `fail`, with status 200. The RSA2 signature is checked with node:crypto:
 * alipay-sdk is bundled beside this function (vendor/) but loaded only if the gateway is ever
 * called, never on a cold start.
 */

/** What CloudBase's HTTP access hands the function. */
interface HttpEvent {
  httpMethod?: string
  headers?: Record<string, string | undefined>
  body?: string | null
  isBase64Encoded?: boolean
}

interface TextResponse {
  statusCode: number
  headers: Record<string, string>
  body: 'success' | 'fail'
  isBase64Encoded: false
}

/** A real notification is a few KB; anything far larger is not parsed. */
export const maxNotificationBytes = 64 * 1024

let handler: ReturnType<typeof createAlipayNotifyHandler> | null = null

function getHandler(): ReturnType<typeof createAlipayNotifyHandler> {
  if (handler) return handler
  const config = fromEnv(() => alipayPayConfigFromEnv(process.env, { notifyUrl: 'optional' }))
  if (!config)
    throw new ConfigurationError(
      '支付宝支付未配置：缺少环境变量 ALIPAY_SELLER_ID（以及 ALIPAY_APP_ID、ALIPAY_PRIVATE_KEY、ALIPAY_PUBLIC_KEY）',
    )
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
  // A missing document reads as null (the Store port's get); the SDK's typings omit the option.
  const databaseConfig = { throwOnNotFound: false } as Parameters<typeof cloud.database>[0]
  const store = createCloudbaseStore(cloud.database(databaseConfig) as unknown as CloudbaseDatabase)
  handler = createAlipayNotifyHandler({
    store,
    clock: systemClock,
    gateway: new AlipayPaymentGateway(config),
    appId: config.appId,
    alipayPublicKey: config.alipayPublicKey,
    log: (line) => console.log(line),
  })
  return handler
}

function answer(statusCode: number, body: 'success' | 'fail'): TextResponse {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    body,
    isBase64Encoded: false,
  }
}

export async function main(event: unknown, _context: unknown): Promise<TextResponse> {
  const request = (event ?? {}) as HttpEvent
  if (typeof request.httpMethod === 'string' && request.httpMethod.toUpperCase() !== 'POST') {
    return answer(405, 'fail')
  }
  const raw = typeof request.body === 'string' ? request.body : ''
  const body = request.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw
  if (Buffer.byteLength(body, 'utf8') > maxNotificationBytes) return answer(200, 'fail')
  try {
    return answer(200, await getHandler()(body))
  } catch (error) {
    // Alipay retries a `fail` (up to 8 times over 25 hours); the reason is for the function's log
    console.error('[alipayNotify] entry failure', error instanceof ConfigurationError ? error.message : error)
    return answer(200, 'fail')
  }
}
