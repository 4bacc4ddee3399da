import {
  StoreError,
  type Condition,
  type Doc,
  type Query,
  type QueryPage,
  type Scalar,
  type Store,
  type TxStore,
} from '../../ports/store'
import { cloneDoc, refuseQueryInTransaction, runInTransactionContext } from '../transactionContext'

/**
 * The slice of wx-server-sdk's database this adapter uses. The SDK's own typings are mostly
 * `any`; naming the shapes here keeps the rest of the adapter checked.
 */
export type CbCondition = unknown
export interface CbCommand {
  eq(value: Scalar): CbCondition
  neq(value: Scalar): CbCondition
  lt(value: Scalar): CbCondition
  lte(value: Scalar): CbCondition
  gt(value: Scalar): CbCondition
  gte(value: Scalar): CbCondition
  in(values: Scalar[]): CbCondition
  and(...conditions: CbCondition[]): CbCondition
  or(...conditions: CbCondition[]): CbCondition
  set(value: unknown): CbCondition
}
export interface CbDocRef {
  get(): Promise<{ data: unknown }>
  set(options: { data: Doc }): Promise<unknown>
  update(options: { data: Doc }): Promise<unknown>
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
}
export interface CloudbaseDatabase {
  command: CbCommand
  RegExp(options: { regexp: string; options?: string }): CbCondition
  collection(name: string): CbCollection
  runTransaction<R>(fn: (transaction: CbTransaction) => Promise<R>, retries?: number): Promise<R>
}

const fieldPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

function dbField(field: string): string {
  if (field === 'id') return '_id'
  if (!fieldPattern.test(field)) throw new StoreError('INVALID_QUERY', `invalid field name: ${field}`)
  return field
}

function fromDb<T extends Doc>(raw: unknown): T | null {
  if (!raw || typeof raw !== 'object') return null
  const { _id, ...rest } = raw as Doc
  return { ...rest, id: String(_id) } as unknown as T
}

function toDb(id: string, doc: Doc): Doc {
  // _id is the document key and may not appear in set/update data.
  const { _id: _ignored, ...rest } = doc
  return { ...rest, id }
}

function isMissingDocError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error)
  return /not exist|does not exist|DOCUMENT_NOT_EXIST/i.test(text)
}

function isConflictError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error)
  return /conflict|TRANSACTION/i.test(text)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

async function getDoc<T extends Doc>(ref: CbDocRef): Promise<T | null> {
  try {
    const result = await ref.get()
    return fromDb<T>(Array.isArray(result.data) ? result.data[0] : result.data)
  } catch (error) {
    if (isMissingDocError(error)) return null
    throw error
  }
}

export function createCloudbaseStore(
  db: CloudbaseDatabase,
  options: { transactionRetries?: number } = {},
): Store {
  const _ = db.command
  const retries = options.transactionRetries ?? 10

  function conditionsOf(where: Condition[] = []): CbCondition[] {
    return where.map((c) => {
      const field = dbField(c.field)
      switch (c.op) {
        case 'eq':
          return { [field]: _.eq(c.value) }
        case 'ne':
          return { [field]: _.neq(c.value) }
        case 'lt':
        case 'lte':
        case 'gt':
        case 'gte':
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

  function decodeCursor(cursor: string): [Scalar, string] {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
        const value: unknown = parsed[0]
        if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
          return [value as Scalar, parsed[1]]
      }
    } catch {
      // fall through
    }
    throw new StoreError('INVALID_QUERY', 'invalid cursor')
  }

  async function update(tx: TxStore, collection: string, id: string, patch: Doc): Promise<void> {
    const current = await tx.get(collection, id)
    if (!current) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
    await tx.set(collection, id, { ...current, ...patch })
  }

  async function transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    try {
      return await db.runTransaction(async (t) => {
        // Fresh buffers per attempt: runTransaction re-runs this callback on conflict.
        const writes = new Map<string, { collection: string; id: string; doc: Doc | null }>()
        const key = (collection: string, id: string) => `${collection}\u0000${id}`
        const tx: TxStore & Pick<Store, 'query' | 'count'> = {
          async get<T extends Doc>(collection: string, id: string) {
            const pending = writes.get(key(collection, id))
            if (pending) return pending.doc === null ? null : (cloneDoc(pending.doc) as T)
            return getDoc<T>(t.collection(collection).doc(id))
          },
          async set(collection, id, doc) {
            writes.set(key(collection, id), { collection, id, doc: { ...cloneDoc(doc), id } })
          },
          update: (collection, id, patch) => update(tx, collection, id, patch),
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
        const result = await runInTransactionContext(() => fn(tx))
        for (const w of writes.values()) {
          const ref = t.collection(w.collection).doc(w.id)
          if (w.doc === null) await ref.remove()
          else await ref.set({ data: toDb(w.id, w.doc) })
        }
        return result
      }, retries)
    } catch (error) {
      if (error instanceof StoreError) throw error
      if (isConflictError(error)) throw new StoreError('CONFLICT', 'transaction kept conflicting')
      throw error
    }
  }

  const store: Store = {
    async get<T extends Doc>(collection: string, id: string) {
      const result = await db
        .collection(collection)
        .where({ _id: _.eq(id) })
        .limit(1)
        .get()
      return fromDb<T>(result.data[0])
    },
    async set(collection, id, doc) {
      await db
        .collection(collection)
        .doc(id)
        .set({ data: toDb(id, doc) })
    },
    update(collection, id, patch) {
      // Read-merge-write in a transaction: CloudBase's update deep-merges nested objects,
      // while the port promises top-level replacement.
      return transaction((tx) => update(tx, collection, id, patch))
    },
    async remove(collection, id) {
      await db.collection(collection).doc(id).remove()
    },
    async query<T extends Doc>(collection: string, q: Query): Promise<QueryPage<T>> {
      refuseQueryInTransaction('query')
      const conditions = conditionsOf(q.where)
      const field = dbField(q.orderBy?.field ?? 'id')
      const direction = q.orderBy?.direction ?? 'asc'
      if (q.after) {
        const [value, id] = decodeCursor(q.after)
        const beyond = direction === 'asc' ? _.gt : _.lt
        conditions.push(
          field === '_id'
            ? { _id: beyond(id) }
            : _.or({ [field]: beyond(value) }, { [field]: _.eq(value), _id: beyond(id) }),
        )
      }
      let cursor: CbQuery = db.collection(collection)
      if (conditions.length > 0) cursor = cursor.where(_.and(...conditions))
      cursor = cursor.orderBy(field, direction)
      if (field !== '_id') cursor = cursor.orderBy('_id', direction)
      const result = await cursor.limit(q.limit + 1).get()
      const docs = result.data.map((raw) => fromDb<T>(raw)).filter((d): d is T => d !== null)
      const page = docs.slice(0, q.limit)
      const last = page[page.length - 1]
      const lastValue = last ? readPath(last, field === '_id' ? 'id' : field) : null
      return {
        items: page,
        nextCursor:
          docs.length > q.limit && last
            ? Buffer.from(JSON.stringify([lastValue, last.id]), 'utf8').toString('base64url')
            : null,
      }
    },
    async count(collection, where) {
      refuseQueryInTransaction('count')
      const conditions = conditionsOf(where)
      const base: CbQuery = db.collection(collection)
      const result = await (conditions.length > 0 ? base.where(_.and(...conditions)) : base).count()
      return result.total
    },
    transaction,
  }
  return store
}

function readPath(doc: Doc, path: string): Scalar {
  let value: unknown = doc
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Doc)[part] : undefined
  }
  return value === undefined ? null : (value as Scalar)
}
