import { createPrivateKey, createPublicKey } from 'node:crypto'
import type { Fen } from '../../../types/money'
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
import { privateKeyType, publicKeyPem, type AlipayConfig } from './alipayKeys'
import {
  AlipayBillFormatError,
  alipayTime,
  fenToYuan,
  parseAlipayBillArchive,
  parseAlipayTime,
  statementLinesOf,
  yuanToFen,
  type AlipayBill,
} from './alipayStatement'

export interface AlipayPayConfig extends Omit<AlipayConfig, 'aesKey'> {
  /** The merchant's PID (2088…): seller_id of our trades and notifications. */
  sellerId: string
  /** The alipayNotify function's HTTP access URL. */
  notifyUrl?: string
  /** Milliseconds for downloading the bill file, default 30000. */
  downloadTimeoutMs?: number
}

/** An answer of the OpenAPI v2 gateway, keys as Alipay documents them (the SDK's camelcase is off). */
type Answer = Record<string, unknown> & {
  code?: string
  msg?: string
  sub_code?: string
  sub_msg?: string
}

/** The slice of alipay-sdk we use. */
interface PaySdk {
  exec(
    method: string,
    params: { bizContent: Record<string, unknown>; notifyUrl?: string },
    options: { validateSign: boolean },
  ): Promise<Answer>
}

/** Fields of the SDK's AlipayRequestError that we read. */
interface SdkRequestError {
  name?: unknown
  message?: unknown
  responseDataRaw?: unknown
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '')

const bareKey = (key: string): string => key.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, '')

/** Alipay's user ids are 2088 + 12 digits; apps switched to OpenID identify buyers by open id. */
const isUserId = (payerId: string) => /^2088\d{12}$/.test(payerId)

/**
 * Alipay's answers: 10000 success; 20000 "service currently unavailable" and ACQ.SYSTEM_ERROR are
 * transient (Alipay says to retry); 40004 and others are refusals with a sub_code.
 */
const transientSubCodes = new Set(['ACQ.SYSTEM_ERROR', 'isp.unknow-error', 'aop.unknow-error'])

function providerFailure(method: string, answer: Answer, note = ''): PaymentProviderError {
  const subCode = text(answer.sub_code) || text(answer.code) || 'unknown'
  const message = `${method} 失败${note}：${text(answer.sub_msg) || text(answer.msg) || subCode}`
  const transient = answer.code === '20000' || transientSubCodes.has(subCode)
  return new PaymentProviderError('alipay', transient ? 'unavailable' : 'rejected', message, subCode)
}

function parseRaw(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string') return null
  try {
    const value: unknown = JSON.parse(raw)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * What a failed exec() means. The SDK throws for transport failures, HTTP errors, unparsable
 * answers and answers whose signature does not verify: all 'unavailable', never a state. The one
 * exception is a gateway-level refusal under `error_response` (unknown app, bad parameters), which
 * alipay-sdk 4 cannot verify because it looks for the method's key: unverified, it is only ever
 * turned into an error, never into a state, so it is reported as what it says.
 */
function gatewayFailure(method: string, error: unknown): PaymentProviderError {
  const { name, message, responseDataRaw } = (error ?? {}) as SdkRequestError
  const body = parseRaw(responseDataRaw)
  const refusal = body?.error_response
  if (
    body &&
    body[`${method.replaceAll('.', '_')}_response`] === undefined &&
    refusal &&
    typeof refusal === 'object'
  ) {
    return providerFailure(method, refusal as Answer, '（网关拒绝，应答未验签）')
  }
  const why = name === 'AlipayRequestError' ? String(message) : String(message ?? error)
  return new PaymentProviderError('alipay', 'unavailable', `支付宝网关不可用：${why}`)
}

function unreadable(method: string, what: string): PaymentProviderError {
  // an answer we cannot read is not proof of anything: the caller asks again later
  return new PaymentProviderError('alipay', 'unavailable', `${method} 的应答无法识别：${what}`)
}

/**
 * The Alipay side of the Payments port through alipay-sdk (OpenAPI v2, RSA2 signed requests,
 * answers verified against Alipay's public key). The SDK is loaded on the first call, so a
 * function that never talks to Alipay never loads it (the bundler makes it a separate file).
 * Amounts are fen on the port and yuan strings (big.js, two decimals) on the wire.
 */
export class AlipayPaymentGateway implements PaymentGateway {
  readonly provider = 'alipay' as const
  readonly merchantId: string
  private sdk: Promise<PaySdk> | null = null

  constructor(private readonly config: AlipayPayConfig) {
    this.merchantId = config.sellerId
  }

  private client(): Promise<PaySdk> {
    // a failed load (e.g. a bad key) is not cached: the next call tries again
    this.sdk ??= this.load().catch((error: unknown) => {
      this.sdk = null
      throw error
    })
    return this.sdk
  }

  private async load(): Promise<PaySdk> {
    // the keys are checked here, once, so that no call can fail half-way for a misconfigured key
    const keyType = privateKeyType(this.config.privateKey)
    const privateKey = bareKey(this.config.privateKey)
    const pemType = keyType === 'PKCS8' ? 'PRIVATE KEY' : 'RSA PRIVATE KEY'
    try {
      createPrivateKey(`-----BEGIN ${pemType}-----\n${privateKey}\n-----END ${pemType}-----`)
    } catch {
      throw new PaymentProviderError(
        'alipay',
        'rejected',
        '支付宝应用私钥无效（配置错误）',
        'INVALID_PRIVATE_KEY',
      )
    }
    try {
      createPublicKey(publicKeyPem(this.config.alipayPublicKey))
    } catch {
      throw new PaymentProviderError('alipay', 'rejected', '支付宝公钥无效（配置错误）', 'INVALID_PUBLIC_KEY')
    }
    const { AlipaySdk } = await import('alipay-sdk')
    return new AlipaySdk({
      appId: this.config.appId,
      // bare base64: the SDK adds the PEM armour for keyType itself
      privateKey,
      keyType,
      alipayPublicKey: bareKey(this.config.alipayPublicKey),
      signType: 'RSA2',
      gateway: this.config.gateway ?? 'https://openapi.alipay.com/gateway.do',
      timeout: this.config.timeoutMs ?? 5000,
      camelcase: false,
    }) as unknown as PaySdk
  }

  /** One signed call whose answer's signature was verified; anything else is a PaymentProviderError. */
  private async call(
    method: string,
    bizContent: Record<string, unknown>,
    withNotify = false,
  ): Promise<Answer> {
    const sdk = await this.client()
    let answer: Answer
    try {
      answer = await sdk.exec(
        method,
        {
          bizContent,
          ...(withNotify && this.config.notifyUrl ? { notifyUrl: this.config.notifyUrl } : {}),
        },
        { validateSign: true },
      )
    } catch (error) {
      throw gatewayFailure(method, error)
    }
    if (!answer || typeof answer !== 'object') throw unreadable(method, '不是对象')
    return answer
  }

  async create(request: CreatePayment): Promise<PaymentLaunch> {
    const method = 'alipay.trade.create'
    const answer = await this.call(
      method,
      {
        out_trade_no: request.orderNo,
        total_amount: fenToYuan(request.amount),
        subject: request.description,
        product_code: 'JSAPI_PAY',
        ...(isUserId(request.payerId) ? { buyer_id: request.payerId } : { buyer_open_id: request.payerId }),
        time_expire: alipayTime(request.expiresAt),
      },
      true,
    )
    if (answer.code !== '10000') throw providerFailure(method, answer)
    const tradeNo = text(answer.trade_no)
    if (!tradeNo || text(answer.out_trade_no) !== request.orderNo) {
      throw unreadable(method, '缺少交易号或订单号不符')
    }
    return { provider: 'alipay', tradeNo }
  }

  async query(orderNo: string): Promise<PaymentState> {
    const method = 'alipay.trade.query'
    const answer = await this.call(method, { out_trade_no: orderNo })
    if (answer.code !== '10000') {
      if (answer.sub_code === 'ACQ.TRADE_NOT_EXIST') return { state: 'not_found' }
      throw providerFailure(method, answer)
    }
    if (text(answer.out_trade_no) !== orderNo) throw unreadable(method, '订单号不符')
    const status = text(answer.trade_status)
    const tradeNo = text(answer.trade_no)
    const amount = (): Fen => {
      try {
        return yuanToFen(text(answer.total_amount))
      } catch {
        throw unreadable(method, `金额 ${String(answer.total_amount)}`)
      }
    }
    switch (status) {
      case 'WAIT_BUYER_PAY':
        return { state: 'unpaid' }
      case 'TRADE_SUCCESS':
      case 'TRADE_FINISHED': {
        const paidAt = parseAlipayTime(text(answer.send_pay_date))
        if (!paidAt || !tradeNo) throw unreadable(method, '已支付但缺少交易号或付款时间')
        return {
          state: 'paid',
          amount: amount(),
          providerTradeNo: tradeNo,
          paidAt,
          // the query is signed with this app's key, so the trade is this merchant's unless Alipay says otherwise
          merchantId: text(answer.seller_id) || this.merchantId,
        }
      }
      case 'TRADE_CLOSED':
        // closed unpaid (timeout or close) vs. closed by a full refund: only a paid trade has send_pay_date
        if (!text(answer.send_pay_date)) return { state: 'closed' }
        if (!tradeNo) throw unreadable(method, '已退款但缺少交易号')
        return { state: 'refunded', amount: amount(), providerTradeNo: tradeNo }
      default:
        throw unreadable(method, `未知交易状态 ${status}`)
    }
  }

  async close(orderNo: string): Promise<void> {
    const method = 'alipay.trade.close'
    const answer = await this.call(method, { out_trade_no: orderNo })
    if (answer.code === '10000') return
    // never created at Alipay: nothing can be paid
    if (answer.sub_code === 'ACQ.TRADE_NOT_EXIST') return
    if (answer.sub_code === 'ACQ.TRADE_STATUS_ERROR') {
      // already closed is what we wanted; paid (or refunded) is not closable and must be reported
      const state = await this.query(orderNo)
      if (state.state === 'closed') return
    }
    throw providerFailure(method, answer)
  }

  async refund(request: RefundRequest): Promise<RefundState> {
    if (request.amount <= 0 || request.amount > request.total) {
      throw new PaymentProviderError('alipay', 'rejected', `退款金额 ${request.amount} 分无效或超出支付金额`)
    }
    const method = 'alipay.trade.refund'
    const answer = await this.call(method, {
      out_trade_no: request.orderNo,
      refund_amount: fenToYuan(request.amount),
      out_request_no: request.refundNo,
      refund_reason: request.reason,
    })
    if (answer.code !== '10000') throw providerFailure(method, answer)
    if (text(answer.out_trade_no) && text(answer.out_trade_no) !== request.orderNo) {
      throw unreadable(method, '订单号不符')
    }
    if (answer.fund_change === 'Y')
      return { state: 'succeeded', refundNo: request.refundNo, amount: request.amount }
    // fund_change N: this out_request_no was refunded before (a retry), or the refund is still in
    // progress; Alipay's refund query tells which, and how much that refund really was
    return this.refundState(request)
  }

  private async refundState(request: RefundRequest): Promise<RefundState> {
    const method = 'alipay.trade.fastpay.refund.query'
    const answer = await this.call(method, {
      out_trade_no: request.orderNo,
      out_request_no: request.refundNo,
    })
    if (answer.code !== '10000') throw providerFailure(method, answer)
    const refunded = text(answer.refund_amount)
    // Alipay's rule: refund details with refund_status REFUND_SUCCESS (older refunds: no status)
    // mean refunded; no details mean the refund has not succeeded (yet)
    const status = text(answer.refund_status)
    if (refunded && (status === 'REFUND_SUCCESS' || status === '')) {
      let amount: Fen
      try {
        amount = yuanToFen(refunded)
      } catch {
        throw unreadable(method, `金额 ${refunded}`)
      }
      return { state: 'succeeded', refundNo: request.refundNo, amount }
    }
    return { state: 'accepted', refundNo: request.refundNo, amount: request.amount }
  }

  async statement(day: string): Promise<StatementLine[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`账单日期格式应为 yyyy-MM-dd: ${day}`)
    const method = 'alipay.data.dataservice.bill.downloadurl.query'
    const answer = await this.call(method, { bill_type: 'trade', bill_date: day })
    if (answer.code !== '10000') {
      // [docs] the day's bill is made the next morning (normally before 09:00, sometimes later)
      if (answer.sub_code === 'isp.bill_not_exist') {
        throw new PaymentProviderError(
          'alipay',
          'unavailable',
          `支付宝 ${day} 的账单尚未生成`,
          'isp.bill_not_exist',
        )
      }
      throw providerFailure(method, answer)
    }
    const url = text(answer.bill_download_url)
    if (!url) throw unreadable(method, '缺少下载地址')
    let archive: Buffer
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(this.config.downloadTimeoutMs ?? 30000),
      })
      if (!response.ok) throw new Error(`HTTP ${response.status}`)
      archive = Buffer.from(await response.arrayBuffer())
    } catch (error) {
      throw new PaymentProviderError(
        'alipay',
        'unavailable',
        `支付宝账单下载失败：${String((error as Error).message)}`,
      )
    }
    let bill: AlipayBill
    try {
      bill = parseAlipayBillArchive(archive)
    } catch (error) {
      // a truncated download, a broken zip or an unknown layout: downloaded again, never guessed at
      const why = error instanceof AlipayBillFormatError ? error.message : `压缩包损坏（${String(error)}）`
      throw new PaymentProviderError('alipay', 'unavailable', `支付宝账单无法解析：${why}`, 'BILL_FORMAT')
    }
    if (bill.merchantId !== this.merchantId) {
      throw new PaymentProviderError(
        'alipay',
        'rejected',
        `账单属于商户 ${bill.merchantId}，不是 ${this.merchantId}`,
      )
    }
    if (bill.day !== null && bill.day !== day) {
      throw new PaymentProviderError('alipay', 'rejected', `账单日期是 ${bill.day}，不是 ${day}`)
    }
    return statementLinesOf(bill)
  }
}
