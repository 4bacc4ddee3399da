import type { VerifiedNotification } from '../../ports/payments'
import { parseWireFen, parseWireTime } from './wire'

/**
 * The `getWXContext().SOURCE` of a function invoked as a cloudPay payment callback.
 * [docs] Cloud.getWXContext, "SOURCE 的枚举类型": `wx_paycallback` — 微信支付回调
 * (https://developers.weixin.qq.com/minigame/dev/wxcloud/reference-sdk-api/utils/Cloud.getWXContext.html;
 * the same table lists wx_client, wx_http, wx_trigger, scf …). The SDK copies it from the
 * TCB_SOURCE environment variable, which a caller cannot set. SOURCE follows the call chain
 * (a function called by another gets "…,scf"), so only the exact value is a payment callback.
 */
export const wechatPayCallbackSource = 'wx_paycallback'

/**
 * The payNotify event: WeChat Pay v2's 支付结果通知 fields, delivered as a JS object. It has been
 * seen camelCased (outTradeNo, totalFee, …) and snake_cased (out_trade_no, total_fee, …), so each
 * field is read under both names; if both are present they must agree.
 */
const fields = {
  returnCode: 'return_code',
  resultCode: 'result_code',
  outTradeNo: 'out_trade_no',
  transactionId: 'transaction_id',
  totalFee: 'total_fee',
  timeEnd: 'time_end',
  subMchId: 'sub_mch_id',
  mchId: 'mch_id',
  subAppid: 'sub_appid',
} as const

type Field = keyof typeof fields

class Malformed extends Error {}

function read(event: Record<string, unknown>, field: Field): unknown {
  const camel = event[field]
  const snake = event[fields[field]]
  if (camel !== undefined && camel !== null && snake !== undefined && snake !== null && camel !== snake) {
    // the same value as a number in one casing and a string in the other is still one value
    if (String(camel) !== String(snake)) throw new Malformed(`${field} 与 ${fields[field]} 不一致`)
  }
  return camel ?? snake ?? undefined
}

function text(event: Record<string, unknown>, field: Field): string | undefined {
  const value = read(event, field)
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') throw new Malformed(`${field} 不是非空字符串`)
  return value.trim()
}

function required(event: Record<string, unknown>, field: Field): string {
  const value = text(event, field)
  if (value === undefined) throw new Malformed(`缺少 ${field}`)
  return value
}

export interface WechatNotificationOptions {
  /** The mini-program's appid: an event naming another sub_appid is refused as WRONG_APP. */
  appId?: string
}

/**
 * Normalises a payNotify event. Never throws: anything unexpected is a typed refusal. Checks
 * only what the event itself can prove (call source, shape, app); whether the order exists, the
 * amount and merchant match and the order was not yet credited is the money core's decision,
 * and, because SOURCE cannot be proven outside CloudBase, it confirms with queryOrder first.
 */
export function parseWechatPayNotification(
  event: unknown,
  source: string | undefined,
  options: WechatNotificationOptions = {},
): VerifiedNotification {
  if (source !== wechatPayCallbackSource) {
    return { ok: false, refusal: 'WRONG_SOURCE', detail: `调用来源不是微信支付回调：${String(source)}` }
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) {
    return { ok: false, refusal: 'MALFORMED', detail: '通知不是对象' }
  }
  const record = event as Record<string, unknown>
  try {
    const returnCode = required(record, 'returnCode')
    const resultCode = text(record, 'resultCode')
    for (const [name, code] of [
      ['returnCode', returnCode],
      ['resultCode', resultCode],
    ] as const) {
      if (code !== undefined && code !== 'SUCCESS' && code !== 'FAIL')
        throw new Malformed(`${name} 无效：${code}`)
    }
    const appId = text(record, 'subAppid')
    if (options.appId && appId && appId !== options.appId) {
      return { ok: false, refusal: 'WRONG_APP', detail: `通知属于另一个小程序：${appId}` }
    }
    const orderNo = required(record, 'outTradeNo')
    const amount = parseWireFen(read(record, 'totalFee'))
    if (amount === null || amount <= 0)
      throw new Malformed(`total_fee 不是正整数分：${String(read(record, 'totalFee'))}`)
    // cloudPay is the service-provider mode: mch_id is the provider's, sub_mch_id is ours
    const merchantId = required(record, 'subMchId')
    const success = returnCode === 'SUCCESS' && resultCode === 'SUCCESS'
    if (!success) {
      return {
        ok: true,
        notification: {
          provider: 'wechat',
          orderNo,
          providerTradeNo: text(record, 'transactionId') ?? '',
          amount,
          merchantId,
          success: false,
          paidAt: null,
        },
      }
    }
    const providerTradeNo = required(record, 'transactionId')
    const timeEnd = required(record, 'timeEnd')
    const paidAt = parseWireTime(timeEnd)
    if (!paidAt) throw new Malformed(`time_end 不是 yyyyMMddHHmmss：${timeEnd}`)
    return {
      ok: true,
      notification: {
        provider: 'wechat',
        orderNo,
        providerTradeNo,
        amount,
        merchantId,
        success: true,
        paidAt,
      },
    }
  } catch (error) {
    if (error instanceof Malformed) return { ok: false, refusal: 'MALFORMED', detail: error.message }
    return { ok: false, refusal: 'MALFORMED', detail: `无法解析通知：${String(error)}` }
  }
}
