import { maxQueryLimit, type Store, type TxStore } from '../../ports/store'
import type { Fen } from '../../../types/money'
import { collections, type TransferDoc } from '../documents'
import { accountKey, rulesOf, type LedgerAccount } from './accounts'
import { LedgerError } from './errors'
import { balanceFromTotals, readProjection, totalsOf, type StoredBalance, type Totals } from './projections'

/**
 * Balances, always on the account's normal side (accounts.ts). A cold account's comes from its
 * projection (one read); a hot account's is summed from its transfers through the by-debit and
 * by-credit indexes, page by page: fine for reconciliation and reports, not for a hot path.
 */

type StoredTransfer = TransferDoc & { [key: string]: unknown }

/** How many ids one `in` query asks for. */
const idsPerQuery = 100

/** Sums one side of an account's transfers, paging through the index. */
async function sumSide(
  store: Store,
  side: 'debit' | 'credit',
  key: string,
): Promise<{ sum: number; count: number }> {
  let sum = 0
  let count = 0
  let after: string | undefined
  do {
    const page = await store.query<StoredTransfer>(collections.ledgerTransfers, {
      where: [{ field: side, op: 'eq', value: key }],
      orderBy: { field: 'sortKey', direction: 'asc' },
      limit: maxQueryLimit,
      after,
    })
    for (const t of page.items) sum += t.amount
    count += page.items.length
    after = page.nextCursor ?? undefined
  } while (after)
  return { sum, count }
}

/** An account's totals summed from its transfers (every kind of account; the only way for hot ones). */
export async function summedTotals(store: Store, key: string): Promise<Totals> {
  const [debits, credits] = await Promise.all([sumSide(store, 'debit', key), sumSide(store, 'credit', key)])
  return { debits: debits.sum, credits: credits.sum, count: debits.count + credits.count }
}

/** The balance of one account. */
export async function balanceOf(store: Store, account: LedgerAccount): Promise<Fen> {
  const key = accountKey(account)
  if (!rulesOf(account).projected) return balanceFromTotals(key, await summedTotals(store, key))
  const doc = await store.get<StoredBalance>(collections.ledgerBalances, key)
  return balanceFromTotals(key, totalsOf(doc))
}

/**
 * The balance of a cold account as the transaction sees it (its own writes included), e.g. to
 * decide an amount before posting. A hot account has no projection: BAD_ACCOUNT.
 */
export async function projectedBalance(tx: TxStore, account: LedgerAccount): Promise<Fen> {
  const key = accountKey(account)
  if (!rulesOf(account).projected) {
    throw new LedgerError('BAD_ACCOUNT', `${key} is a hot account without a projection`, key)
  }
  return balanceFromTotals(key, totalsOf(await readProjection(tx, key)))
}

/**
 * The balances of many accounts, keyed by accountKey (every account asked for has an entry; one
 * without transfers is 0). Cold accounts are read 100 projections per query.
 */
export async function balancesOf(
  store: Store,
  accounts: readonly LedgerAccount[],
): Promise<Map<string, Fen>> {
  const cold: string[] = []
  const hot: string[] = []
  for (const account of accounts) {
    const key = accountKey(account)
    const list = rulesOf(account).projected ? cold : hot
    if (!list.includes(key)) list.push(key)
  }
  const found = new Map<string, Totals>()
  const chunks: string[][] = []
  for (let i = 0; i < cold.length; i += idsPerQuery) chunks.push(cold.slice(i, i + idsPerQuery))
  const pages = await Promise.all(
    chunks.map((ids) =>
      store.query<StoredBalance>(collections.ledgerBalances, {
        where: [{ field: 'id', op: 'in', value: ids }],
        limit: ids.length,
      }),
    ),
  )
  for (const page of pages) for (const doc of page.items) found.set(doc.id, totalsOf(doc))
  const hotTotals = await Promise.all(hot.map((key) => summedTotals(store, key)))
  hot.forEach((key, i) => found.set(key, hotTotals[i]))

  const out = new Map<string, Fen>()
  for (const account of accounts) {
    const key = accountKey(account)
    out.set(key, balanceFromTotals(key, found.get(key) ?? totalsOf(null)))
  }
  return out
}
