import { createHash } from 'node:crypto'
import type { Fen } from '../../../types/money'
import type { PlateColor } from '../../../types/enums'
import type { OutletRechargeStatus } from '../../../types/actions/outlet'
import type { Store } from '../../ports/store'
import { collections } from '../documents'
import type { RechargeOrderDoc, RechargeKeyDoc } from '../money/moneyDocuments'
import { rechargeOrderTtlMs } from '../money/recharge'
import { requestKeyDocId } from '../requestKeys'

/**
 * 在线支付 at an outlet (seed 002), as a code: the operator reads the card and enters the amount;
 * the intent names the card and amount, and the customer's phone opens the mini-program page of the
 * code (cloudPay is JSAPI only, so no payment QR is made on the server). That page pays through the
 * ordinary recharge flow (recharge.create, target this card) with the intent id as its request key,
 * so the order is found by the recharge key of the card's account — the money flow is not forked
 * and the intent never moves money itself. Once the order is paid the card's unloaded funds cover
 * the amount and the operator writes the card through the load saga (outlet.load.start); a failed
 * write leaves a 未圈存 record to load the same day.
 */

type Stored<T> = T & { [key: string]: unknown }

export interface OutletRechargeDoc {
  id: string
  outletId: string
  operatorId: string
  accountId: string
  cardId: string
  cardNo: string
  plate: string
  plateColor: PlateColor
  amount: Fen
  fingerprint: string
  createdAt: string
  /** The code is for paying now: past this no new order is opened from it. */
  expiresAt: string
}

export function outletRechargeId(outletId: string, key: string): string {
  return `orc-${createHash('sha256').update(`${outletId}\noutlet-recharge\n${key}`).digest('hex').slice(0, 40)}`
}

export function rechargeFingerprint(cardId: string, amount: Fen): string {
  return createHash('sha256').update(JSON.stringify({ cardId, amount })).digest('base64url')
}

export const outletRechargeTtlMs = rechargeOrderTtlMs

/** The recharge order the customer's page opened for the intent (its key is the intent id), if any. */
export async function intentOrder(store: Store, intent: OutletRechargeDoc): Promise<RechargeOrderDoc | null> {
  const key = await store.get<Stored<RechargeKeyDoc>>(
    collections.rechargeKeys,
    requestKeyDocId(intent.accountId, 'recharge', intent.id),
  )
  if (!key) return null
  const order = await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, key.orderNo)
  // an order of another card or amount under this key is not the intent's (the page is the customer's)
  if (
    !order ||
    order.target.kind !== 'card' ||
    order.target.cardId !== intent.cardId ||
    order.amount !== intent.amount
  )
    return null
  return order
}

export function intentStatus(
  intent: OutletRechargeDoc,
  order: RechargeOrderDoc | null,
  now: Date,
): OutletRechargeStatus {
  if (order) {
    if (order.status === 'paid') return 'paid'
    if (order.status === 'pending') return 'paying'
    return 'closed'
  }
  return now.getTime() >= Date.parse(intent.expiresAt) ? 'closed' : 'awaiting'
}
