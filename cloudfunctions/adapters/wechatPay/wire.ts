import { beijingTime, shanghaiInstant } from '../../core/businessTime'
import { fen, type Fen } from '../../../types/money'

/**
 * WeChat Pay v2 wire values shared by the gateway, the notification parser and the emulator.
 * Times are Beijing wall-clock strings whatever the host's zone (the SDK passes them through).
 */

/** yyyyMMddHHmmss (time_end, time_expire) in Beijing time → the instant; null if not a real time. */
export function parseWireTime(text: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text)
  if (!match) return null
  const [, y, mo, d, h, mi, s] = match
  const wallClock = `${y}-${mo}-${d} ${h}:${mi}:${s}`
  const at = shanghaiInstant(wallClock)
  // dayjs rolls 2026-02-30 over to March: a time that does not format back was never real
  if (Number.isNaN(at.getTime()) || formatWireTime(at) !== text) return null
  return at
}

export function formatWireTime(at: Date): string {
  return beijingTime(at).format('YYYYMMDDHHmmss')
}

/**
 * A fen amount as WeChat Pay sends it: an integer, or a string of digits. Anything else (a float,
 * "1.00", a sign, an empty string) is not an amount in fen.
 */
export function parseWireFen(value: unknown): Fen | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? fen(value) : null
  if (typeof value === 'string' && /^(0|[1-9]\d{0,15})$/.test(value)) {
    const n = Number(value)
    return Number.isSafeInteger(n) ? fen(n) : null
  }
  return null
}

/**
 * WeChat Pay v2's err_code_des texts for the err_codes the adapter must tell apart (the SDK drops
 * err_code itself, see cloudPayApi.ts). [docs] pay.weixin.qq.com v2 orderquery / closeorder /
 * refund error tables; matching is by substring because WeChat words them slightly differently
 * across APIs ("此交易订单号不存在" / "订单不存在").
 */
export const wechatErrorTexts = {
  ORDERNOTEXIST: ['此交易订单号不存在', '订单不存在', 'order not exist'],
  ORDERPAID: ['订单已支付'],
  ORDERCLOSED: ['订单已关闭'],
  SYSTEMERROR: ['系统错误', '系统超时', '系统繁忙', 'system error'],
  BIZERR_NEED_RETRY: ['需要商户触发重试'],
  FREQUENCY_LIMITED: ['频率限制'],
} as const

export type KnownWechatError = keyof typeof wechatErrorTexts

/** The err_code behind an err_code_des, if it is one the adapter knows. */
export function wechatErrorOf(description: string | undefined): KnownWechatError | undefined {
  if (!description) return undefined
  const lower = description.toLowerCase()
  for (const [code, texts] of Object.entries(wechatErrorTexts) as Array<
    [KnownWechatError, readonly string[]]
  >) {
    if (texts.some((t) => lower.includes(t.toLowerCase()))) return code
  }
  return undefined
}
