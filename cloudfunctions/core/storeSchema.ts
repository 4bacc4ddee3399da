import { collections, type CollectionName } from './documents'

/**
 * Every collection the app uses and the indexes its queries need, declared once. The SQLite
 * adapter creates its indexes from this list and refuses collections missing from it; the
 * CloudBase provisioning command (`npm run cloudbase:provision`) creates the same collections
 * and indexes in an environment. A query added without its index shows up here, in review.
 */
export interface IndexSpec {
  /** Stable name: provisioning compares by name, so renaming an index creates a new one. */
  name: string
  fields: ReadonlyArray<{ field: string; direction: 'asc' | 'desc' }>
  unique?: boolean
}

export interface CollectionSpec {
  name: string
  indexes: readonly IndexSpec[]
}

/** An ascending compound index named after its fields. */
function index(...fields: string[]): IndexSpec {
  return { name: `by_${fields.join('_')}`, fields: fields.map((field) => ({ field, direction: 'asc' })) }
}

const specs: Record<CollectionName, readonly IndexSpec[]> = {
  [collections.accounts]: [index('loginPhoneHash', 'userType'), index('idNumberHash', 'userType')],
  [collections.vehicles]: [
    // 车辆 tab and parking: account, scope, optional card status, plate order
    index('accountId', 'scope', 'plate'),
    index('accountId', 'scope', 'cardStatus', 'plate'),
    index('accountId', 'cardType', 'cardStatus'),
    // 储值卡资金: the account's stored-value vehicles by plate, all or only the receiving (已发行)
    index('accountId', 'cardType', 'scope', 'plate'),
    index('accountId', 'cardType', 'scope', 'cardStatus', 'plate'),
    // 找回昵称 by plate
    index('plate'),
  ],
  [collections.cards]: [
    index('accountId', 'type', 'status', 'issuedAt'),
    index('accountId', 'vehicleId', 'issuedAt'),
    index('accountId', 'cardNo'),
    // trips.ingest: the clearing side names the card by number only
    index('cardNo'),
  ],
  [collections.tags]: [index('accountId', 'status', 'issuedAt'), index('accountId', 'vehicleId', 'issuedAt')],
  [collections.statusListRecords]: [index('accountId', 'cardId', 'startAt')],
  [collections.trips]: [
    index('accountId', 'exitAt'),
    index('cardId', 'exitAt'),
    // 通行流水 and 账单明细 by scene; refunds by state, on trip time or refund time (core/bills)
    index('accountId', 'scene', 'exitAt'),
    index('accountId', 'refundState', 'exitAt'),
    index('accountId', 'refundState', 'refundAt'),
  ],
  [collections.invoices]: [
    index('accountId', 'issuedAt'),
    // 已开票查询: a tab (kind) by issue time, optionally of one vehicle
    index('accountId', 'kind', 'issuedAt'),
    index('accountId', 'vehicleId', 'kind', 'issuedAt'),
    index('accountId', 'plate', 'kind', 'issuedAt'),
    index('accountId', 'vehicleId', 'plate', 'kind', 'issuedAt'),
    // a recharge's invoice (one per order)
    index('accountId', 'orderNo'),
  ],
  [collections.sessions]: [index('principalId', 'revokedAt')],
  [collections.wechatBindings]: [index('principalId')],
  [collections.alipayBindings]: [index('principalId')],
  [collections.smsCodes]: [],
  [collections.rateLimits]: [],
  [collections.principals]: [index('kind', 'reservedPhoneHash')],
  // expired captchas are removed oldest first as new ones are made (actions/authCaptcha.ts)
  [collections.captchas]: [index('expiresAt')],
  [collections.loginFailures]: [],
  [collections.meta]: [],
  [collections.devOutbox]: [index('sentAt')],
  [collections.invoiceTitles]: [index('accountId', 'vehicleId', 'createdAt')],
  [collections.auditLog]: [index('accountId', 'at')],
  // batches are read by id (core/batches.ts); this serves support and clean-up by account and age
  [collections.batches]: [index('accountId', 'operatedAt')],
  // an account's history (core/ledger/history.ts) and the sums of hot accounts (balances.ts):
  // its debits and its credits, each in time order; and what one order or refund caused
  [collections.ledgerTransfers]: [
    index('debit', 'sortKey'),
    index('credit', 'sortKey'),
    index('ref', 'sortKey'),
  ],
  // read by id only (balancesOf asks for many ids at once)
  [collections.ledgerBalances]: [],
  // 充值记录 by account and time; unpaid orders by status and expiry (the scheduler closes them)
  [collections.rechargeOrders]: [index('accountId', 'createdAt'), index('status', 'expiresAt')],
  [collections.rechargeKeys]: [],
  [collections.allocations]: [],
  [collections.allocationRecords]: [index('accountId', 'at')],
  [collections.paymentNotices]: [index('orderNo', 'at')],
  // 导出记录 by account, newest first; the scheduler's work by status and due time (queued: oldest
  // first, running: lease end, ready: expiry)
  [collections.exports]: [index('accountId', 'createdAt'), index('status', 'dueAt')],
  // read by id only
  [collections.exportSlots]: [],
  // operators are read by id (the login name's key); the CLI lists them all, by id
  [collections.operators]: [],
  // an operator's live sessions, ended together when the CLI disables it or resets its password
  [collections.operatorSessions]: [index('operatorId', 'revokedAt')],
  // payDueRefunds: a provider's orphans still owed back, oldest first
  [collections.orphanPayments]: [index('provider', 'status', 'detectedAt')],
  // read by id; the operator page lists a provider's days
  [collections.reconciliationReports]: [index('provider', 'day')],
  // 开票设置查询 and the fleet filters: current vehicles by plate, card type or default title
  [collections.invoiceSettings]: [
    index('accountId', 'scope', 'plate'),
    index('accountId', 'scope', 'cardType', 'plate'),
    index('accountId', 'scope', 'defaultTitle', 'plate'),
    index('accountId', 'scope', 'cardType', 'defaultTitle', 'plate'),
  ],
  // read by id only
  [collections.invoicingModes]: [],
  [collections.invoiceRequests]: [],
  // a card's loads and an account's, newest first (load status pages, reconciliation)
  [collections.loads]: [
    index('cardId', 'createdAt'),
    index('accountId', 'createdAt'),
    index('state', 'updatedAt'),
    // 充值记录 of an outlet: one plate and colour over Shanghai days, newest first
    index('outletId', 'plate', 'plateColor', 'createdAt'),
  ],
  // read by id only (the card id), inside the load saga's transactions
  [collections.cardLoadStates]: [],
  // read by id only (the outlet's intent; its order is found through the recharge key)
  [collections.outletRecharges]: [],
  // bill statistics: an account's rows of one period kind in period and plate order, by plate or vehicle
  [collections.billRollups]: [
    index('accountId', 'period', 'sortKey'),
    index('accountId', 'period', 'plate', 'sortKey'),
    index('accountId', 'vehicleId', 'period', 'sortKey'),
  ],
}

export const storeSchema: readonly CollectionSpec[] = Object.entries(specs).map(([name, indexes]) => ({
  name,
  indexes,
}))

export function collectionSpec(name: string): CollectionSpec | undefined {
  return storeSchema.find((spec) => spec.name === name)
}
