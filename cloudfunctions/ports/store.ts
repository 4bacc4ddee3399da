/**
 * The persistence port. Deliberately narrow so CloudBase can honour it: documents by id,
 * indexed queries with range, sort and cursor paging, and transactions that touch
 * documents by id only (CloudBase's runTransaction allows doc-level operations only).
 */

export type Scalar = string | number | boolean | null
export type Doc = { [key: string]: unknown }

export type Condition =
  | { field: string; op: 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte'; value: Scalar }
  | { field: string; op: 'in'; value: Scalar[] }
  | { field: string; op: 'prefix'; value: string }

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
   * detected and fn is retried, so fn must not have side effects outside the store.
   * Queries are refused inside a transaction, as on CloudBase.
   */
  transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R>
}

export class StoreError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'CONFLICT' | 'QUERY_IN_TRANSACTION' | 'INVALID_QUERY',
    message: string,
  ) {
    super(message)
    this.name = 'StoreError'
  }
}
