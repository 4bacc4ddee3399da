import type { Store } from '../../ports/store'
import type { PaymentGateway, VerifiedNotification } from '../../ports/payments'
import { creditRecharge, recordNotice, type CreditOutcome } from './recharge'

/**
 * What a payment notification led to, and whether to acknowledge it (WeChat `{ errcode: 0 }`,
 * Alipay `success`). Only a durable outcome is acknowledged: a credit, a duplicate, a refusal we
 * recorded. An unverifiable notification and a failed confirmation are not, so a genuine provider
 * sends it again.
 */
export type NotificationOutcome =
  | { ack: true; outcome: CreditOutcome['outcome'] | 'not_success' | 'refunded_at_provider' }
  | { ack: false; outcome: 'unverified' | 'unconfirmed' }

/**
 * One payment notification, from either provider, after its adapter verified the signature
 * (Alipay) or the call source (WeChat) and normalised it. `confirmWithQuery`: the payment is
 * credited only if the provider's own query says the same (WeChat, whose call source cannot be
 * proven outside CloudBase).
 */
export async function acceptPaymentNotification(
  store: Store,
  gateway: PaymentGateway,
  verified: VerifiedNotification,
  now: Date,
  options: { confirmWithQuery: boolean },
): Promise<NotificationOutcome> {
  if (!verified.ok) {
    await recordNotice(
      store,
      { provider: gateway.provider, orderNo: '', providerTradeNo: '', amount: null },
      `unverified:${verified.refusal}`,
      now,
      verified.detail,
    )
    return { ack: false, outcome: 'unverified' }
  }
  const notice = verified.notification
  if (!notice.success) {
    await recordNotice(store, notice, 'not_success', now)
    return { ack: true, outcome: 'not_success' }
  }
  let paidAt = notice.paidAt ?? now
  if (options.confirmWithQuery) {
    const state = await gateway.query(notice.orderNo)
    // Refunded since (a payment after close, an orphan): the provider re-sends the old success, and
    // the refund is the outcome, already durable. Acknowledge it, or the provider retries for days.
    if (
      state.state === 'refunded' &&
      state.providerTradeNo === notice.providerTradeNo &&
      state.amount === notice.amount
    ) {
      await recordNotice(store, notice, 'refunded_at_provider', now)
      return { ack: true, outcome: 'refunded_at_provider' }
    }
    if (
      state.state !== 'paid' ||
      state.amount !== notice.amount ||
      state.providerTradeNo !== notice.providerTradeNo
    ) {
      await recordNotice(store, notice, `unconfirmed:${state.state}`, now)
      return { ack: false, outcome: 'unconfirmed' }
    }
    paidAt = state.paidAt
  }
  const credit = await creditRecharge(
    store,
    {
      provider: notice.provider,
      orderNo: notice.orderNo,
      amount: notice.amount,
      merchantId: notice.merchantId,
      providerTradeNo: notice.providerTradeNo,
      paidAt,
    },
    now,
  )
  return { ack: true, outcome: credit.outcome }
}
