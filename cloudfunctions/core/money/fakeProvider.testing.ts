import { fen, type Fen } from '../../../types/money'
import type { PaymentChannel, PaymentLaunch } from '../../../types/actions/money'
import {
  PaymentProviderError,
  type CreatePayment,
  type PaymentGateway,
  type PaymentState,
  type RefundRequest,
  type RefundState,
  type StatementLine,
} from '../../ports/payments'
import { shanghaiDay } from '../businessTime'
import type { RechargeOrderDoc } from './moneyDocuments'

/**
 * A payment provider in memory for the money core's unit tests, with the behaviour that matters
 * to refunds and reconciliation: trades by order number, a refund number refunds once, faults
 * before or after the call takes effect (a lost answer), and a daily statement of the trades.
 * `refunds: 'accepted'` answers like WeChat Pay v2 (accepted, confirmed by the bill), 'succeeded'
 * like Alipay. The integration suites use the real SDKs against the emulators instead.
 */

export interface FakeTrade {
  orderNo: string
  amount: Fen
  state: 'unpaid' | 'paid' | 'closed'
  tradeNo: string | null
  paidAt: Date | null
  refunds: Array<{ refundNo: string; amount: Fen; at: Date }>
}

type Api = 'query' | 'close' | 'refund' | 'statement'

export class FakeProvider implements PaymentGateway {
  readonly trades = new Map<string, FakeTrade>()
  private faults: Array<{ api: Api; kind: 'unavailable' | 'rejected'; afterEffect: boolean }> = []
  private serial = 0

  constructor(
    readonly provider: PaymentChannel,
    readonly now: () => Date,
    readonly refunds: 'accepted' | 'succeeded' = 'succeeded',
    readonly merchantId = 'M-1',
  ) {}

  /** The next call of `api` fails; `afterEffect`: it takes effect first, then the answer is lost. */
  failNext(api: Api, kind: 'unavailable' | 'rejected' = 'unavailable', afterEffect = false): void {
    this.faults.push({ api, kind, afterEffect })
  }

  private fault(api: Api, afterEffect: boolean): void {
    const at = this.faults.findIndex((f) => f.api === api && f.afterEffect === afterEffect)
    if (at < 0) return
    const [{ kind }] = this.faults.splice(at, 1)
    throw new PaymentProviderError(this.provider, kind, `fake ${api} ${kind}`)
  }

  /** A trade as if made through create (also one we never asked for: an orphan). */
  open(orderNo: string, amount: number): FakeTrade {
    const trade: FakeTrade = {
      orderNo,
      amount: fen(amount),
      state: 'unpaid',
      tradeNo: null,
      paidAt: null,
      refunds: [],
    }
    this.trades.set(orderNo, trade)
    return trade
  }

  pay(orderNo: string, at = this.now()): FakeTrade {
    const trade = this.trades.get(orderNo)
    if (!trade || trade.state !== 'unpaid') throw new Error(`fake: cannot pay ${orderNo}`)
    this.serial += 1
    Object.assign(trade, { state: 'paid', paidAt: at, tradeNo: `T${String(this.serial).padStart(27, '0')}` })
    return trade
  }

  async create(request: CreatePayment): Promise<PaymentLaunch> {
    if (!this.trades.has(request.orderNo)) this.open(request.orderNo, request.amount)
    return { provider: 'alipay', tradeNo: request.orderNo }
  }

  async query(orderNo: string): Promise<PaymentState> {
    this.fault('query', false)
    const trade = this.trades.get(orderNo)
    if (!trade) return { state: 'not_found' }
    if (trade.state === 'unpaid') return { state: 'unpaid' }
    if (trade.state === 'closed') return { state: 'closed' }
    return {
      state: 'paid',
      amount: trade.amount,
      providerTradeNo: trade.tradeNo!,
      paidAt: trade.paidAt!,
      merchantId: this.merchantId,
    }
  }

  async close(orderNo: string): Promise<void> {
    this.fault('close', false)
    const trade = this.trades.get(orderNo)
    if (trade?.state === 'unpaid') trade.state = 'closed'
    if (trade?.state === 'paid') throw new PaymentProviderError(this.provider, 'rejected', 'paid')
  }

  async refund(request: RefundRequest): Promise<RefundState> {
    this.fault('refund', false)
    const trade = this.trades.get(request.orderNo)
    if (!trade || trade.state !== 'paid')
      throw new PaymentProviderError(this.provider, 'rejected', 'not paid')
    if (request.total !== trade.amount) throw new PaymentProviderError(this.provider, 'rejected', 'total')
    let refund = trade.refunds.find((r) => r.refundNo === request.refundNo)
    if (!refund) {
      const refunded = trade.refunds.reduce((total, r) => total + r.amount, 0)
      if (refunded + request.amount > trade.amount)
        throw new PaymentProviderError(this.provider, 'rejected', 'more than paid')
      refund = { refundNo: request.refundNo, amount: request.amount, at: this.now() }
      trade.refunds.push(refund)
    }
    this.fault('refund', true)
    return { state: this.refunds, refundNo: refund.refundNo, amount: refund.amount }
  }

  async statement(day: string): Promise<StatementLine[]> {
    this.fault('statement', false)
    const iso = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00'
    const lines: StatementLine[] = []
    for (const trade of this.trades.values()) {
      if (!trade.tradeNo || !trade.paidAt) continue
      const base = {
        provider: this.provider,
        orderNo: trade.orderNo,
        providerTradeNo: trade.tradeNo,
        merchantId: this.merchantId,
      }
      if (shanghaiDay(trade.paidAt) === day)
        lines.push({ ...base, kind: 'payment', amount: trade.amount, at: iso(trade.paidAt) })
      for (const refund of trade.refunds) {
        if (shanghaiDay(refund.at) === day)
          lines.push({
            ...base,
            kind: 'refund',
            amount: refund.amount,
            at: iso(refund.at),
            refundNo: refund.refundNo,
          })
      }
    }
    return lines
  }
}

/** A recharge order as openRechargeOrder writes it (pending, 15 minutes from t0), changed by `extra`. */
export function orderDoc(
  orderNo: string,
  amount: number,
  extra: Partial<RechargeOrderDoc> = {},
  t0 = new Date('2026-11-30T02:00:00Z'),
): RechargeOrderDoc {
  return {
    id: orderNo,
    accountId: 'acc-1',
    target: { kind: 'account' },
    amount: fen(amount),
    channel: 'alipay',
    merchantId: 'M-1',
    payerId: '2088000000000001',
    source: 'alipay',
    status: 'pending',
    createdAt: t0.toISOString(),
    expiresAt: new Date(t0.getTime() + 15 * 60_000).toISOString(),
    launch: null,
    paidAt: null,
    providerTradeNo: null,
    creditedTo: null,
    closedAt: null,
    refundNo: null,
    queriedAt: null,
    ...extra,
  }
}
