import { shanghaiDayConditions } from '../businessTime'
import { collections, type CardDoc, type InvoiceDoc, type VehicleDoc } from '../documents'
import { maskCardNo } from '../masking'
import { maxQueryLimit, type Doc, type Query, type Store } from '../../ports/store'
import type { DateRange } from '../../../types/dateRange'
import type { AllocationRecord, RechargeOrderView } from '../../../types/actions/money'
import type { AllocationRecordDoc, FundsTarget, MoneySource, RechargeOrderDoc } from './moneyDocuments'

/**
 * 充值记录 and 预分配记录 (seed 001 §2.8.2): which documents a filter selects and what each row
 * says, written once for the list actions (functions/api/actions/money.ts) and their exports
 * (core/exports), so an export holds exactly the rows the list shows.
 */

/** Whose records, in which store. */
export interface RecordsScope {
  store: Store
  accountId: string
}

/** A card as records name it: its vehicle's plate and the masked card number. */
export interface CardLabel {
  plate: string
  cardNo: string
}

/**
 * Labels already looked up (null: not the account's card). An export keeps one across its pages:
 * a fleet's thousands of records name a few hundred cards.
 */
export type CardLabelCache = Map<string, CardLabel | null>

type Selection = Required<Pick<Query, 'where' | 'orderBy'>>

/** 充值记录 of the Shanghai days of `range`, newest first. */
export function rechargeRecordsQuery(accountId: string, range: DateRange): Selection {
  return {
    where: [{ field: 'accountId', op: 'eq', value: accountId }, ...shanghaiDayConditions('createdAt', range)],
    orderBy: { field: 'createdAt', direction: 'desc' },
  }
}

/** 预分配记录 of the Shanghai days of `range`, newest first. */
export function allocationRecordsQuery(accountId: string, range: DateRange): Selection {
  return {
    where: [{ field: 'accountId', op: 'eq', value: accountId }, ...shanghaiDayConditions('at', range)],
    orderBy: { field: 'at', direction: 'desc' },
  }
}

async function docsById<T>(store: Store, collection: string, ids: Iterable<string>): Promise<Map<string, T>> {
  const unique = [...new Set(ids)]
  const docs = await Promise.all(unique.map((id) => store.get<Doc>(collection, id)))
  const out = new Map<string, T>()
  for (const doc of docs) if (doc && typeof doc['id'] === 'string') out.set(doc['id'], doc as T)
  return out
}

/** Plates and masked numbers of the scope's cards among `cardIds`; other accounts' cards are absent. */
export async function cardLabels(
  scope: RecordsScope,
  cardIds: Iterable<string>,
  cache: CardLabelCache = new Map(),
): Promise<Map<string, CardLabel>> {
  const wanted = [...new Set(cardIds)]
  const missing = wanted.filter((id) => !cache.has(id))
  if (missing.length > 0) {
    const cards = await docsById<CardDoc>(scope.store, collections.cards, missing)
    const vehicles = await docsById<VehicleDoc>(
      scope.store,
      collections.vehicles,
      [...cards.values()].map((c) => c.vehicleId),
    )
    for (const id of missing) {
      const card = cards.get(id)
      cache.set(
        id,
        card && card.accountId === scope.accountId
          ? { plate: vehicles.get(card.vehicleId)?.plate ?? '', cardNo: maskCardNo(card.cardNo) }
          : null,
      )
    }
  }
  const labels = new Map<string, CardLabel>()
  for (const id of wanted) {
    const label = cache.get(id)
    if (label) labels.set(id, label)
  }
  return labels
}

function placeView(
  target: FundsTarget | null,
  labels: Map<string, CardLabel>,
): RechargeOrderView['target'] | null {
  if (!target) return null
  if (target.kind === 'account') return { kind: 'account' }
  const label = labels.get(target.cardId) ?? { plate: '', cardNo: '' }
  return { kind: 'card', cardId: target.cardId, ...label }
}

/** Recharge orders as the app shows them, card targets with plate and masked number. */
export async function rechargeOrderViews(
  scope: RecordsScope,
  orders: readonly RechargeOrderDoc[],
  cache?: CardLabelCache,
): Promise<RechargeOrderView[]> {
  const cardIds = orders.flatMap((o) =>
    [o.target, o.creditedTo].flatMap((t) => (t?.kind === 'card' ? [t.cardId] : [])),
  )
  const [labels, invoices] = await Promise.all([
    cardLabels(scope, cardIds, cache),
    rechargeInvoiceIds(
      scope,
      orders.filter((o) => o.status === 'paid').map((o) => o.id),
    ),
  ])
  return orders.map((order) => ({
    orderNo: order.id,
    amount: order.amount,
    channel: order.channel,
    source: moneySourceLabels[order.source],
    status: order.status,
    target: placeView(order.target, labels) ?? { kind: 'account' },
    creditedTo: placeView(order.creditedTo, labels),
    createdAt: order.createdAt,
    expiresAt: order.expiresAt,
    paidAt: order.paidAt,
    providerTradeNo: order.providerTradeNo,
    invoiceId: invoices.get(order.id) ?? null,
  }))
}

/**
 * The invoice of each paid order among `orderNos` (invoices.issue with a recharge source): the
 * current one when a re-issue reversed an earlier one. Orders without one are absent.
 */
async function rechargeInvoiceIds(scope: RecordsScope, orderNos: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  if (orderNos.length === 0) return found
  const page = await scope.store.query<Doc>(collections.invoices, {
    where: [
      { field: 'accountId', op: 'eq', value: scope.accountId },
      { field: 'orderNo', op: 'in', value: [...new Set(orderNos)] },
    ],
    limit: maxQueryLimit,
  })
  for (const doc of page.items as unknown as InvoiceDoc[]) {
    if (!doc.orderNo) continue
    if (!found.has(doc.orderNo) || doc.status !== 'reversed') found.set(doc.orderNo, doc.id)
  }
  return found
}

/** 充值来源 / 数据来源. */
export const moneySourceLabels: Record<MoneySource, string> = {
  wechat: '微信小程序',
  alipay: '支付宝小程序',
  h5: '网站',
  auto: '充值自动分配',
}

/** 预分配记录 rows as the app shows them. */
export async function allocationRecordViews(
  scope: RecordsScope,
  records: readonly AllocationRecordDoc[],
  cache?: CardLabelCache,
): Promise<AllocationRecord[]> {
  const labels = await cardLabels(
    scope,
    records.map((r) => r.cardId),
    cache,
  )
  return records.map((record) => ({
    allocationId: record.allocationId,
    cardId: record.cardId,
    amount: record.amount,
    at: record.at,
    source: moneySourceLabels[record.source],
    ...(labels.get(record.cardId) ?? { plate: '', cardNo: '' }),
  }))
}
