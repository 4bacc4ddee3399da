import { randomBytes } from 'node:crypto'
import {
  PaymentProviderError,
  type CreatePayment,
  type PaymentGateway,
  type PaymentLaunch,
  type PaymentState,
  type RefundRequest,
  type RefundState,
  type StatementLine,
} from '../../ports/payments'
import type { CloudPayApi, CloudPayCommonResult } from './cloudPayApi'
import { parseWechatBill } from './statement'
import { formatWireTime, parseWireFen, parseWireTime, wechatErrorOf } from './wire'

export interface WechatPayConfig {
  /** Our WeChat Pay merchant number (cloudPay's sub_mch_id). */
  subMchId: string
  /** The CloudBase environment of the payment callback function. */
  envId: string
  /** The callback function's name. */
  notifyFunction?: string
  /** The mini-program's appid (sub_appid), when it must be named. */
  subAppId?: string
  nonce?: () => string
}

/** CloudBase / wx-server-sdk error codes that mean "this call is wrong", not "try again". [sdk] */
const rejectedSdkCodes = new Set([
  -501005, // INVALID_ENV
  -501006, // INVALID_COMMON_PARAM
  -501007, // INVALID_PARAM
  -501008, // INVALID_REQUEST_SOURCE
  -501009, // RESOURCE_NOT_INITIAL
  -601018, // WX_UNAUTHORIZED_API
  -604100, // OPENAPI_NOT_FOUND
  -604101, // OPENAPI_NO_PERMISSION (merchant not bound / not authorised)
  -604104, // OPENAPI_ILLEGAL_INVOCATION_SOURCE
])

function sdkFailure(api: string, error: unknown): PaymentProviderError {
  const { errCode, errMsg, message } = (error ?? {}) as {
    errCode?: unknown
    errMsg?: unknown
    message?: unknown
  }
  const code = typeof errCode === 'number' ? errCode : undefined
  const text = String(errMsg ?? message ?? error)
  // anything not known to be the caller's fault (system error, timeout, network) may be retried
  const kind = code !== undefined && rejectedSdkCodes.has(code) ? 'rejected' : 'unavailable'
  return new PaymentProviderError(
    'wechat',
    kind,
    `cloudPay.${api} 失败：${text}`,
    code === undefined ? undefined : String(code),
  )
}

type Outcome = { ok: true } | { ok: false; code: string; description: string; retriable: boolean }

/** return_code / result_code of a WeChat Pay v2 answer, with the failure's err_code recovered. */
function outcome(result: CloudPayCommonResult): Outcome {
  if (result.returnCode !== 'SUCCESS') {
    // 通信失败 (signature, parameter format…): the request itself is wrong
    return { ok: false, code: 'RETURN_FAIL', description: result.returnMsg ?? '', retriable: false }
  }
  if (result.resultCode === 'SUCCESS') return { ok: true }
  const description = result.errCodeDes ?? ''
  // the SDK overwrites errCode with 0; a string errCode means a future SDK kept WeChat's
  const code =
    (typeof result.errCode === 'string' && result.errCode !== '' ? result.errCode : undefined) ??
    wechatErrorOf(description) ??
    'UNKNOWN'
  const retriable = code === 'SYSTEMERROR' || code === 'BIZERR_NEED_RETRY' || code === 'FREQUENCY_LIMITED'
  return { ok: false, code, description, retriable }
}

function failure(api: string, o: Extract<Outcome, { ok: false }>): PaymentProviderError {
  return new PaymentProviderError(
    'wechat',
    o.retriable ? 'unavailable' : 'rejected',
    `cloudPay.${api}：${o.code} ${o.description}`.trim(),
    o.code,
  )
}

function malformed(api: string, what: string): PaymentProviderError {
  // an answer we cannot read is not proof of anything: the caller queries again later
  return new PaymentProviderError('wechat', 'unavailable', `cloudPay.${api} 的应答无法识别：${what}`)
}

/**
 * PaymentGateway over CloudBase cloudPay (WeChat Pay v2 in service-provider mode, no keys or
 * certificates in our code). Amounts are fen on both sides. Takes `cloud.cloudPay` so the
 * function bundle decides when wx-server-sdk loads.
 */
export class WechatPayGateway implements PaymentGateway {
  readonly provider = 'wechat' as const
  readonly merchantId: string
  private readonly nonce: () => string

  constructor(
    private readonly cloudPay: CloudPayApi,
    private readonly config: WechatPayConfig,
  ) {
    this.merchantId = config.subMchId
    this.nonce = config.nonce ?? (() => randomBytes(16).toString('hex'))
  }

  private async call<T>(api: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw sdkFailure(api, error)
    }
  }

  async create(request: CreatePayment): Promise<PaymentLaunch> {
    const result = await this.call('unifiedOrder', () =>
      this.cloudPay.unifiedOrder({
        body: request.description,
        outTradeNo: request.orderNo,
        spbillCreateIp: request.clientIp ?? '127.0.0.1',
        subMchId: this.config.subMchId,
        totalFee: request.amount,
        envId: this.config.envId,
        functionName: this.config.notifyFunction ?? 'payNotify',
        nonceStr: this.nonce(),
        tradeType: 'JSAPI',
        // a mini-program's openid is the sub-merchant's app openid (服务商模式 sub_openid)
        subOpenid: request.payerId,
        ...(this.config.subAppId ? { subAppid: this.config.subAppId } : {}),
        timeExpire: formatWireTime(request.expiresAt),
      }),
    )
    const o = outcome(result)
    if (!o.ok) throw failure('unifiedOrder', o)
    const p = result.payment
    if (!p || !p.timeStamp || !p.nonceStr || !p.package || !p.signType || !p.paySign) {
      throw malformed('unifiedOrder', '缺少 payment')
    }
    return {
      provider: 'wechat',
      payment: {
        ...(p.appId ? { appId: p.appId } : {}),
        timeStamp: String(p.timeStamp),
        nonceStr: p.nonceStr,
        package: p.package,
        signType: p.signType,
        paySign: p.paySign,
      },
    }
  }

  async query(orderNo: string): Promise<PaymentState> {
    const result = await this.call('queryOrder', () =>
      this.cloudPay.queryOrder({
        subMchId: this.config.subMchId,
        outTradeNo: orderNo,
        nonceStr: this.nonce(),
      }),
    )
    const o = outcome(result)
    if (!o.ok) {
      if (o.code === 'ORDERNOTEXIST') return { state: 'not_found' }
      throw failure('queryOrder', o)
    }
    switch (result.tradeState) {
      case 'NOTPAY':
      case 'USERPAYING':
      case 'ACCEPT':
        return { state: 'unpaid' }
      case 'CLOSED':
      case 'REVOKED':
      case 'PAYERROR':
        return { state: 'closed' }
      case 'SUCCESS': {
        const amount = parseWireFen(result.totalFee)
        const paidAt = result.timeEnd ? parseWireTime(result.timeEnd) : null
        if (amount === null || !result.transactionId || !paidAt)
          throw malformed('queryOrder', '已支付但缺少金额、交易号或时间')
        return {
          state: 'paid',
          amount,
          providerTradeNo: result.transactionId,
          paidAt,
          merchantId: result.subMchId ?? this.config.subMchId,
        }
      }
      case 'REFUND': {
        // queryOrder does not say how much was refunded: `amount` is what was paid
        const amount = parseWireFen(result.totalFee)
        if (amount === null || !result.transactionId)
          throw malformed('queryOrder', '已退款但缺少金额或交易号')
        return { state: 'refunded', amount, providerTradeNo: result.transactionId }
      }
      default:
        throw malformed('queryOrder', `未知 trade_state ${String(result.tradeState)}`)
    }
  }

  async close(orderNo: string): Promise<void> {
    const result = await this.call('closeOrder', () =>
      this.cloudPay.closeOrder({
        subMchId: this.config.subMchId,
        outTradeNo: orderNo,
        nonceStr: this.nonce(),
      }),
    )
    const o = outcome(result)
    // closed already, or never created: either way nobody can pay it
    if (o.ok || o.code === 'ORDERCLOSED' || o.code === 'ORDERNOTEXIST') return
    // ORDERPAID lands here as 'rejected': the caller must query and credit, not close
    throw failure('closeOrder', o)
  }

  async refund(request: RefundRequest): Promise<RefundState> {
    const result = await this.call('refund', () =>
      this.cloudPay.refund({
        subMchId: this.config.subMchId,
        outTradeNo: request.orderNo,
        outRefundNo: request.refundNo,
        totalFee: request.total,
        refundFee: request.amount,
        refundDesc: request.reason,
        nonceStr: this.nonce(),
      }),
    )
    const o = outcome(result)
    if (!o.ok) throw failure('refund', o)
    const amount = parseWireFen(result.refundFee)
    if (amount === null || result.outRefundNo !== request.refundNo)
      throw malformed('refund', '退款单号或金额不符')
    // v2 refund only says the request was accepted; the money moves later (refundquery / bill)
    return { state: 'accepted', refundNo: request.refundNo, amount }
  }

  async statement(day: string): Promise<StatementLine[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`账单日期必须是 YYYY-MM-DD：${day}`)
    const result = await this.call('downloadBill', () =>
      this.cloudPay.downloadBill({
        subMchId: this.config.subMchId,
        billDate: day.replace(/-/g, ''),
        billType: 'ALL',
      }),
    )
    if (typeof result.data === 'string') return parseWechatBill(result.data)
    const message = result.returnMsg ?? ''
    // [docs] v2 downloadbill: "No Bill Exist" = no trade that day; "Bill Creating" = not yet made
    if (/no bill exist/i.test(message)) return []
    if (/bill creating/i.test(message)) {
      throw new PaymentProviderError('wechat', 'unavailable', `账单尚未生成：${message}`, 'BILL_CREATING')
    }
    throw new PaymentProviderError('wechat', 'rejected', `cloudPay.downloadBill：${message}`, 'RETURN_FAIL')
  }
}
