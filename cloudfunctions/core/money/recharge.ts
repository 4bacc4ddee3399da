import { createHash, randomUUID } from 'node:crypto'
import type { Fen } from '../../../types/money'
import type { PaymentChannel, PaymentLaunch } from '../../../types/actions/money'
import type { Store, TxStore } from '../../ports/store'
import type { PaymentGateway, PaymentState } from '../../ports/payments'
import { requestKeyDocId } from '../requestKeys'
import { collections, type CardDoc, type VehicleDoc } from '../documents'
import { postTransfers, type TransferInput } from '../ledger'
import type {
  AllocationRecordDoc,
  FundsTarget,
  MoneySource,
  PaymentNoticeDoc,
  RechargeKeyDoc,
  RechargeOrderDoc,
} from './moneyDocuments'

type Stored<T> = T & { [key: string]: unknown }

/** An unpaid order is closed after this; the provider's order expires with it. */
export const rechargeOrderTtlMs = 15 * 60_000
/** Polls of recharge.status ask the provider at most this often per order. */
export const providerQueryIntervalMs = 3_000

export class RechargeError extends Error {
  constructor(
    readonly code: 'KEY_REUSED' | 'PROVIDER_UNAVAILABLE' | 'PROVIDER_REJECTED',
    message: string,
  ) {
    super(message)
    this.name = 'RechargeError'
  }
}

export interface NewRecharge {
  accountId: string
  key: string
  target: FundsTarget
  amount: Fen
  channel: PaymentChannel
  payerId: string
  source: MoneySource
  clientIp?: string
}

function fingerprintOf(request: NewRecharge): string {
  const { target, amount, channel } = request
  return createHash('sha256').update(JSON.stringify({ target, amount, channel })).digest('base64url')
}

/**
 * Opens a recharge order: the order is written (pending) before the provider hears of it, so a
 * notification can always find it; then the provider makes its order. The same key with the same
 * request answers the same order (asking the provider again, which is idempotent by order number,
 * when the first attempt never got the launch parameters back); with another request KEY_REUSED.
 */
export async function openRechargeOrder(
  store: Store,
  gateway: PaymentGateway,
  request: NewRecharge,
  now: Date,
  orderNo: string,
): Promise<RechargeOrderDoc> {
  const keyId = requestKeyDocId(request.accountId, 'recharge', request.key)
  const fingerprint = fingerprintOf(request)
  const order = await store.transaction(async (tx) => {
    const key = await tx.get<Stored<RechargeKeyDoc>>(collections.rechargeKeys, keyId)
    if (key) {
      if (key.fingerprint !== fingerprint || key.accountId !== request.accountId) {
        throw new RechargeError('KEY_REUSED', '该充值请求编号已用于另一笔充值，请重新发起')
      }
      const existing = await tx.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, key.orderNo)
      if (!existing) throw new Error(`recharge key ${keyId} names a missing order`)
      return existing
    }
    const fresh: RechargeOrderDoc = {
      id: orderNo,
      accountId: request.accountId,
      target: request.target,
      amount: request.amount,
      channel: request.channel,
      merchantId: gateway.merchantId,
      payerId: request.payerId,
      source: request.source,
      status: 'pending',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + rechargeOrderTtlMs).toISOString(),
      launch: null,
      paidAt: null,
      providerTradeNo: null,
      creditedTo: null,
      closedAt: null,
      refundNo: null,
      queriedAt: null,
    }
    await tx.set(collections.rechargeKeys, keyId, {
      id: keyId,
      accountId: request.accountId,
      orderNo,
      fingerprint,
      at: now.toISOString(),
    } satisfies RechargeKeyDoc)
    await tx.set(collections.rechargeOrders, orderNo, { ...fresh })
    return fresh
  })
  if (order.launch || order.status !== 'pending') return order

  let launch: PaymentLaunch
  try {
    launch = await gateway.create({
      orderNo: order.id,
      amount: order.amount,
      description: '浙江ETC储值卡充值',
      payerId: order.payerId,
      expiresAt: new Date(order.expiresAt),
      clientIp: request.clientIp,
    })
  } catch (error) {
    // The order stays pending: the scheduler asks the provider and closes it when it expires.
    const kind = (error as { kind?: string }).kind
    throw new RechargeError(
      kind === 'rejected' ? 'PROVIDER_REJECTED' : 'PROVIDER_UNAVAILABLE',
      kind === 'rejected' ? '支付渠道拒绝了本次充值，请稍后重试' : '支付渠道暂时无法连接，请稍后重试',
    )
  }
  await store.update(collections.rechargeOrders, order.id, { launch })
  return { ...order, launch }
}

/** A payment the provider confirmed (by a verified notification or by our query). */
export interface ConfirmedPayment {
  provider: PaymentChannel
  orderNo: string
  amount: Fen
  merchantId: string
  providerTradeNo: string
  paidAt: Date
}

export type CreditOutcome =
  | { outcome: 'credited'; order: RechargeOrderDoc }
  | { outcome: 'already_credited'; order: RechargeOrderDoc }
  /** Paid after we had closed the order: the money is owed back to the payer (refundsPayable). */
  | { outcome: 'refund_due'; order: RechargeOrderDoc }
  | {
      outcome: 'refused'
      reason: 'UNKNOWN_ORDER' | 'AMOUNT_MISMATCH' | 'MERCHANT_MISMATCH' | 'CHANNEL_MISMATCH'
    }

/**
 * Where an account recharge goes at credit time: to the account's only stored-value vehicle's
 * card when it has exactly one and that card is 已发行 (seed §2.8.1), else to the account.
 */
async function autoAllocationCard(store: Store, accountId: string): Promise<string | null> {
  const page = await store.query<Stored<VehicleDoc>>(collections.vehicles, {
    where: [
      { field: 'accountId', op: 'eq', value: accountId },
      { field: 'scope', op: 'eq', value: 'current' },
      { field: 'cardType', op: 'eq', value: 'stored' },
    ],
    limit: 2,
  })
  if (page.items.length !== 1) return null
  return page.items[0].cardStatus === 'issued' ? page.items[0].cardId : null
}

async function issuedCardOf(tx: TxStore, accountId: string, cardId: string): Promise<CardDoc | null> {
  const card = await tx.get<Stored<CardDoc>>(collections.cards, cardId)
  return card && card.accountId === accountId && card.type === 'stored' && card.status === 'issued'
    ? card
    : null
}

/**
 * Credits a confirmed payment exactly once: the ledger transfer `recharge:<orderNo>` (clearing →
 * the account's or the card's funds), the automatic allocation to the only card, and the order's
 * new state commit together, and a second call finds the order credited and changes nothing.
 */
export async function creditRecharge(
  store: Store,
  payment: ConfirmedPayment,
  now: Date,
): Promise<CreditOutcome> {
  const before = await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, payment.orderNo)
  const refusal = before ? mismatch(before, payment) : 'UNKNOWN_ORDER'
  if (refusal) {
    await recordNotice(store, payment, `refused:${refusal}`, now)
    return { outcome: 'refused', reason: refusal }
  }
  // Queries are not allowed in a transaction: decide the candidate card first, confirm it inside.
  const autoCard =
    before!.target.kind === 'account' ? await autoAllocationCard(store, before!.accountId) : null

  return store.transaction(async (tx): Promise<CreditOutcome> => {
    const order = await tx.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, payment.orderNo)
    if (!order) throw new Error(`order ${payment.orderNo} vanished`)
    if (order.status === 'paid') return { outcome: 'already_credited', order }
    const paid = { paidAt: payment.paidAt.toISOString(), providerTradeNo: payment.providerTradeNo }
    const clearing = { kind: 'clearing', provider: payment.provider } as const

    if (order.status !== 'pending') {
      // Closed (or already being refunded) before the money arrived: it is owed back, never kept.
      await postTransfers(
        tx,
        [
          {
            id: `refund_due:${order.id}`,
            debit: clearing,
            credit: { kind: 'refundsPayable', provider: payment.provider },
            amount: order.amount,
            reason: 'refund_due',
            ref: order.id,
          },
        ],
        now,
      )
      const next: RechargeOrderDoc = {
        ...order,
        ...paid,
        status: order.status === 'refunded' ? 'refunded' : 'refunding',
        refundNo: order.refundNo ?? `F${order.id.slice(1)}`,
      }
      await tx.set(collections.rechargeOrders, order.id, { ...next })
      return { outcome: 'refund_due', order: next }
    }

    const userFunds = { kind: 'userFunds', accountId: order.accountId } as const
    let creditedTo: FundsTarget = { kind: 'account' }
    const transfers: TransferInput[] = []
    if (order.target.kind === 'card') {
      // A card lost or frozen since the order was made does not receive: the account does.
      const card = await issuedCardOf(tx, order.accountId, order.target.cardId)
      if (card) creditedTo = { kind: 'card', cardId: card.id }
    }
    transfers.push({
      id: `recharge:${order.id}`,
      debit: clearing,
      credit: creditedTo.kind === 'card' ? { kind: 'cardUnloaded', cardId: creditedTo.cardId } : userFunds,
      amount: order.amount,
      reason: 'recharge',
      ref: order.id,
    })
    if (order.target.kind === 'account' && autoCard) {
      const card = await issuedCardOf(tx, order.accountId, autoCard)
      if (card) {
        creditedTo = { kind: 'card', cardId: card.id }
        const allocationId = `auto-${order.id}`
        transfers.push({
          id: `allocation:${allocationId}:${card.id}`,
          debit: userFunds,
          credit: { kind: 'cardUnloaded', cardId: card.id },
          amount: order.amount,
          reason: 'allocation',
          ref: allocationId,
        })
        await tx.set(collections.allocationRecords, `${allocationId}:${card.id}`, {
          id: `${allocationId}:${card.id}`,
          allocationId,
          accountId: order.accountId,
          cardId: card.id,
          vehicleId: card.vehicleId,
          amount: order.amount,
          source: 'auto',
          at: now.toISOString(),
        } satisfies AllocationRecordDoc)
      }
    }
    await postTransfers(tx, transfers, now)
    const next: RechargeOrderDoc = { ...order, ...paid, status: 'paid', creditedTo }
    await tx.set(collections.rechargeOrders, order.id, { ...next })
    return { outcome: 'credited', order: next }
  })
}

function mismatch(
  order: RechargeOrderDoc,
  payment: ConfirmedPayment,
): Exclude<CreditOutcome, { outcome: 'credited' | 'already_credited' | 'refund_due' }>['reason'] | null {
  if (order.channel !== payment.provider) return 'CHANNEL_MISMATCH'
  if (order.merchantId !== payment.merchantId) return 'MERCHANT_MISMATCH'
  if (order.amount !== payment.amount) return 'AMOUNT_MISMATCH'
  return null
}

/** Keeps a notification that did not credit, for audit and the daily reconciliation. */
export async function recordNotice(
  store: Store,
  notice: { provider: PaymentChannel; orderNo: string; providerTradeNo: string; amount: Fen | null },
  outcome: string,
  now: Date,
  detail = '',
): Promise<void> {
  const id = randomUUID()
  await store.set(collections.paymentNotices, id, {
    id,
    provider: notice.provider,
    orderNo: notice.orderNo.slice(0, 64),
    providerTradeNo: notice.providerTradeNo.slice(0, 64),
    amount: notice.amount,
    outcome,
    detail: detail.slice(0, 200),
    at: now.toISOString(),
  } satisfies PaymentNoticeDoc)
}

/**
 * Brings a pending order up to date from the provider (recharge.status polls, the scheduler):
 * paid → credited; unpaid past its expiry → closed at the provider, asked once more (a payment
 * can land while we close), then closed here. Never credits on the client's word.
 */
export async function syncRechargeOrder(
  store: Store,
  gateway: PaymentGateway,
  orderNo: string,
  now: Date,
  options: { force?: boolean } = {},
): Promise<RechargeOrderDoc | null> {
  const order = await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, orderNo)
  if (!order || order.status !== 'pending') return order
  if (
    !options.force &&
    order.queriedAt &&
    now.getTime() - new Date(order.queriedAt).getTime() < providerQueryIntervalMs
  )
    return order

  let state: PaymentState = await gateway.query(orderNo)
  const expired = now.getTime() >= new Date(order.expiresAt).getTime()
  if (state.state === 'unpaid' && expired) {
    await gateway.close(orderNo)
    state = await gateway.query(orderNo)
  }
  if (state.state === 'paid') {
    const outcome = await creditRecharge(
      store,
      {
        provider: gateway.provider,
        orderNo,
        amount: state.amount,
        merchantId: state.merchantId,
        providerTradeNo: state.providerTradeNo,
        paidAt: state.paidAt,
      },
      now,
    )
    return 'order' in outcome ? outcome.order : order
  }
  const closes =
    state.state === 'closed' ||
    (state.state === 'not_found' && expired) ||
    (state.state === 'unpaid' && expired)
  return store.transaction(async (tx) => {
    const current = await tx.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, orderNo)
    if (!current || current.status !== 'pending') return current
    const next: RechargeOrderDoc = closes
      ? { ...current, status: 'closed', closedAt: now.toISOString(), queriedAt: now.toISOString() }
      : { ...current, queriedAt: now.toISOString() }
    await tx.set(collections.rechargeOrders, orderNo, { ...next })
    return next
  })
}
