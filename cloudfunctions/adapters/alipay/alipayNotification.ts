import { createPublicKey, createVerify, type KeyObject } from 'node:crypto'
import type { NotificationRefusal, VerifiedNotification } from '../../ports/payments'
import { publicKeyPem } from './alipayKeys'
import { parseAlipayTime, yuanToFen } from './alipayStatement'

export interface AlipayNotificationConfig {
  /** Our app's id: a notification for another app is refused as WRONG_APP. */
  appId: string
  /** Alipay's public key (PEM or the console's bare base64 SPKI), not the app's. */
  alipayPublicKey: string
}

export type AlipayNotificationParams = Record<string, string>

const refuse = (refusal: NotificationRefusal, detail: string): VerifiedNotification => ({
  ok: false,
  refusal,
  detail,
})

/**
 * The form body Alipay POSTs to the notify URL (application/x-www-form-urlencoded, UTF-8), decoded
 * once. A parameter given twice makes the notification ambiguous, so it is refused (null) rather
 * than guessed; so is a body that is not valid percent-encoding.
 */
export function parseAlipayNotificationBody(body: string): AlipayNotificationParams | null {
  const params: AlipayNotificationParams = {}
  const decode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '))
  for (const pair of body.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    let key: string
    let value: string
    try {
      key = decode(eq < 0 ? pair : pair.slice(0, eq))
      value = eq < 0 ? '' : decode(pair.slice(eq + 1))
    } catch {
      return null
    }
    if (Object.prototype.hasOwnProperty.call(params, key)) return null
    params[key] = value
  }
  return params
}

/**
 * Alipay's content to verify for an asynchronous notification: every parameter received except
 * `sign` and `sign_type`, sorted by name, `name=value` joined with '&', values as decoded from the
 * form. Empty values stay in (Alipay's own Java SDK, AlipaySignature.getSignCheckContentV1, keeps them).
 */
export function alipayNotificationContent(params: AlipayNotificationParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign' && key !== 'sign_type')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&')
}

const required = [
  'notify_id',
  'notify_type',
  'app_id',
  'out_trade_no',
  'trade_no',
  'total_amount',
  'trade_status',
  'seller_id',
] as const
const statuses = new Set(['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED'])

/** Parsed public keys by their configured text: a warm function verifies without re-parsing. */
const keys = new Map<string, KeyObject | null>()

function alipayKey(text: string): KeyObject | null {
  if (!keys.has(text)) {
    let key: KeyObject | null = null
    try {
      key = createPublicKey(publicKeyPem(text))
    } catch {
      key = null
    }
    if (keys.size > 8) keys.clear()
    keys.set(text, key)
  }
  return keys.get(text) ?? null
}

/** Parameters received as an object (a framework's parsed form): every value must be one string. */
function paramsOf(input: Record<string, unknown>): AlipayNotificationParams | string {
  const params: AlipayNotificationParams = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    if (typeof value !== 'string') return `参数 ${key} 不是单个字符串`
    params[key] = value
  }
  return params
}

/**
 * Verifies an Alipay asynchronous notification (the `alipayNotify` function's HTTP body) and
 * normalises it for the money core. Takes the raw form body, or the parameters a framework has
 * already decoded from it. Never throws: anything wrong is a typed refusal.
 *
 * The RSA2 signature is checked before anything in the notification is believed, with Alipay's
 * rule for notifications (see alipayNotificationContent) and node:crypto: alipay-sdk's
 * checkNotifySign/checkNotifySignV2 implement the same content but also accept a signature over
 * the content with sign_type included, need the app's private key to be constructed, and
 * checkNotifySign decodes the already-decoded values a second time (a '%' in a subject breaks it).
 *
 * Only what the notification itself proves is checked here (genuine, this app, well formed);
 * whether the order exists, the amount and seller match and it was not credited yet is the money
 * core's decision.
 */
export function parseAlipayNotification(
  input: string | Record<string, unknown>,
  config: AlipayNotificationConfig,
): VerifiedNotification {
  let params: AlipayNotificationParams
  if (typeof input === 'string') {
    const parsed = parseAlipayNotificationBody(input)
    if (!parsed) return refuse('MALFORMED', '通知正文无法解析或参数重复')
    params = parsed
  } else if (input && typeof input === 'object' && !Array.isArray(input)) {
    const parsed = paramsOf(input)
    if (typeof parsed === 'string') return refuse('MALFORMED', parsed)
    params = parsed
  } else {
    return refuse('MALFORMED', '通知不是表单')
  }

  const { sign } = params
  if (!sign) return refuse('BAD_SIGNATURE', '缺少签名 sign')
  if (params.sign_type !== 'RSA2')
    return refuse('BAD_SIGNATURE', `不接受的签名类型 ${params.sign_type ?? '(无)'}`)
  const key = alipayKey(config.alipayPublicKey)
  if (!key) return refuse('BAD_SIGNATURE', '配置的支付宝公钥无效')
  let genuine = false
  try {
    genuine = createVerify('RSA-SHA256')
      .update(alipayNotificationContent(params), 'utf8')
      .verify(key, sign, 'base64')
  } catch {
    genuine = false
  }
  if (!genuine) return refuse('BAD_SIGNATURE', '支付宝通知验签失败')
  if (!params.app_id) return refuse('MALFORMED', '通知缺少 app_id')
  if (params.app_id !== config.appId) return refuse('WRONG_APP', `通知属于应用 ${params.app_id}`)

  if (params.charset && params.charset.toLowerCase() !== 'utf-8') {
    return refuse('MALFORMED', `不支持的通知编码 ${params.charset}`)
  }
  const missing = required.filter((name) => !params[name])
  if (missing.length > 0) return refuse('MALFORMED', `通知缺少 ${missing.join(', ')}`)
  if (params.notify_type !== 'trade_status_sync') {
    return refuse('MALFORMED', `不是交易状态通知：${params.notify_type}`)
  }
  const status = params.trade_status
  if (!statuses.has(status)) return refuse('MALFORMED', `未知交易状态 ${status}`)
  let amount
  try {
    amount = yuanToFen(params.total_amount)
  } catch {
    return refuse('MALFORMED', `金额无效 ${params.total_amount}`)
  }
  if (amount <= 0) return refuse('MALFORMED', `金额无效 ${params.total_amount}`)
  const success = status === 'TRADE_SUCCESS' || status === 'TRADE_FINISHED'
  let paidAt: Date | null = null
  if (params.gmt_payment) {
    paidAt = parseAlipayTime(params.gmt_payment)
    if (!paidAt) return refuse('MALFORMED', `付款时间无效 ${params.gmt_payment}`)
  } else if (success) {
    return refuse('MALFORMED', '成功通知缺少 gmt_payment')
  }
  return {
    ok: true,
    notification: {
      provider: 'alipay',
      orderNo: params.out_trade_no,
      providerTradeNo: params.trade_no,
      amount,
      merchantId: params.seller_id,
      success,
      paidAt: success ? paidAt : null,
    },
  }
}
