/**
 * A fake WeChat Pay merchant behind CloudBase cloudPay, answering what the real wx-server-sdk
 * sends (install.ts routes `wx.wxPayApi` requests of an emulated environment here). It holds the
 * orders made through unifiedOrder, lets a test or the sandbox "payer" pay one, and produces the
 * payNotify event and the daily bill.
 *
 * Where each behaviour comes from:
 *   [docs]    WeChat Pay v2 / CloudPay.* documentation
 *   [sdk]     read from the installed wx-server-sdk 4.0.2 and @cloudbase/node-sdk 3.17.2
 *   [assumed] our best guess; CloudBase's backend is not public
 *
 * - [sdk] request: params `{ action: 'wx.wxPayApi', apiName, apiOptions, cgiName, requestData }`,
 *   requestData a Buffer of JSON whose keys wx-server-sdk converted to snake_case.
 * - [sdk] answer: a Buffer. JSON → wx-server-sdk camelCases every key and then sets errCode 0 and
 *   errMsg '<api>:ok' (WeChat's err_code is lost). Not JSON (the bill CSV) → `{ data: string }`.
 *   An object `{ code, message }` is a CloudBase error → CloudSDKError with errCode from
 *   TCB_ERR_CODE[code]; a thrown error (network) → errCode -501001.
 * - [assumed] the JSON is WeChat Pay v2's XML answer field for field, snake_case, amounts as
 *   strings (XML has no numbers; `wireAmounts: 'number'` sends numbers instead); `payment` (the
 *   wx.requestPayment parameters) is camelCase as observed in real SDK output.
 * - [docs] v2 semantics: return_code is the transport result, result_code the business one, with
 *   err_code/err_code_des (ORDERNOTEXIST 此交易订单号不存在, ORDERPAID 订单已支付, ORDERCLOSED 订单已
 *   关闭); trade_state NOTPAY / SUCCESS / CLOSED / REFUND; closeOrder on a paid order is ORDERPAID.
 * - [docs] refund: the same out_refund_no again refunds once and answers the same refund;
 *   [assumed] a different amount under the same out_refund_no, or more than was paid in total, is
 *   result_code FAIL INVALID_REQUEST / ERROR.
 * - [docs] downloadBill: bill_date yyyyMMdd; bill_type ALL/SUCCESS/REFUND; the CSV of statement.ts;
 *   return_msg "No Bill Exist" when the day has no trade.
 * - [assumed] unifiedOrder again with the same out_trade_no and the same amount answers a new
 *   prepay for the same order; a different amount is OUT_TRADE_NO_USED; a paid order ORDERPAID.
 * - [docs] the callback event carries v2 支付结果通知 fields; seen both camelCased and snake_cased
 *   (`callbackEvent` produces either); payNotify's getWXContext().SOURCE is 'wx_paycallback'.
 */
import { createHash, randomUUID } from 'node:crypto'
import dayjs from 'dayjs'
import { businessTimeZone } from '../../cloudfunctions/core/businessTime'
import { formatWireTime, parseWireTime } from '../../cloudfunctions/adapters/wechatPay/wire'
import type { CloudPayApi } from '../../cloudfunctions/adapters/wechatPay/cloudPayApi'
import { writeWechatBill, type WechatBillRow } from '../../cloudfunctions/adapters/wechatPay/statement'
import { fen } from '../../types/money'
import { CloudbaseEmulator, type EmulatorResponse, type WxPayApiHandler } from './emulator'
import { registerEmulator, wxServerSdk } from './install'

export type CloudPayApiName = 'unifiedOrder' | 'queryOrder' | 'closeOrder' | 'refund' | 'downloadBill'

export type CloudPayFault =
  /** The request never gets an answer (timeout, reset). */
  | { kind: 'network' }
  /** CloudBase refuses the call, e.g. SYS_ERR, INVALID_PARAM. */
  | { kind: 'tcb'; code: string; message?: string }
  /** WeChat Pay's return_code FAIL. */
  | { kind: 'return'; message: string }
  /** WeChat Pay's result_code FAIL with an err_code. */
  | { kind: 'result'; errCode: string; errCodeDes: string }

export interface EmulatedRefund {
  refundNo: string
  refundId: string
  amount: number
  at: Date
}

export interface EmulatedOrder {
  orderNo: string
  subMchId: string
  amount: number
  description: string
  payerOpenid: string
  notify: { envId: string; functionName: string }
  createdAt: Date
  expiresAt: Date | null
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND'
  prepayId: string
  transactionId?: string
  paidAt?: Date
  refunds: EmulatedRefund[]
}

export interface CloudPayEmulatorOptions {
  /** Our merchant (sub_mch_id) the environment is bound to. */
  subMchId?: string
  subAppId?: string
  /** The service provider behind cloudPay (mch_id, appid). */
  providerMchId?: string
  providerAppId?: string
  now?: () => Date
  wireAmounts?: 'string' | 'number'
}

type Wire = Record<string, unknown>

class Refusal extends Error {
  constructor(readonly answer: Wire) {
    super(String(answer.err_code ?? answer.return_msg))
  }
}

const resultFail = (errCode: string, errCodeDes: string): Refusal =>
  new Refusal({
    return_code: 'SUCCESS',
    return_msg: 'OK',
    result_code: 'FAIL',
    err_code: errCode,
    err_code_des: errCodeDes,
  })
const returnFail = (message: string): Refusal => new Refusal({ return_code: 'FAIL', return_msg: message })

function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}

export class CloudPayEmulator implements WxPayApiHandler {
  readonly subMchId: string
  readonly subAppId: string
  readonly providerMchId: string
  readonly providerAppId: string
  wireAmounts: 'string' | 'number'
  now: () => Date
  readonly orders = new Map<string, EmulatedOrder>()
  readonly calls: Record<string, number> = {}
  private faults: Array<{ api: string; fault: CloudPayFault }> = []
  private serial = 0

  constructor(options: CloudPayEmulatorOptions = {}) {
    this.subMchId = options.subMchId ?? '1900000109'
    this.subAppId = options.subAppId ?? 'wx8888888888888888'
    this.providerMchId = options.providerMchId ?? '1800008281'
    this.providerAppId = options.providerAppId ?? 'wxd2d16a504f24665e'
    this.now = options.now ?? (() => new Date())
    this.wireAmounts = options.wireAmounts ?? 'string'
  }

  // ---- what a test or the sandbox does outside the SDK ----

  /** The next call of `api` fails this way. */
  failNext(api: CloudPayApiName, fault: CloudPayFault): void {
    this.faults.push({ api, fault })
  }

  order(orderNo: string): EmulatedOrder | undefined {
    return this.orders.get(orderNo)
  }

  /** The payer pays the order in the cashier; returns the paid order. */
  pay(orderNo: string, options: { at?: Date } = {}): EmulatedOrder {
    const order = this.orders.get(orderNo)
    if (!order) throw new Error(`cloudPay emulator: no order ${orderNo}`)
    if (order.state !== 'NOTPAY') throw new Error(`cloudPay emulator: order ${orderNo} is ${order.state}`)
    const at = options.at ?? this.now()
    if (order.expiresAt && at.getTime() > order.expiresAt.getTime()) {
      throw new Error(`cloudPay emulator: order ${orderNo} expired at ${order.expiresAt.toISOString()}`)
    }
    order.state = 'SUCCESS'
    // WeChat times have whole seconds
    order.paidAt = new Date(Math.floor(at.getTime() / 1000) * 1000)
    order.transactionId = this.nextId('4200000')
    return order
  }

  /**
   * The event payNotify receives for a paid order, camelCased or snake_cased, amounts as numbers
   * or strings (all seen or possible in the field).
   */
  callbackEvent(
    orderNo: string,
    options: { casing?: 'camel' | 'snake'; amountAs?: 'number' | 'string' } = {},
  ): Record<string, unknown> {
    const order = this.orders.get(orderNo)
    if (!order || !order.transactionId || !order.paidAt) {
      throw new Error(`cloudPay emulator: order ${orderNo} was not paid, WeChat sends no callback`)
    }
    const amount = options.amountAs === 'string' ? String(order.amount) : order.amount
    const camel: Record<string, unknown> = {
      returnCode: 'SUCCESS',
      appid: this.providerAppId,
      mchId: this.providerMchId,
      subAppid: this.subAppId,
      subMchId: order.subMchId,
      nonceStr: randomUUID().replace(/-/g, ''),
      resultCode: 'SUCCESS',
      subOpenid: order.payerOpenid,
      isSubscribe: 'N',
      subIsSubscribe: 'N',
      tradeType: 'JSAPI',
      bankType: 'OTHERS',
      totalFee: amount,
      feeType: 'CNY',
      cashFee: amount,
      transactionId: order.transactionId,
      outTradeNo: order.orderNo,
      timeEnd: formatWireTime(order.paidAt),
    }
    if (options.casing !== 'snake') return camel
    return Object.fromEntries(Object.entries(camel).map(([k, v]) => [snakeCase(k), v]))
  }

  /** The bill rows of one Beijing day ('YYYY-MM-DD'): payments by paid time, refunds by refund time. */
  statementRows(day: string): WechatBillRow[] {
    const rows: Array<WechatBillRow & { sortAt: number }> = []
    const inDay = (at: Date) => dayjs(at).tz(businessTimeZone).format('YYYY-MM-DD') === day
    const iso = (at: Date) => dayjs(at).tz(businessTimeZone).format('YYYY-MM-DDTHH:mm:ss') + '+08:00'
    for (const order of this.orders.values()) {
      if (order.paidAt && order.transactionId && inDay(order.paidAt)) {
        rows.push({
          provider: 'wechat',
          orderNo: order.orderNo,
          providerTradeNo: order.transactionId,
          kind: 'payment',
          amount: fen(order.amount),
          at: iso(order.paidAt),
          merchantId: order.subMchId,
          payerOpenid: order.payerOpenid,
          description: order.description,
          sortAt: order.paidAt.getTime(),
        })
      }
      for (const refund of order.refunds) {
        if (!inDay(refund.at) || !order.transactionId) continue
        rows.push({
          provider: 'wechat',
          orderNo: order.orderNo,
          providerTradeNo: order.transactionId,
          kind: 'refund',
          amount: fen(refund.amount),
          at: iso(refund.at),
          merchantId: order.subMchId,
          refundNo: refund.refundNo,
          providerRefundNo: refund.refundId,
          orderTotal: fen(order.amount),
          payerOpenid: order.payerOpenid,
          description: order.description,
          sortAt: refund.at.getTime(),
        })
      }
    }
    return rows.sort((a, b) => a.sortAt - b.sortAt).map(({ sortAt: _sortAt, ...row }) => row)
  }

  /** The bill text downloadBill answers for that day (bill_type ALL). */
  statementText(day: string): string {
    return writeWechatBill(this.statementRows(day), {
      appId: this.providerAppId,
      providerMerchantId: this.providerMchId,
    })
  }

  // ---- the wire ----

  async handle(params: Record<string, unknown>): Promise<Buffer | EmulatorResponse> {
    const api = String(params.apiName ?? '')
    this.calls[api] = (this.calls[api] ?? 0) + 1
    const requestId = randomUUID()
    const faultAt = this.faults.findIndex((f) => f.api === api)
    if (faultAt >= 0) {
      const [{ fault }] = this.faults.splice(faultAt, 1)
      switch (fault.kind) {
        case 'network':
          throw new Error(`connect ETIMEDOUT (emulated cloudPay.${api})`)
        case 'tcb':
          return { requestId, code: fault.code, message: fault.message ?? fault.code }
        case 'return':
          return this.json(returnFail(fault.message).answer)
        case 'result':
          return this.json(resultFail(fault.errCode, fault.errCodeDes).answer)
      }
    }
    const raw = params.requestData
    let data: Wire
    try {
      data = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw)) as Wire
    } catch {
      return { requestId, code: 'INVALID_PARAM', message: 'requestData is not JSON' }
    }
    try {
      switch (api) {
        case 'unifiedOrder':
          return this.json(this.unifiedOrder(data))
        case 'queryOrder':
          return this.json(this.queryOrder(data))
        case 'closeOrder':
          return this.json(this.closeOrder(data))
        case 'refund':
          return this.json(this.refund(data))
        case 'downloadBill':
          return this.downloadBill(data)
        default:
          return { requestId, code: 'INVALID_PARAM', message: `unknown cloudPay api ${api}` }
      }
    } catch (error) {
      if (error instanceof Refusal) return this.json(error.answer)
      throw error
    }
  }

  private json(answer: Wire): Buffer {
    return Buffer.from(JSON.stringify(answer))
  }

  private nextId(prefix: string): string {
    this.serial += 1
    return prefix + String(Date.now()).slice(-8) + String(this.serial).padStart(28 - prefix.length - 8, '0')
  }

  private amount(value: number): number | string {
    return this.wireAmounts === 'number' ? value : String(value)
  }

  private common(): Wire {
    return {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: this.providerAppId,
      mch_id: this.providerMchId,
      sub_appid: this.subAppId,
      sub_mch_id: this.subMchId,
      nonce_str: randomUUID().replace(/-/g, ''),
      sign: randomUUID().replace(/-/g, '').toUpperCase(),
      result_code: 'SUCCESS',
    }
  }

  private need(data: Wire, ...names: string[]): void {
    for (const name of names) {
      const value = data[name]
      if (value === undefined || value === null || value === '') throw returnFail(`缺少参数${name}`)
    }
    if (data.sub_mch_id !== this.subMchId) throw returnFail('sub_mch_id 与绑定的商户号不符')
  }

  private existing(data: Wire): EmulatedOrder {
    this.need(data, 'sub_mch_id', 'out_trade_no', 'nonce_str')
    const order = this.orders.get(String(data.out_trade_no))
    if (!order) throw resultFail('ORDERNOTEXIST', '此交易订单号不存在')
    return order
  }

  private unifiedOrder(data: Wire): Wire {
    this.need(
      data,
      'body',
      'out_trade_no',
      'spbill_create_ip',
      'sub_mch_id',
      'total_fee',
      'env_id',
      'function_name',
    )
    this.need(data, 'nonce_str', 'trade_type')
    const amount = data.total_fee
    // [docs] total_fee "只能为整数"; a string total_fee fails in cloudPay (community reports -202)
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
      throw returnFail('total_fee 必须是正整数')
    }
    const orderNo = String(data.out_trade_no)
    if (!/^[0-9A-Za-z_\-*@|]{1,32}$/.test(orderNo)) throw returnFail('out_trade_no 格式错误')
    const expiresAt = typeof data.time_expire === 'string' ? parseWireTime(data.time_expire) : null
    if (data.time_expire !== undefined && !expiresAt) throw returnFail('time_expire 格式错误')
    let order = this.orders.get(orderNo)
    if (order) {
      if (order.state === 'SUCCESS' || order.state === 'REFUND') throw resultFail('ORDERPAID', '该订单已支付')
      if (order.state === 'CLOSED') throw resultFail('ORDERCLOSED', '订单已关闭')
      if (order.amount !== amount) throw resultFail('OUT_TRADE_NO_USED', '商户订单号重复')
      order.prepayId = this.nextId('wx')
    } else {
      order = {
        orderNo,
        subMchId: this.subMchId,
        amount,
        description: String(data.body),
        payerOpenid: String(data.sub_openid ?? data.openid ?? ''),
        notify: { envId: String(data.env_id), functionName: String(data.function_name) },
        createdAt: this.now(),
        expiresAt,
        state: 'NOTPAY',
        prepayId: this.nextId('wx'),
        refunds: [],
      }
      this.orders.set(orderNo, order)
    }
    const payment: Record<string, string> = {
      appId: this.subAppId,
      timeStamp: String(Math.floor(this.now().getTime() / 1000)),
      nonceStr: randomUUID().replace(/-/g, '').slice(0, 16),
      package: `prepay_id=${order.prepayId}`,
      signType: 'MD5',
    }
    // the v2 MD5 signature over the five fields, with a key only the emulator knows
    const signed = Object.keys(payment)
      .sort()
      .map((k) => `${k}=${payment[k]}`)
      .join('&')
    payment.paySign = createHash('md5')
      .update(`${signed}&key=emulated-merchant-key`)
      .digest('hex')
      .toUpperCase()
    return { ...this.common(), trade_type: 'JSAPI', prepay_id: order.prepayId, payment }
  }

  private queryOrder(data: Wire): Wire {
    const order = this.existing(data)
    const answer: Wire = {
      ...this.common(),
      out_trade_no: order.orderNo,
      trade_state: order.state,
      trade_type: 'JSAPI',
      total_fee: this.amount(order.amount),
      fee_type: 'CNY',
      sub_openid: order.payerOpenid,
    }
    const descriptions = {
      NOTPAY: '订单未支付',
      SUCCESS: '支付成功',
      CLOSED: '订单已关闭',
      REFUND: '订单发生过退款',
    }
    answer.trade_state_desc = descriptions[order.state]
    if (order.transactionId && order.paidAt) {
      Object.assign(answer, {
        transaction_id: order.transactionId,
        time_end: formatWireTime(order.paidAt),
        bank_type: 'OTHERS',
        cash_fee: this.amount(order.amount),
      })
    }
    return answer
  }

  private closeOrder(data: Wire): Wire {
    const order = this.existing(data)
    if (order.state === 'SUCCESS' || order.state === 'REFUND')
      throw resultFail('ORDERPAID', '订单已支付，不能发起关单')
    if (order.state === 'CLOSED') throw resultFail('ORDERCLOSED', '订单已关闭')
    order.state = 'CLOSED'
    return this.common()
  }

  private refund(data: Wire): Wire {
    this.need(data, 'out_refund_no', 'total_fee', 'refund_fee')
    const order = this.existing(data)
    if (!order.transactionId) throw resultFail('TRADE_STATE_ERROR', '订单状态错误，订单未支付')
    const total = data.total_fee
    const amount = data.refund_fee
    if (
      typeof total !== 'number' ||
      typeof amount !== 'number' ||
      !Number.isSafeInteger(amount) ||
      amount <= 0
    ) {
      throw returnFail('total_fee / refund_fee 必须是正整数')
    }
    if (total !== order.amount) throw resultFail('INVALID_REQUEST', '订单金额与支付金额不一致')
    const refundNo = String(data.out_refund_no)
    let refund = order.refunds.find((r) => r.refundNo === refundNo)
    if (refund && refund.amount !== amount)
      throw resultFail('INVALID_REQUEST', '同一退款单号的退款金额与之前请求不一致')
    if (!refund) {
      const refunded = order.refunds.reduce((sum, r) => sum + r.amount, 0)
      if (refunded + amount > order.amount) throw resultFail('ERROR', '累计退款金额大于支付金额')
      refund = { refundNo, refundId: this.nextId('50000'), amount, at: this.now() }
      order.refunds.push(refund)
      order.state = 'REFUND'
    }
    return {
      ...this.common(),
      transaction_id: order.transactionId,
      out_trade_no: order.orderNo,
      out_refund_no: refund.refundNo,
      refund_id: refund.refundId,
      refund_fee: this.amount(refund.amount),
      total_fee: this.amount(order.amount),
      cash_fee: this.amount(order.amount),
    }
  }

  private downloadBill(data: Wire): Buffer {
    this.need(data, 'sub_mch_id', 'bill_date')
    const match = /^(\d{4})(\d{2})(\d{2})$/.exec(String(data.bill_date))
    if (!match) return this.json(returnFail('invalid bill_date').answer)
    const day = `${match[1]}-${match[2]}-${match[3]}`
    const type = String(data.bill_type ?? 'ALL')
    const rows = this.statementRows(day).filter(
      (row) => type === 'ALL' || (type === 'SUCCESS' ? row.kind === 'payment' : row.kind === 'refund'),
    )
    if (rows.length === 0) return this.json(returnFail('No Bill Exist').answer)
    return Buffer.from(
      writeWechatBill(rows, { appId: this.providerAppId, providerMerchantId: this.providerMchId }),
    )
  }
}

/**
 * A CloudBase emulator with a WeChat Pay merchant, and `cloud.cloudPay` of a wx-server-sdk
 * instance bound to it (its own instance, so another test's `cloud.init` cannot re-point it).
 */
export function openEmulatedCloudPay(
  options: CloudPayEmulatorOptions & { emulator?: CloudbaseEmulator } = {},
): {
  emulator: CloudbaseEmulator
  merchant: CloudPayEmulator
  cloudPay: CloudPayApi
} {
  const emulator = options.emulator ?? new CloudbaseEmulator()
  const merchant = new CloudPayEmulator(options)
  emulator.cloudPay = merchant
  registerEmulator(emulator)
  const sdk = wxServerSdk() as ReturnType<typeof wxServerSdk> & {
    createNewInstance(config: { env: string }): { cloudPay: CloudPayApi }
  }
  const { cloudPay } = sdk.createNewInstance({ env: emulator.envId })
  return { emulator, merchant, cloudPay }
}
