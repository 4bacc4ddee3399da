/**
 * The persistence port. Deliberately narrow so CloudBase can honour it: documents by id,
 * indexed queries with range, sort and cursor paging, and transactions that touch
 * documents by id only (CloudBase's runTransaction allows doc-level operations only).
 *
 * Rules both adapters enforce, so code that passes on one passes on the other:
 * - Collections exist before use: they are declared in core/storeSchema.ts and provisioned
 *   (`npm run cloudbase:provision` on CloudBase, on open for SQLite). Any call on another
 *   collection throws COLLECTION_MISSING, a deployment error.
 * - Documents are JSON: strings, finite numbers, booleans, null, arrays and plain objects.
 *   A Date, NaN, Infinity, bigint or class instance is refused with INVALID_DOCUMENT (store
 *   instants as ISO strings). Fields set to undefined are dropped.
 * - A field that is filtered with lt/lte/gt/gte or sorted on holds one kind of value per
 *   collection: strings, numbers or booleans, and may be null or missing. Null and missing
 *   are the same value for sorting and equality; they sort before every other value
 *   ascending and after every other value descending (MongoDB's and SQLite's order).
 *   Strings compare by code point.
 * - `limit` is an integer from 1 to maxQueryLimit; asking for more pages with the cursor.
 */

export type Scalar = string | number | boolean | null
export type Doc = { [key: string]: unknown }

export type Condition =
  | { field: string; op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; value: Scalar }
  | { field: string; op: 'in'; value: Scalar[] }
  | { field: string; op: 'prefix'; value: string }

/** CloudBase caps a read at 1000 documents; a page reads one more to know whether another follows. */
export const maxQueryLimit = 999

export interface Query {
  where?: Condition[]
  /** Sort field; ties are broken by id so cursors are stable. */
  orderBy?: { field: string; direction: 'asc' | 'desc' }
  limit: number
  /** Opaque cursor from a previous page. */
  after?: string
}

export interface QueryPage<T> {
  items: T[]
  nextCursor: string | null
}

export interface TxStore {
  get<T extends Doc>(collection: string, id: string): Promise<T | null>
  /** Creates or replaces the whole document. */
  set(collection: string, id: string, doc: Doc): Promise<void>
  /** Merges top-level fields into an existing document; throws NOT_FOUND if it is missing. */
  update(collection: string, id: string, patch: Doc): Promise<void>
  remove(collection: string, id: string): Promise<void>
}

export interface Store extends TxStore {
  query<T extends Doc>(collection: string, query: Query): Promise<QueryPage<T>>
  count(collection: string, where?: Condition[]): Promise<number>
  /**
   * Runs fn atomically with read-your-writes. Conflicting concurrent transactions are
   * detected and fn is retried with backoff (bounded; CONFLICT when the attempts are spent),
   * so fn must not have side effects outside the store. Writes are buffered per attempt, so
   * a retried fn never applies a write twice. Conflicts are guaranteed between transactions
   * that write the same document (CloudBase gives snapshot isolation: a document that fn
   * only reads is not checked, so write what the outcome depends on). Queries are refused
   * inside a transaction, as on CloudBase.
   */
  transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R>
}

export class StoreError extends Error {
  constructor(
    readonly code:
      | 'NOT_FOUND'
      | 'CONFLICT'
      | 'QUERY_IN_TRANSACTION'
      | 'INVALID_QUERY'
      | 'INVALID_DOCUMENT'
      /** The collection was never provisioned: a deployment error, never the caller's. */
      | 'COLLECTION_MISSING',
    message: string,
  ) {
    super(message)
    this.name = 'StoreError'
  }
}
