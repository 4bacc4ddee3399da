import {
  StoreError,
  type Condition,
  type Doc,
  type Query,
  type QueryPage,
  type Store,
  type TxStore,
} from '../../ports/store'
import { checkField, checkLimit, decodeCursor, encodeCursor, jsonDocument, sortValueOf } from '../storeRules'
import { cloneDoc, refuseQueryInTransaction, runInTransactionContext } from '../transactionContext'

/**
 * The slice of wx-server-sdk's database this adapter uses. The SDK's own typings are mostly
 * `any`; naming the shapes here keeps the rest of the adapter checked.
 */
export type CbCondition = unknown
type CbValue = string | number | boolean | null
export interface CbCommand {
  eq(value: CbValue): CbCondition
  neq(value: CbValue): CbCondition
  lt(value: CbValue): CbCondition
  lte(value: CbValue): CbCondition
  gt(value: CbValue): CbCondition
  gte(value: CbValue): CbCondition
  in(values: CbValue[]): CbCondition
  and(...conditions: CbCondition[]): CbCondition
  or(...conditions: CbCondition[]): CbCondition
}
export interface CbDocRef {
  get(): Promise<{ data: unknown }>
  set(options: { data: Doc }): Promise<unknown>
  remove(): Promise<unknown>
}
export interface CbQuery {
  where(condition: CbCondition): CbQuery
  orderBy(field: string, direction: 'asc' | 'desc'): CbQuery
  limit(n: number): CbQuery
  get(): Promise<{ data: unknown[] }>
  count(): Promise<{ total: number }>
}
export interface CbCollection extends CbQuery {
  doc(id: string): CbDocRef
}
export interface CbTransaction {
  collection(name: string): { doc(id: string): CbDocRef }
  commit(): Promise<unknown>
  rollback(): Promise<unknown>
}
/** `cloud.database({ throwOnNotFound: false })`: a missing document reads as `data: null`. */
export interface CloudbaseDatabase {
  command: CbCommand
  RegExp(options: { regexp: string; options?: string }): CbCondition
  collection(name: string): CbCollection
  startTransaction(): Promise<CbTransaction>
  createCollection(name: string): Promise<unknown>
}

export interface CloudbaseStoreOptions {
  /** Attempts of one transaction before it answers CONFLICT. */
  maxAttempts?: number
  /** Waits before attempt `attempt + 1`; jittered exponential by default. */
  backoff?: (attempt: number) => Promise<void>
  /** Prepended to every collection name (one prefix per test run on a shared environment). */
  collectionPrefix?: string
}

/**
 * How the SDK reports failures, by code only (messages are free text):
 * - `code` (string) on errors that pass through untouched: the TcbError node-sdk throws for an
 *   error answer, e.g. at `transaction.commit()`.
 * - `errCode` (number) on errors that pass through wx-server-sdk's document and query
 *   wrappers: its table maps known codes (DATABASE_COLLECTION_NOT_EXIST → -502005) and every
 *   other code, DATABASE_TRANSACTION_CONFLICT included, to -501001 SYS_ERR.
 */
type Failure = 'conflict' | 'systemError' | 'collectionMissing' | 'other'

export function classifyCloudbaseError(error: unknown): Failure {
  const { code, errCode } = (error ?? {}) as { code?: unknown; errCode?: unknown }
  if (code === 'DATABASE_TRANSACTION_CONFLICT') return 'conflict'
  if (code === 'DATABASE_COLLECTION_NOT_EXIST' || errCode === -502005) return 'collectionMissing'
  if (errCode === -501001) return 'systemError'
  return 'other'
}

/** A failure of this attempt that leaves nothing applied, so the transaction may run again. */
class RetryableAttempt extends Error {}

const defaultMaxAttempts = 10

/** Full jitter, so conflicting functions do not retry in lockstep: up to 20, 40, 80 … 500 ms. */
function jitteredBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(500, 20 * 2 ** (attempt - 1))
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function fromDb<T extends Doc>(raw: unknown): T | null {
  if (!raw || typeof raw !== 'object') return null
  const { _id, ...rest } = raw as Doc
  return { ...rest, id: String(_id) } as unknown as T
}

function toDb(id: string, doc: Doc): Doc {
  // _id is the document key and may not appear in set data.
  const { _id: _ignored, ...rest } = jsonDocument(doc)
  return { ...rest, id }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function createCloudbaseStore(db: CloudbaseDatabase, options: CloudbaseStoreOptions = {}): Store {
  const _ = db.command
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts
  const backoff = options.backoff ?? jitteredBackoff
  const prefix = options.collectionPrefix ?? ''
  const named = (collection: string) => `${prefix}${collection}`

  function missingCollection(collection: string): StoreError {
    return new StoreError(
      'COLLECTION_MISSING',
      `CloudBase collection "${named(collection)}" does not exist: run npm run cloudbase:provision for this environment`,
    )
  }

  /** Runs one SDK call outside a transaction, turning a missing collection into its typed error. */
  async function call<R>(collection: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run()
    } catch (error) {
      if (classifyCloudbaseError(error) === 'collectionMissing') throw missingCollection(collection)
      throw error
    }
  }

  function conditionsOf(where: Condition[] = []): CbCondition[] {
    return where.map((c) => {
      const field = c.field === 'id' ? '_id' : checkField(c.field)
      switch (c.op) {
        case 'eq':
          return { [field]: _.eq(c.value) }
        case 'ne':
          return { [field]: _.neq(c.value) }
        case 'lt':
        case 'lte':
        case 'gt':
        case 'gte':
          if (c.value === null) throw new StoreError('INVALID_QUERY', `${c.op} null is meaningless`)
          return { [field]: _[c.op](c.value) }
        case 'in':
          return { [field]: _.in(c.value) }
        case 'prefix':
          return { [field]: db.RegExp({ regexp: `^${escapeRegExp(c.value)}` }) }
        default:
          throw new StoreError('INVALID_QUERY', 'unknown condition')
      }
    })
  }

  /**
   * Keyset paging past the cursor's (value, id). Null and missing sort first ascending and last
   * descending; MongoDB never matches null with $gt/$lt, so the null side is spelled out.
   */
  function beyondCursor(field: string, direction: 'asc' | 'desc', value: CbValue, id: string): CbCondition {
    const idBeyond = direction === 'asc' ? _.gt(id) : _.lt(id)
    if (field === '_id') return { _id: idBeyond }
    if (value === null) {
      return direction === 'asc'
        ? _.or({ [field]: _.eq(null), _id: idBeyond }, { [field]: _.neq(null) })
        : { [field]: _.eq(null), _id: idBeyond }
    }
    const valueBeyond = direction === 'asc' ? _.gt(value) : _.lt(value)
    const sameValue = { [field]: _.eq(value), _id: idBeyond }
    return direction === 'asc'
      ? _.or({ [field]: valueBeyond }, sameValue)
      : _.or({ [field]: valueBeyond }, { [field]: _.eq(null) }, sameValue)
  }

  async function mergeInto(tx: TxStore, collection: string, id: string, patch: Doc): Promise<void> {
    const current = await tx.get(collection, id)
    if (!current) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
    await tx.set(collection, id, { ...current, ...patch })
  }

  /** One attempt: reads in the transaction, writes buffered until fn returns, then commit. */
  async function attempt<R>(
    fn: (tx: TxStore) => Promise<R>,
  ): Promise<{ done: true; value: R } | { done: false }> {
    const t = await db.startTransaction()
    let committed = false
    let retryable = false
    const writes = new Map<string, { collection: string; id: string; doc: Doc | null }>()
    const key = (collection: string, id: string) => `${collection}\u0000${id}`

    /** Inside the transaction a conflict may arrive as SYS_ERR; nothing is committed yet, so retry. */
    const inTransaction = async <T>(collection: string, run: () => Promise<T>): Promise<T> => {
      try {
        return await run()
      } catch (error) {
        const failure = classifyCloudbaseError(error)
        if (failure === 'collectionMissing') throw missingCollection(collection)
        if (failure === 'conflict' || failure === 'systemError') {
          retryable = true
          throw new RetryableAttempt('transaction conflict')
        }
        throw error
      }
    }

    const tx: TxStore & Pick<Store, 'query' | 'count'> = {
      async get<T extends Doc>(collection: string, id: string) {
        const pending = writes.get(key(collection, id))
        if (pending) return pending.doc === null ? null : (cloneDoc(pending.doc) as T)
        const result = await inTransaction(collection, () => t.collection(named(collection)).doc(id).get())
        return fromDb<T>(result.data)
      },
      async set(collection, id, doc) {
        writes.set(key(collection, id), { collection, id, doc: toDb(id, doc) })
      },
      update: (collection, id, patch) => mergeInto(tx, collection, id, patch),
      async remove(collection, id) {
        writes.set(key(collection, id), { collection, id, doc: null })
      },
      query() {
        throw new StoreError('QUERY_IN_TRANSACTION', 'query is not allowed inside a transaction')
      },
      count() {
        throw new StoreError('QUERY_IN_TRANSACTION', 'count is not allowed inside a transaction')
      },
    }

    try {
      const value = await runInTransactionContext(() => fn(tx))
      for (const w of writes.values()) {
        const ref = t.collection(named(w.collection)).doc(w.id)
        await inTransaction(w.collection, () => (w.doc === null ? ref.remove() : ref.set({ data: w.doc })))
      }
      try {
        await t.commit()
        committed = true
      } catch (error) {
        // At commit only a reported conflict is safe to retry: any other failure may have applied.
        const failure = classifyCloudbaseError(error)
        if (failure === 'conflict') {
          retryable = true
          throw new RetryableAttempt('transaction conflict at commit')
        }
        if (failure === 'collectionMissing')
          throw missingCollection([...writes.values()][0]?.collection ?? '')
        throw error
      }
      return { done: true, value }
    } catch (error) {
      if (!committed) await t.rollback().catch(() => undefined)
      if (retryable) return { done: false }
      throw error
    }
  }

  async function transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    for (let n = 1; ; n++) {
      const outcome = await attempt(fn)
      if (outcome.done) return outcome.value
      if (n >= maxAttempts) {
        throw new StoreError('CONFLICT', `transaction gave up after ${n} conflicting attempts`)
      }
      await backoff(n)
    }
  }

  const store: Store = {
    async get<T extends Doc>(collection: string, id: string) {
      const result = await call(collection, () => db.collection(named(collection)).doc(id).get())
      return fromDb<T>(Array.isArray(result.data) ? result.data[0] : result.data)
    },
    async set(collection, id, doc) {
      const data = toDb(id, doc)
      await call(collection, () => db.collection(named(collection)).doc(id).set({ data }))
    },
    update(collection, id, patch) {
      // Read-merge-write in a transaction: CloudBase's update deep-merges nested objects,
      // while the port promises top-level replacement.
      return transaction((tx) => mergeInto(tx, collection, id, patch))
    },
    async remove(collection, id) {
      await call(collection, () => db.collection(named(collection)).doc(id).remove())
    },
    async query<T extends Doc>(collection: string, q: Query): Promise<QueryPage<T>> {
      refuseQueryInTransaction('query')
      const limit = checkLimit(q)
      const conditions = conditionsOf(q.where)
      const sortField = q.orderBy?.field ?? 'id'
      const field = sortField === 'id' ? '_id' : checkField(sortField)
      const direction = q.orderBy?.direction ?? 'asc'
      if (q.after) {
        const [value, id] = decodeCursor(q.after)
        conditions.push(beyondCursor(field, direction, value, id))
      }
      let cursor: CbQuery = db.collection(named(collection))
      if (conditions.length > 0) cursor = cursor.where(_.and(...conditions))
      cursor = cursor.orderBy(field, direction)
      if (field !== '_id') cursor = cursor.orderBy('_id', direction)
      const result = await call(collection, () => cursor.limit(limit + 1).get())
      const docs = result.data.map((raw) => fromDb<T>(raw)).filter((d): d is T => d !== null)
      const page = docs.slice(0, limit)
      const last = page[page.length - 1]
      const lastId = last ? String(last.id) : ''
      return {
        items: page,
        nextCursor:
          docs.length > limit && last
            ? encodeCursor(field === '_id' ? lastId : sortValueOf(last, field), lastId)
            : null,
      }
    },
    async count(collection, where) {
      refuseQueryInTransaction('count')
      const conditions = conditionsOf(where)
      const base: CbQuery = db.collection(named(collection))
      const result = await call(collection, () =>
        (conditions.length > 0 ? base.where(_.and(...conditions)) : base).count(),
      )
      return result.total
    },
    transaction,
  }
  return store
}
