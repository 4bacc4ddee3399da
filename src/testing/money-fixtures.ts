import type {
  ActionRequest,
  AllocationPart,
  AllocationRecord,
  MoneySummary,
  Page,
  RechargeLaunch,
  RechargeOrderView,
  RechargeStatus,
  StoredCardFunds,
} from '../../types'
import { fen, type Fen } from '../../types/money'
import type { FakeAnswers, FakeReply } from './fake-api'

/** Stored-value funds answers, typed by the contract (types/actions/money.ts). */

export function moneySummary(over: Partial<MoneySummary> = {}): MoneySummary {
  return {
    available: fen(12_880),
    accountName: '张*',
    storedCards: 3,
    receivingCards: 2,
    rechargeOpen: true,
    rechargeNotice: '22:00 至次日 2:00 不可进行充值服务',
    channels: ['wechat'],
    limits: { min: fen(1), max: fen(10_000_000) },
    ...over,
  }
}

function storedCard(over: Partial<StoredCardFunds> & { cardId: string }): StoredCardFunds {
  return {
    vehicleId: `veh-${over.cardId}`,
    plate: '浙A11111',
    plateColor: '蓝',
    cardNo: '3301*****0000',
    status: 'issued',
    unloaded: fen(0),
    canReceive: true,
    ...over,
  }
}

/** Two cards that receive and a frozen one between them (the server orders by plate). */
export const moneyCards: StoredCardFunds[] = [
  storedCard({ cardId: 'card-m1', plate: '浙A1111D', cardNo: '3301*****4421', unloaded: fen(233) }),
  storedCard({
    cardId: 'card-m2',
    plate: '浙B54321',
    plateColor: '黄',
    cardNo: '3301*****5225',
    status: 'frozen',
    unloaded: fen(88),
    canReceive: false,
  }),
  storedCard({
    cardId: 'card-m3',
    plate: '浙C22222',
    plateColor: '渐变绿',
    cardNo: '3301*****8867',
    unloaded: fen(860),
  }),
]

const CREATED_AT = '2026-11-23T01:54:45.000Z' // 09:54:45 in Shanghai

export function rechargeOrder(over: Partial<RechargeOrderView> = {}): RechargeOrderView {
  return {
    orderNo: 'R20261123095445000000001',
    amount: fen(10_000),
    channel: 'wechat',
    source: '微信小程序',
    status: 'pending',
    target: { kind: 'account' },
    creditedTo: null,
    createdAt: CREATED_AT,
    expiresAt: '2026-11-23T02:09:45.000Z',
    paidAt: null,
    providerTradeNo: null,
    ...over,
  }
}

/** The order as paid: credited where it was sent unless told otherwise. */
export function paidOrder(
  order: RechargeOrderView,
  over: Partial<RechargeOrderView> = {},
): RechargeOrderView {
  return {
    ...order,
    status: 'paid',
    creditedTo: order.target,
    paidAt: '2026-11-23T01:55:02.000Z',
    providerTradeNo: '4200002026112300001234',
    ...over,
  }
}

export function rechargeRecords(count: number, start = 0): RechargeOrderView[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i + 1
    return rechargeOrder({
      orderNo: `R2026112309544500000${String(n).padStart(4, '0')}`,
      amount: fen(100 * n),
      status: n % 2 === 0 ? 'closed' : 'paid',
      providerTradeNo: n % 2 === 0 ? null : `42000020261123${String(n).padStart(8, '0')}`,
    })
  })
}

export function allocationRecords(count: number, start = 0): AllocationRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i + 1
    return {
      allocationId: `alloc-${n}`,
      cardId: 'card-m1',
      plate: '浙A1111D',
      cardNo: '3301*****4421',
      amount: fen(n),
      at: '2026-11-22T06:29:21.000Z', // 14:29:21 in Shanghai
      source: n === 1 ? '充值自动分配' : '微信小程序',
    }
  })
}

/** Pages a list the way the server does: `limit` rows from the cursor (an offset here). */
export function pageOf<T>(rows: readonly T[], payload: { cursor?: string; limit?: number }): Page<T> {
  const from = payload.cursor ? Number(payload.cursor) : 0
  const limit = payload.limit ?? 20
  const items = rows.slice(from, from + limit)
  const next = from + items.length
  return { items, total: rows.length, nextCursor: next < rows.length ? String(next) : null }
}

export interface MoneyServerOptions {
  summary?: Partial<MoneySummary>
  cards?: StoredCardFunds[]
  /** Which cashier recharge.create answers: the WeChat payment, an Alipay trade or (H5) the sandbox path. */
  launch?: 'wechat' | 'alipay' | 'sandbox'
  /** recharge.create loses this many answers first (the transport fails, nothing tells whether it ran). */
  lostCreates?: number
  /** allocation.apply loses this many answers first, after applying (the retry must not apply twice). */
  lostAllocations?: number
  /** The order's status on the n-th recharge.status call (1-based), or a lost answer; pending by default. */
  statusOnPoll?: (poll: number) => RechargeStatus | 'lost'
  /** Where a paid account recharge is credited (the only stored-value card, automatically). */
  autoAllocateTo?: StoredCardFunds
}

/**
 * A fake of the money actions that keeps state like the server where the pages look: orders per
 * idempotency key, the available balance and the cards' unloaded amounts after an allocation.
 */
export function moneyServer(options: MoneyServerOptions = {}) {
  const state = {
    summary: moneySummary(options.summary),
    cards: (options.cards ?? moneyCards).map((c) => ({ ...c })),
    orders: new Map<string, RechargeOrderView>(),
    orderOfKey: new Map<string, string>(),
    allocationKeys: new Set<string>(),
    lostCreates: options.lostCreates ?? 0,
    lostAllocations: options.lostAllocations ?? 0,
    polls: 0,
  }

  const cardLabel = (cardId: string) => {
    const card = state.cards.find((c) => c.cardId === cardId)
    return { plate: card?.plate ?? '', cardNo: card?.cardNo ?? '' }
  }

  function create(payload: unknown): FakeReply<'recharge.create'> {
    const p = payload as ActionRequest<'recharge.create'>
    if (state.lostCreates > 0) {
      state.lostCreates -= 1
      // the server made the order; only its answer was lost
      if (!state.orderOfKey.has(p.key)) state.orderOfKey.set(p.key, newOrder(p).orderNo)
      return { network: true }
    }
    if (!state.summary.rechargeOpen) return { error: 'RECHARGE_CLOSED' }
    const orderNo = state.orderOfKey.get(p.key) ?? newOrder(p).orderNo
    state.orderOfKey.set(p.key, orderNo)
    const order = state.orders.get(orderNo) as RechargeOrderView
    const kind = options.launch ?? 'wechat'
    const launch: RechargeLaunch['launch'] =
      kind === 'alipay'
        ? { provider: 'alipay', tradeNo: `2026112322001400001${orderNo.slice(-4)}` }
        : {
            provider: 'wechat',
            payment: {
              timeStamp: '1795398885',
              nonceStr: 'n0nce',
              package: `prepay_id=wx${orderNo}`,
              signType: 'RSA',
              paySign: 'c2lnbg==',
            },
          }
    return {
      data: { order, launch, sandboxCashier: kind === 'sandbox' ? `/sandbox/cashier/${orderNo}` : null },
    }
  }

  function newOrder(p: ActionRequest<'recharge.create'>): RechargeOrderView {
    const orderNo = `R2026112309544500000${String(state.orders.size + 1).padStart(4, '0')}`
    const target: RechargeOrderView['target'] =
      p.target.kind === 'card'
        ? { kind: 'card', cardId: p.target.cardId, ...cardLabel(p.target.cardId) }
        : p.target
    const order = rechargeOrder({ orderNo, amount: fen(p.amount), channel: p.channel, target })
    state.orders.set(orderNo, order)
    return order
  }

  function status(payload: unknown): FakeReply<'recharge.status'> {
    const { orderNo } = payload as ActionRequest<'recharge.status'>
    const order = state.orders.get(orderNo) ?? rechargeOrder({ orderNo })
    state.polls += 1
    const next = options.statusOnPoll?.(state.polls) ?? 'pending'
    if (next === 'lost') return { network: true }
    if (next === 'paid') {
      const auto = options.autoAllocateTo
      const creditedTo: RechargeOrderView['creditedTo'] =
        order.target.kind === 'account' && auto
          ? { kind: 'card', cardId: auto.cardId, plate: auto.plate, cardNo: auto.cardNo }
          : order.target
      return { data: paidOrder(order, { creditedTo }) }
    }
    return { data: { ...order, status: next } }
  }

  function allocate(payload: unknown): FakeReply<'allocation.apply'> {
    const { key, allocation } = payload as ActionRequest<'allocation.apply'>
    const receiving = state.cards.filter((c) => c.canReceive)
    let amounts: { cardId: string; amount: number }[]
    if (allocation.mode === 'even') {
      amounts = receiving.map((c) => ({ cardId: c.cardId, amount: allocation.perCard }))
    } else if (allocation.mode === 'all') {
      const each = Math.floor(state.summary.available / receiving.length)
      const rest = state.summary.available - each * receiving.length
      amounts = receiving.map((c, i) => ({ cardId: c.cardId, amount: each + (i < rest ? 1 : 0) }))
    } else {
      amounts = allocation.items
    }
    const total = amounts.reduce((sum, a) => sum + a.amount, 0)
    if (!state.allocationKeys.has(key)) {
      if (total > state.summary.available) return { error: 'INSUFFICIENT_FUNDS' }
      state.allocationKeys.add(key)
      state.summary = { ...state.summary, available: fen(state.summary.available - total) }
      for (const a of amounts) {
        const card = state.cards.find((c) => c.cardId === a.cardId)
        if (card) card.unloaded = fen(card.unloaded + a.amount)
      }
    }
    const parts: AllocationPart[] = amounts.map((a) => ({
      cardId: a.cardId,
      amount: fen(a.amount),
      ...cardLabel(a.cardId),
    }))
    if (state.lostAllocations > 0) {
      state.lostAllocations -= 1
      return { network: true }
    }
    return {
      data: {
        allocationId: `alloc-${key}`,
        total: fen(total) as Fen,
        parts,
        available: state.summary.available,
      },
    }
  }

  const answers: FakeAnswers = {
    'money.summary': () => ({ data: state.summary }),
    'money.cards': (payload) => ({
      data: pageOf(
        state.cards.map((c) => ({ ...c })),
        payload as ActionRequest<'money.cards'>,
      ),
    }),
    'recharge.create': create,
    'recharge.status': status,
    'allocation.apply': allocate,
  }
  return { state, answers }
}
