import type { PaymentChannel } from '../../../types/moneyRules'
import { PaymentProviderError, type PaymentGateway } from '../../ports/payments'
import type { Store } from '../../ports/store'
import { collections } from '../documents'
import type { RechargeOrderDoc } from './moneyDocuments'
import { syncRechargeOrder } from './recharge'
import type { WorkBudget } from './workBudget'

/**
 * The scheduler's sweep of unpaid orders past their expiry: each is brought up to date from its
 * provider (syncRechargeOrder with force): unpaid → closed at the provider and here; paid meanwhile
 * → credited (or owed back when it landed after a close). Oldest expiry first, through the
 * status+expiresAt index, page by page, one order per budget item. An order the provider cannot
 * answer for stays pending and is met again on the next run; a provider that is unavailable three
 * times in a row is left alone for the rest of the run.
 */

type Stored<T> = T & { [key: string]: unknown }

const pageSize = 50
const unavailableLimit = 3

export interface CloseExpiredRun {
  closed: string[]
  /** Paid at the provider after all, credited now. */
  credited: string[]
  /** Paid after the close: owed back (refunding). */
  refundDue: string[]
  /** Still pending after asking (the provider said unpaid and the close did not take). */
  stillPending: string[]
  failed: Array<{ orderNo: string; code: string; message: string }>
  /** Orders of a provider this deployment has no gateway for. */
  skipped: number
  /** Expired orders were left for the next run (budget spent, or a provider unavailable). */
  more: boolean
}

export async function closeExpiredOrders(
  store: Store,
  gateways: Partial<Record<PaymentChannel, PaymentGateway>>,
  now: Date,
  budget: WorkBudget,
): Promise<CloseExpiredRun> {
  const run: CloseExpiredRun = {
    closed: [],
    credited: [],
    refundDue: [],
    stillPending: [],
    failed: [],
    skipped: 0,
    more: false,
  }
  const unavailable = new Map<PaymentChannel, number>()
  let after: string | undefined
  do {
    const page = await store.query<Stored<RechargeOrderDoc>>(collections.rechargeOrders, {
      where: [
        { field: 'status', op: 'eq', value: 'pending' },
        { field: 'expiresAt', op: 'lt', value: now.toISOString() },
      ],
      orderBy: { field: 'expiresAt', direction: 'asc' },
      limit: pageSize,
      after,
    })
    for (const order of page.items) {
      const gateway = gateways[order.channel]
      if (!gateway) {
        run.skipped += 1
        continue
      }
      if ((unavailable.get(order.channel) ?? 0) >= unavailableLimit || !budget.allows()) {
        run.more = true
        continue
      }
      budget.spend()
      let synced: RechargeOrderDoc | null
      try {
        synced = await syncRechargeOrder(store, gateway, order.id, now, { force: true })
      } catch (error) {
        if (!(error instanceof PaymentProviderError)) throw error
        run.failed.push({ orderNo: order.id, code: error.providerCode ?? error.kind, message: error.message })
        if (error.kind === 'unavailable')
          unavailable.set(order.channel, (unavailable.get(order.channel) ?? 0) + 1)
        continue
      }
      unavailable.set(order.channel, 0)
      switch (synced?.status) {
        case 'closed':
          run.closed.push(order.id)
          break
        case 'paid':
          run.credited.push(order.id)
          break
        case 'refunding':
        case 'refunded':
          run.refundDue.push(order.id)
          break
        default:
          run.stillPending.push(order.id)
      }
    }
    // nothing more may start: the rest waits for the next run
    const gaveUp = (Object.keys(gateways) as PaymentChannel[]).every(
      (channel) => (unavailable.get(channel) ?? 0) >= unavailableLimit,
    )
    if (page.nextCursor && (!budget.allows() || gaveUp)) {
      run.more = true
      break
    }
    after = page.nextCursor ?? undefined
  } while (after)
  return run
}
