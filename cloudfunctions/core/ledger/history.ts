import { StoreError, type Condition, type QueryPage, type Store } from '../../ports/store'
import { collections, type TransferDoc } from '../documents'
import { accountKey, type LedgerAccount } from './accounts'

/**
 * An account's transfers, debits and credits together, in posting order. Two indexed queries
 * (by debit, by credit) merged on the transfers' sort key; the cursor is the last sort key
 * answered, so the next page starts right after it on both sides, whatever was posted since.
 */

type StoredTransfer = TransferDoc & { [key: string]: unknown }
type Direction = 'asc' | 'desc'

function encodeCursor(direction: Direction, sortKey: string): string {
  return Buffer.from(JSON.stringify([direction, sortKey]), 'utf8').toString('base64url')
}

function decodeCursor(cursor: string, direction: Direction): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed[0] === direction && typeof parsed[1] === 'string') return parsed[1]
  } catch {
    // fall through: not one of ours
  }
  throw new StoreError('INVALID_QUERY', 'invalid ledger history cursor')
}

/**
 * One page of the account's transfers, newest first unless `direction` is 'asc'. `after` is a
 * previous page's nextCursor (of the same direction). `limit` as the store allows (1–999).
 */
export async function transfersOf(
  store: Store,
  account: LedgerAccount,
  page: { limit: number; after?: string; direction?: Direction },
): Promise<QueryPage<TransferDoc>> {
  const key = accountKey(account)
  const direction = page.direction ?? 'desc'
  const beyond: Condition[] = page.after
    ? [
        {
          field: 'sortKey',
          op: direction === 'asc' ? 'gt' : 'lt',
          value: decodeCursor(page.after, direction),
        },
      ]
    : []
  const side = (field: 'debit' | 'credit') =>
    store.query<StoredTransfer>(collections.ledgerTransfers, {
      where: [{ field, op: 'eq', value: key }, ...beyond],
      orderBy: { field: 'sortKey', direction },
      limit: page.limit,
    })
  const [debits, credits] = await Promise.all([side('debit'), side('credit')])
  const merged = [...debits.items, ...credits.items].sort((a, b) => {
    const order = a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0
    return direction === 'asc' ? order : -order
  })
  const items = merged.slice(0, page.limit)
  const more = merged.length > page.limit || debits.nextCursor !== null || credits.nextCursor !== null
  const last = items[items.length - 1]
  return { items, nextCursor: more && last ? encodeCursor(direction, last.sortKey) : null }
}

/** Every transfer one business record caused (an order, a refund), in posting order. */
export async function transfersByRef(store: Store, ref: string): Promise<TransferDoc[]> {
  const out: TransferDoc[] = []
  let after: string | undefined
  do {
    const page = await store.query<StoredTransfer>(collections.ledgerTransfers, {
      where: [{ field: 'ref', op: 'eq', value: ref }],
      orderBy: { field: 'sortKey', direction: 'asc' },
      limit: 100,
      after,
    })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}
