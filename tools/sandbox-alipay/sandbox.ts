/**
 * The local "Alipay" for H5, tests and the simulator: an OpenAPI v2 gateway on 127.0.0.1 that the
 * real alipay-sdk talks to, and the payer. It checks the app's RSA2 request signature, keeps the
 * trades alipay.trade.create opened, answers query/close/refund/refund query/bill download URL
 * signed with a locally generated Alipay key, serves the bill archive (GBK CSV in a zip), and
 * produces the asynchronous notifications Alipay would POST, signed the same way.
 * Key pairs are generated at start and live only in memory, unless given (`keys`). Deterministic apart from the keys and
 * the port: trade numbers, notify ids and download tokens are counters, time is `now()`.
 *
 * Where each behaviour comes from:
 *   [docs]    Alipay open platform documentation (OpenAPI v2, 统一收单, 异步通知, 对账单)
 *   [sdk]     read from the installed alipay-sdk 4.x
 *   [assumed] our best guess where the documentation says nothing
 *
 * - [docs] request signature: every parameter except sign, empty values dropped, sorted, k=v&…,
 *   SHA256withRSA with the app's public key; a bad signature is 40002 isv.invalid-signature.
 * - [docs] answers: `{"<method>_response":{…},"sign":"…"}`, the sign over the JSON text of the
 *   answer object exactly as sent; 10000 success, 20000 service unavailable, 40004 business failed
 *   with sub_code (ACQ.TRADE_NOT_EXIST, ACQ.TRADE_STATUS_ERROR, ACQ.TRADE_HAS_SUCCESS, …).
 * - [sdk] gateway-level refusals (unknown app, unknown method) come as `error_response`, which
 *   alipay-sdk 4 cannot verify (it looks for the method's key).
 * - [sdk] alipay-sdk's HTTP client (urllib 4, socketErrorRetry 1) sends the same signed POST once
 *   more after a socket error: a 'network' or 'lostAnswer' fault must be queued twice to reach the
 *   caller, and the gateway may see a call twice (which out_trade_no / out_request_no make safe).
 * - [docs] trade statuses WAIT_BUYER_PAY / TRADE_SUCCESS / TRADE_CLOSED (timed out, closed, or fully
 *   refunded) / TRADE_FINISHED; time_expire closes an unpaid trade.
 * - [docs] refund: out_request_no identifies a refund; the same out_request_no again refunds once
 *   and answers fund_change N; refund query answers refund_status REFUND_SUCCESS, or no refund
 *   details when no such refund succeeded. [assumed] the same out_request_no with another amount
 *   is also answered fund_change N without refunding.
 * - [assumed] alipay.trade.query of a trade closed by a full refund still carries send_pay_date.
 * - [docs] notifications: form parameters, signed over all parameters except sign and sign_type,
 *   sorted, k=v&…, values unencoded.
 * - [docs] bill: a day's bill exists from the next Beijing day on ([docs] normally before 09:00;
 *   the sandbox has it at 00:00), isp.bill_not_exist before; the URL serves a zip of GBK CSVs.
 */
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Big from 'big.js'
import dayjs from 'dayjs'
import { businessTimeZone, shanghaiDay } from '../../cloudfunctions/core/businessTime'
import { fen, type Fen } from '../../types/money'
import {
  alipayTime,
  fenToYuan,
  parseAlipayTime,
  yuanToFen,
} from '../../cloudfunctions/adapters/alipay/alipayStatement'
import { encodeGbk, writeZip } from './archive'
import { writeTradeBill, writeTradeSummary, type BillRecord } from './bill'
import {
  bare,
  readParams,
  responseKeyOf,
  rsaPair,
  signAsAlipay,
  signedAnswer,
  verifyAppRequest,
  type RsaPair,
} from './openapi'

export type SandboxTradeStatus = 'WAIT_BUYER_PAY' | 'TRADE_SUCCESS' | 'TRADE_CLOSED' | 'TRADE_FINISHED'

export interface SandboxRefund {
  refundNo: string
  amount: Fen
  at: Date
  reason: string
}

export interface SandboxTrade {
  orderNo: string
  tradeNo: string
  amount: Fen
  subject: string
  buyer: { buyer_id: string } | { buyer_open_id: string }
  status: SandboxTradeStatus
  createdAt: Date
  expiresAt: Date | null
  paidAt: Date | null
  closedAt: Date | null
  notifyUrl: string | null
  refunds: SandboxRefund[]
}

export interface SandboxRequest {
  method: string
  params: Record<string, string>
  /** The app's RSA2 signature verified and the app id is the sandbox's. */
  verified: boolean
}

export interface AlipaySandboxOptions {
  appId?: string
  /** The merchant PID (seller_id). */
  sellerId?: string
  /** The sandbox's clock: trade expiry, payment times, which bills exist. Default: real time. */
  now?: () => Date
  /** The app's and "Alipay"'s key pairs (PEM), e.g. kept by `npm start` across restarts; fresh ones otherwise. */
  keys?: { app: RsaPair; alipay: RsaPair }
}

/** How a notification is signed. */
export type NotificationSigning =
  /** By "Alipay" over the final parameters: genuine, whatever the overrides say. */
  | 'alipay'
  /** With a key that is not Alipay's. */
  | 'stranger'
  /** By "Alipay" over the genuine parameters, then the overrides applied: a tampered notification. */
  | 'tampered'

/** The gateway methods the sandbox answers, and the bill file download. */
export type SandboxMethod =
  | 'alipay.trade.create'
  | 'alipay.trade.query'
  | 'alipay.trade.close'
  | 'alipay.trade.refund'
  | 'alipay.trade.fastpay.refund.query'
  | 'alipay.data.dataservice.bill.downloadurl.query'
  | 'bill.download'

/** What the next call of a method meets instead of its normal answer. */
export type SandboxFault =
  /**
   * This signed answer instead, nothing done, e.g. { kind: 'answer', code: '40004', sub_code:
   * 'ACQ.SYSTEM_ERROR' }; other fields are answered as given (e.g. fund_change).
   */
  | { kind: 'answer'; code: string; [field: string]: string }
  /** The connection is dropped before the call is carried out. */
  | { kind: 'network' }
  /** The call is carried out, then the connection is dropped: the answer is lost on the way back. */
  | { kind: 'lostAnswer' }
  /** An HTTP error status from a proxy in front of the gateway. */
  | { kind: 'http'; status: number }

type Answer = Record<string, unknown>

const success = { code: '10000', msg: 'Success' }
const businessFailed = (sub_code: string, sub_msg: string): Answer => ({
  code: '40004',
  msg: 'Business Failed',
  sub_code,
  sub_msg,
})
const maskedBuyer = '138****5678'

export class AlipaySandbox {
  readonly appId: string
  readonly sellerId: string
  /** The app's key pair: its private key goes into the adapter's config, its public key stays here. */
  readonly app: RsaPair
  /** "Alipay"'s key pair: the adapters get the public key; answers and notifications are signed with the private one. */
  readonly alipay: RsaPair
  /** A key nobody registered, for forged answers and notifications. */
  readonly stranger: RsaPair
  /** Every gateway call received, in order. */
  readonly requests: SandboxRequest[] = []
  /** Milliseconds to wait before answering a gateway call (timeouts). */
  delayMs = 0
  /** 'forged': answers signed with the stranger's key; 'altered': changed after signing. */
  responseMode: 'genuine' | 'forged' | 'altered' = 'genuine'
  private readonly trades = new Map<string, SandboxTrade>()
  private readonly faults = new Map<SandboxMethod, SandboxFault[]>()
  private readonly bills = new Map<string, string>()
  private readonly now: () => Date
  private sequence = 0
  private server: Server | null = null
  private base = ''

  private constructor(options: AlipaySandboxOptions) {
    this.appId = options.appId ?? '2021000000000001'
    this.sellerId = options.sellerId ?? '2088102177846880'
    this.now = options.now ?? (() => new Date())
    this.app = options.keys?.app ?? rsaPair('pkcs8')
    this.alipay = options.keys?.alipay ?? rsaPair('pkcs1')
    this.stranger = rsaPair('pkcs1')
  }

  static async start(options: AlipaySandboxOptions = {}): Promise<AlipaySandbox> {
    const sandbox = new AlipaySandbox(options)
    const server = createServer((req, res) => {
      sandbox.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain;charset=utf-8' })
        res.end(String(error))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    sandbox.server = server
    sandbox.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return sandbox
  }

  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = null
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** The OpenAPI gateway URL (AlipayConfig.gateway). */
  get gateway(): string {
    return `${this.base}/gateway.do`
  }

  /** What the Alipay adapters need to talk to this sandbox (keys as the console hands them out). */
  config(): {
    appId: string
    privateKey: string
    alipayPublicKey: string
    gateway: string
    sellerId: string
    timeoutMs: number
  } {
    return {
      appId: this.appId,
      privateKey: bare(this.app.privateKey),
      alipayPublicKey: bare(this.alipay.publicKey),
      gateway: this.gateway,
      sellerId: this.sellerId,
      timeoutMs: 5000,
    }
  }

  /** A copy of a trade as the sandbox holds it. */
  trade(orderNo: string): SandboxTrade | undefined {
    const trade = this.trades.get(orderNo)
    if (!trade) return undefined
    this.expire(trade)
    return { ...trade, refunds: trade.refunds.map((refund) => ({ ...refund })) }
  }

  /** The next call of this method meets this fault instead (faults queue up per method). */
  failNext(method: SandboxMethod, fault: SandboxFault): void {
    this.faults.set(method, [...(this.faults.get(method) ?? []), fault])
  }

  /**
   * The payer pays in the cashier (my.tradePay succeeds): the trade becomes TRADE_SUCCESS and the
   * notification Alipay would POST to the notify URL is returned as its form parameters.
   */
  pay(orderNo: string, options: { at?: Date } = {}): Record<string, string> {
    const trade = this.trades.get(orderNo)
    if (!trade) throw new Error(`沙箱支付宝：交易 ${orderNo} 不存在`)
    this.expire(trade)
    if (trade.status !== 'WAIT_BUYER_PAY')
      throw new Error(`沙箱支付宝：交易 ${orderNo} 状态 ${trade.status}，不能支付`)
    trade.status = 'TRADE_SUCCESS'
    trade.paidAt = options.at ?? this.now()
    return this.notificationFor(orderNo)
  }

  /** The trade passes its refund period: TRADE_SUCCESS becomes TRADE_FINISHED (no more refunds). */
  finish(orderNo: string): void {
    const trade = this.trades.get(orderNo)
    if (trade?.status !== 'TRADE_SUCCESS') throw new Error(`沙箱支付宝：交易 ${orderNo} 未支付`)
    trade.status = 'TRADE_FINISHED'
  }

  /**
   * The notification of a trade's current state as form parameters, optionally changed: overrides
   * set parameters (null removes one); `signing` says whether the change is Alipay's own or an
   * attacker's.
   */
  notificationFor(
    orderNo: string,
    overrides: Record<string, string | null> = {},
    signing: NotificationSigning = 'alipay',
  ): Record<string, string> {
    const trade = this.trades.get(orderNo)
    if (!trade) throw new Error(`沙箱支付宝：交易 ${orderNo} 不存在`)
    this.expire(trade)
    const total = fenToYuan(trade.amount)
    const refunded = trade.refunds.reduce((sum, refund) => sum + refund.amount, 0)
    this.sequence += 1
    const params: Record<string, string> = {
      gmt_create: alipayTime(trade.createdAt),
      charset: 'utf-8',
      subject: trade.subject,
      ...trade.buyer,
      notify_id: createHash('sha256').update(`${trade.tradeNo}:${this.sequence}`).digest('hex').slice(0, 34),
      notify_type: 'trade_status_sync',
      trade_status: trade.status,
      app_id: this.appId,
      auth_app_id: this.appId,
      sign_type: 'RSA2',
      seller_id: this.sellerId,
      notify_time: alipayTime(this.now()),
      version: '1.0',
      out_trade_no: trade.orderNo,
      total_amount: total,
      trade_no: trade.tradeNo,
      buyer_logon_id: maskedBuyer,
    }
    if (trade.paidAt) {
      Object.assign(params, {
        gmt_payment: alipayTime(trade.paidAt),
        receipt_amount: total,
        invoice_amount: total,
        buyer_pay_amount: total,
        point_amount: '0.00',
        fund_bill_list: JSON.stringify([{ amount: total, fundChannel: 'ALIPAYACCOUNT' }]),
      })
    }
    const lastRefund = trade.refunds.at(-1)
    if (lastRefund) {
      params.refund_fee = fenToYuan(fen(refunded))
      params.gmt_refund = `${alipayTime(lastRefund.at)}.000`
      params.out_biz_no = lastRefund.refundNo
    }
    if (trade.closedAt) params.gmt_close = alipayTime(trade.closedAt)
    const apply = (target: Record<string, string>) => {
      for (const [key, value] of Object.entries(overrides)) {
        if (value === null) delete target[key]
        else target[key] = value
      }
    }
    if (signing !== 'tampered') apply(params)
    const content = Object.keys(params)
      .filter((key) => key !== 'sign' && key !== 'sign_type')
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('&')
    params.sign = signAsAlipay(
      content,
      signing === 'stranger' ? this.stranger.privateKey : this.alipay.privateKey,
    )
    if (signing === 'tampered') apply(params)
    return params
  }

  /** The application/x-www-form-urlencoded UTF-8 body Alipay POSTs to the notify URL. */
  notificationBodyFor(
    orderNo: string,
    overrides: Record<string, string | null> = {},
    signing: NotificationSigning = 'alipay',
  ): string {
    return AlipaySandbox.formBody(this.notificationFor(orderNo, overrides, signing))
  }

  /** Form parameters as a POST body (spaces as '+', everything else percent-encoded in UTF-8). */
  static formBody(params: Record<string, string>): string {
    return new URLSearchParams(params).toString()
  }

  /** The bill archive of a day, as the download URL serves it. */
  billArchive(day: string): Buffer {
    const compact = day.replaceAll('-', '')
    const account = `${this.sellerId}0156`
    const records = this.billRecords(day)
    const detail = writeTradeBill({ account, day, records, exportedAt: this.now() })
    const summary = writeTradeSummary({ account, day, records })
    return writeZip(
      [
        { name: `${account}_${compact}_业务明细.csv`, data: encodeGbk(detail) },
        { name: `${account}_${compact}_业务明细(汇总).csv`, data: encodeGbk(summary) },
      ],
      this.now(),
    )
  }

  private billRecords(day: string): BillRecord[] {
    const records: BillRecord[] = []
    // Alipay's service fee: 0.6% of the amount, rounded half up to the fen (refunds return none here)
    const feeOf = (amount: Fen) => Number(new Big(amount).times('0.006').round(0, Big.roundHalfUp).toFixed(0))
    for (const trade of this.trades.values()) {
      const common = {
        tradeNo: trade.tradeNo,
        orderNo: trade.orderNo,
        subject: trade.subject,
        createdAt: alipayTime(trade.createdAt),
        counterparty: maskedBuyer,
      }
      if (trade.paidAt && shanghaiDay(trade.paidAt) === day) {
        records.push({
          ...common,
          kind: 'payment',
          finishedAt: alipayTime(trade.paidAt),
          amount: trade.amount,
          received: trade.amount,
          fee: feeOf(trade.amount),
        })
      }
      for (const refund of trade.refunds) {
        if (shanghaiDay(refund.at) !== day) continue
        records.push({
          ...common,
          kind: 'refund',
          finishedAt: alipayTime(refund.at),
          amount: refund.amount,
          received: refund.amount,
          fee: 0,
          refundNo: refund.refundNo,
        })
      }
    }
    return records.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt))
  }

  /** An unpaid trade past its time_expire is closed, as Alipay does when it times out. */
  private expire(trade: SandboxTrade): void {
    if (trade.status === 'WAIT_BUYER_PAY' && trade.expiresAt && this.now() >= trade.expiresAt) {
      trade.status = 'TRADE_CLOSED'
      trade.closedAt = trade.expiresAt
    }
  }

  /** Applies a queued network or HTTP fault; true when the request has been dealt with. */
  private transportFault(
    fault: SandboxFault | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): boolean {
    if (fault?.kind === 'network') {
      req.socket.destroy()
      return true
    }
    if (fault?.kind === 'http') {
      res.writeHead(fault.status, { 'content-type': 'text/html;charset=utf-8' })
      res.end(`<html><body>${fault.status}</body></html>`)
      return true
    }
    return false
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base)
    if (req.method === 'GET' && url.pathname === '/downloadBillFile.resource') {
      if (this.transportFault(this.faults.get('bill.download')?.shift(), req, res)) return
      const day = this.bills.get(url.searchParams.get('token') ?? '')
      if (!day) {
        res.writeHead(404, { 'content-type': 'text/plain' })
        res.end('not found')
        return
      }
      const archive = this.billArchive(day)
      res.writeHead(200, {
        'content-type': 'application/oct-stream',
        'content-disposition': `attachment; filename="${this.sellerId}0156_${day.replaceAll('-', '')}.csv.zip"`,
      })
      res.end(archive)
      return
    }
    if (url.pathname !== '/gateway.do') {
      res.writeHead(404)
      res.end()
      return
    }
    const params = await readParams(req)
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs))
    const method = params.method ?? ''
    const verified = params.app_id === this.appId && verifyAppRequest(params, this.app.publicKey)
    this.requests.push({ method, params, verified })
    const fault = this.faults.get(method as SandboxMethod)?.shift()
    if (this.transportFault(fault, req, res)) return
    const signingKey = this.responseMode === 'forged' ? this.stranger.privateKey : this.alipay.privateKey
    const alter = (content: string) =>
      this.responseMode === 'altered'
        ? content.replace(/"total_amount":"[^"]*"/, '"total_amount":"0.02"')
        : content
    if (params.app_id !== this.appId) {
      signedAnswer(
        res,
        'error_response',
        {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-app-id',
          sub_msg: '无效的AppID参数',
        },
        signingKey,
      )
      return
    }
    if (!isSandboxMethod(method)) {
      signedAnswer(
        res,
        'error_response',
        {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-method',
          sub_msg: '不存在的方法名',
        },
        signingKey,
      )
      return
    }
    const key = responseKeyOf(method)
    if (!verified) {
      signedAnswer(
        res,
        key,
        {
          code: '40002',
          msg: 'Invalid Arguments',
          sub_code: 'isv.invalid-signature',
          sub_msg: '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配',
        },
        signingKey,
      )
      return
    }
    let biz: Record<string, unknown> = {}
    try {
      biz = params.biz_content ? (JSON.parse(params.biz_content) as Record<string, unknown>) : {}
    } catch {
      signedAnswer(
        res,
        key,
        { code: '40002', msg: 'Invalid Arguments', sub_code: 'isv.invalid-parameter' },
        signingKey,
      )
      return
    }
    const answer: Answer =
      fault?.kind === 'answer'
        ? {
            msg: fault.code === '20000' ? 'Service Currently Unavailable' : 'Business Failed',
            ...withoutKind(fault),
          }
        : this.answer(method, biz, params)
    if (fault?.kind === 'lostAnswer') {
      req.socket.destroy()
      return
    }
    signedAnswer(res, key, answer, signingKey, alter)
  }

  private answer(
    method: SandboxMethod,
    biz: Record<string, unknown>,
    params: Record<string, string>,
  ): Answer {
    const str = (name: string): string => (typeof biz[name] === 'string' ? (biz[name] as string) : '')
    switch (method) {
      case 'alipay.trade.create':
        return this.create(str, params.notify_url ?? null)
      case 'alipay.trade.query':
        return this.query(str('out_trade_no'))
      case 'alipay.trade.close':
        return this.close(str('out_trade_no'))
      case 'alipay.trade.refund':
        return this.refund(str)
      case 'alipay.trade.fastpay.refund.query':
        return this.refundQuery(str('out_trade_no'), str('out_request_no'))
      case 'alipay.data.dataservice.bill.downloadurl.query':
        return this.billUrl(str('bill_type'), str('bill_date'))
      case 'bill.download':
        return businessFailed('isv.invalid-method', '不存在的方法名')
    }
  }

  private create(str: (name: string) => string, notifyUrl: string | null): Answer {
    const orderNo = str('out_trade_no')
    let amount: Fen
    try {
      amount = yuanToFen(str('total_amount'))
    } catch {
      return businessFailed('ACQ.INVALID_PARAMETER', '参数无效: total_amount')
    }
    if (!orderNo || !str('subject')) return businessFailed('ACQ.INVALID_PARAMETER', '参数无效')
    if (amount < 1 || amount > 10_000_000_000) return businessFailed('ACQ.INVALID_PARAMETER', '金额超出范围')
    if (str('product_code') !== 'JSAPI_PAY')
      return businessFailed('ACQ.INVALID_PARAMETER', 'product_code 应为 JSAPI_PAY')
    const buyer = str('buyer_id')
      ? { buyer_id: str('buyer_id') }
      : str('buyer_open_id')
        ? { buyer_open_id: str('buyer_open_id') }
        : null
    if (!buyer) return businessFailed('ACQ.INVALID_PARAMETER', '缺少买家 buyer_id / buyer_open_id')
    const expiresText = str('time_expire')
    const expiresAt = expiresText ? parseAlipayTime(expiresText) : null
    if (expiresText && !expiresAt) return businessFailed('ACQ.INVALID_PARAMETER', 'time_expire 格式错误')
    const existing = this.trades.get(orderNo)
    if (existing) {
      this.expire(existing)
      if (existing.status === 'TRADE_SUCCESS' || existing.status === 'TRADE_FINISHED') {
        return businessFailed('ACQ.TRADE_HAS_SUCCESS', '交易已被支付')
      }
      if (existing.status === 'TRADE_CLOSED') return businessFailed('ACQ.TRADE_HAS_CLOSE', '交易已经关闭')
      if (existing.amount !== amount || JSON.stringify(existing.buyer) !== JSON.stringify(buyer)) {
        return businessFailed('ACQ.CONTEXT_INCONSISTENT', '交易信息被篡改')
      }
      return { ...success, out_trade_no: orderNo, trade_no: existing.tradeNo }
    }
    const now = this.now()
    this.sequence += 1
    const trade: SandboxTrade = {
      orderNo,
      // Alipay's trade numbers: the day, 22001, then digits (here a counter)
      tradeNo: `${dayjs(now).tz(businessTimeZone).format('YYYYMMDD')}22001${String(this.sequence).padStart(15, '0')}`,
      amount,
      subject: str('subject'),
      buyer,
      status: 'WAIT_BUYER_PAY',
      createdAt: now,
      expiresAt,
      paidAt: null,
      closedAt: null,
      notifyUrl,
      refunds: [],
    }
    this.trades.set(orderNo, trade)
    return { ...success, out_trade_no: orderNo, trade_no: trade.tradeNo }
  }

  private query(orderNo: string): Answer {
    const trade = this.trades.get(orderNo)
    if (!trade) return businessFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
    this.expire(trade)
    const total = fenToYuan(trade.amount)
    return {
      ...success,
      trade_no: trade.tradeNo,
      out_trade_no: trade.orderNo,
      buyer_logon_id: maskedBuyer,
      trade_status: trade.status,
      total_amount: total,
      ...(trade.paidAt
        ? {
            buyer_pay_amount: total,
            receipt_amount: total,
            send_pay_date: alipayTime(trade.paidAt),
          }
        : {}),
      ...('buyer_id' in trade.buyer
        ? { buyer_user_id: trade.buyer.buyer_id }
        : { buyer_open_id: trade.buyer.buyer_open_id }),
    }
  }

  private close(orderNo: string): Answer {
    const trade = this.trades.get(orderNo)
    if (!trade) return businessFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
    this.expire(trade)
    if (trade.status !== 'WAIT_BUYER_PAY') return businessFailed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    trade.status = 'TRADE_CLOSED'
    trade.closedAt = this.now()
    return { ...success, trade_no: trade.tradeNo, out_trade_no: trade.orderNo }
  }

  private refund(str: (name: string) => string): Answer {
    const trade = this.trades.get(str('out_trade_no'))
    if (!trade) return businessFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
    this.expire(trade)
    // Alipay: without out_request_no the request is identified by the order number (full refund)
    const refundNo = str('out_request_no') || trade.orderNo
    const refundedFee = () => fenToYuan(fen(trade.refunds.reduce((sum, refund) => sum + refund.amount, 0)))
    const common = { trade_no: trade.tradeNo, out_trade_no: trade.orderNo, buyer_logon_id: maskedBuyer }
    const earlier = trade.refunds.find((refund) => refund.refundNo === refundNo)
    if (earlier) return { ...success, ...common, fund_change: 'N', refund_fee: refundedFee() }
    if (trade.status === 'TRADE_FINISHED') return businessFailed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    if (!trade.paidAt) return businessFailed('ACQ.TRADE_STATUS_ERROR', '交易状态不合法')
    let amount: Fen
    try {
      amount = yuanToFen(str('refund_amount'))
    } catch {
      return businessFailed('ACQ.INVALID_PARAMETER', '参数无效: refund_amount')
    }
    const refunded = trade.refunds.reduce((sum, refund) => sum + refund.amount, 0)
    if (amount < 1 || refunded + amount > trade.amount) {
      return businessFailed('ACQ.REFUND_AMT_NOT_EQUAL_TOTAL', '退款金额超限')
    }
    trade.refunds.push({ refundNo, amount, at: this.now(), reason: str('refund_reason') })
    if (refunded + amount === trade.amount) {
      trade.status = 'TRADE_CLOSED'
      trade.closedAt = this.now()
    }
    return { ...success, ...common, fund_change: 'Y', refund_fee: refundedFee() }
  }

  private refundQuery(orderNo: string, refundNo: string): Answer {
    const trade = this.trades.get(orderNo)
    if (!trade) return businessFailed('ACQ.TRADE_NOT_EXIST', '交易不存在')
    const refund = trade.refunds.find((item) => item.refundNo === (refundNo || orderNo))
    // Alipay answers 10000 without refund details when no such refund succeeded
    if (!refund) return { ...success, trade_no: trade.tradeNo, out_trade_no: trade.orderNo }
    return {
      ...success,
      trade_no: trade.tradeNo,
      out_trade_no: trade.orderNo,
      out_request_no: refund.refundNo,
      total_amount: fenToYuan(trade.amount),
      refund_amount: fenToYuan(refund.amount),
      refund_status: 'REFUND_SUCCESS',
      gmt_refund_pay: alipayTime(refund.at),
    }
  }

  private billUrl(billType: string, billDate: string): Answer {
    if (billType !== 'trade') return businessFailed('isp.bill_type_not_support', '账单类型不支持')
    if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate))
      return businessFailed('isv.invalid-parameter', 'bill_date 格式错误')
    // a day's bill exists from the next Beijing day on
    if (billDate >= shanghaiDay(this.now())) return businessFailed('isp.bill_not_exist', '账单不存在')
    this.sequence += 1
    const token = createHash('sha256').update(`bill:${billDate}:${this.sequence}`).digest('hex').slice(0, 32)
    this.bills.set(token, billDate)
    const compact = billDate.replaceAll('-', '')
    const query = new URLSearchParams({
      bizType: 'trade',
      userId: this.sellerId,
      fileType: 'csv.zip',
      bizDates: compact,
      downloadFileName: `${this.sellerId}0156_${compact}.csv.zip`,
      token,
    })
    return { ...success, bill_download_url: `${this.base}/downloadBillFile.resource?${query.toString()}` }
  }
}

const sandboxMethods = new Set<string>([
  'alipay.trade.create',
  'alipay.trade.query',
  'alipay.trade.close',
  'alipay.trade.refund',
  'alipay.trade.fastpay.refund.query',
  'alipay.data.dataservice.bill.downloadurl.query',
])

function isSandboxMethod(method: string): method is SandboxMethod {
  return sandboxMethods.has(method)
}

function withoutKind(fault: Extract<SandboxFault, { kind: 'answer' }>): Answer {
  const { kind: _kind, ...answer } = fault
  return answer
}
