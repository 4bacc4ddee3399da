import {
  maxQueryLimit,
  StoreError,
  type Condition,
  type Doc,
  type Query,
  type QueryPage,
  type Scalar,
  type Store,
  type TxStore,
} from '../../ports/store'

/**
 * An in-memory Store for the ledger's unit tests, with the port's rules that matter to it:
 * JSON documents (copied in and out), transactions that buffer their writes and commit only if
 * no document they read or wrote changed meanwhile (retried otherwise), no queries inside a
 * transaction, limits of 1–999 and keyset cursors. The adapters themselves are exercised by
 * test/integration/ledger.test.ts.
 */
export class MemoryStore implements Store {
  private docs = new Map<string, { doc: Doc; version: number }>()
  private version = 0
  private inTransaction = 0
  /** Transaction attempts, retries included. */
  attempts = 0

  private static key(collection: string, id: string) {
    return `${collection}\u0000${id}`
  }

  private read(collection: string, id: string): Doc | null {
    const found = this.docs.get(MemoryStore.key(collection, id))
    return found ? structuredClone(found.doc) : null
  }

  private write(collection: string, id: string, doc: Doc | null): void {
    this.version += 1
    const k = MemoryStore.key(collection, id)
    if (doc === null) this.docs.delete(k)
    else this.docs.set(k, { doc: JSON.parse(JSON.stringify({ ...doc, id })) as Doc, version: this.version })
  }

  /** Every document, for before/after comparisons. */
  snapshot(): Record<string, Doc> {
    return Object.fromEntries([...this.docs].map(([k, v]) => [k, structuredClone(v.doc)]))
  }

  all<T = Doc>(collection: string): T[] {
    return [...this.docs]
      .filter(([k]) => k.startsWith(`${collection}\u0000`))
      .map(([, v]) => structuredClone(v.doc) as T)
  }

  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    await Promise.resolve()
    return this.read(collection, id) as T | null
  }

  async set(collection: string, id: string, doc: Doc): Promise<void> {
    this.write(collection, id, doc)
  }

  async update(collection: string, id: string, patch: Doc): Promise<void> {
    const current = this.read(collection, id)
    if (!current) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
    this.write(collection, id, { ...current, ...patch })
  }

  async remove(collection: string, id: string): Promise<void> {
    this.write(collection, id, null)
  }

  async query<T extends Doc>(collection: string, q: Query): Promise<QueryPage<T>> {
    if (this.inTransaction > 0) throw new StoreError('QUERY_IN_TRANSACTION', 'query inside a transaction')
    await Promise.resolve()
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > maxQueryLimit) {
      throw new StoreError('INVALID_QUERY', 'limit')
    }
    const field = q.orderBy?.field ?? 'id'
    const sign = q.orderBy?.direction === 'desc' ? -1 : 1
    const order = (a: Doc, b: Doc) =>
      sign * (compare(valueOf(a, field), valueOf(b, field)) || compare(a.id as string, b.id as string))
    let rows = this.all(collection).filter((doc) => (q.where ?? []).every((c) => matches(doc, c)))
    rows.sort(order)
    if (q.after) {
      const [value, id] = JSON.parse(Buffer.from(q.after, 'base64url').toString('utf8')) as [Scalar, string]
      rows = rows.filter((doc) => order(doc, { [field]: value, id }) > 0)
    }
    const items = rows.slice(0, q.limit) as T[]
    const last = items[items.length - 1]
    return {
      items,
      nextCursor:
        rows.length > q.limit && last
          ? Buffer.from(JSON.stringify([valueOf(last, field), last.id])).toString('base64url')
          : null,
    }
  }

  async count(collection: string, where?: Condition[]): Promise<number> {
    return this.all(collection).filter((doc) => (where ?? []).every((c) => matches(doc, c))).length
  }

  async transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    for (let attempt = 1; attempt <= 100; attempt++) {
      this.attempts += 1
      const seen = new Map<string, number | null>()
      const writes = new Map<string, { collection: string; id: string; doc: Doc | null }>()
      const note = (collection: string, id: string) => {
        const k = MemoryStore.key(collection, id)
        if (!seen.has(k)) seen.set(k, this.docs.get(k)?.version ?? null)
      }
      const tx: TxStore = {
        get: async <T extends Doc>(collection: string, id: string) => {
          await Promise.resolve()
          const pending = writes.get(MemoryStore.key(collection, id))
          if (pending) return (pending.doc === null ? null : structuredClone(pending.doc)) as T | null
          note(collection, id)
          return this.read(collection, id) as T | null
        },
        set: async (collection, id, doc) => {
          note(collection, id)
          writes.set(MemoryStore.key(collection, id), { collection, id, doc: { ...doc, id } })
        },
        update: async (collection, id, patch) => {
          const current = await tx.get(collection, id)
          if (!current) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
          writes.set(MemoryStore.key(collection, id), { collection, id, doc: { ...current, ...patch, id } })
        },
        remove: async (collection, id) => {
          note(collection, id)
          writes.set(MemoryStore.key(collection, id), { collection, id, doc: null })
        },
      }
      this.inTransaction += 1
      let result: R
      try {
        result = await fn(tx)
      } finally {
        this.inTransaction -= 1
      }
      const conflict = [...seen].some(([k, version]) => (this.docs.get(k)?.version ?? null) !== version)
      if (!conflict) {
        for (const w of writes.values()) this.write(w.collection, w.id, w.doc)
        return result
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3))
    }
    throw new StoreError('CONFLICT', 'gave up')
  }
}

function valueOf(doc: Doc, field: string): Scalar {
  const value = doc[field]
  return value === undefined ? null : (value as Scalar)
}

function compare(a: Scalar, b: Scalar): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

function matches(doc: Doc, c: Condition): boolean {
  const value = valueOf(doc, c.field)
  switch (c.op) {
    case 'eq':
      return value === c.value
    case 'ne':
      return value !== c.value
    case 'lt':
      return value !== null && compare(value, c.value) < 0
    case 'lte':
      return value !== null && compare(value, c.value) <= 0
    case 'gt':
      return value !== null && compare(value, c.value) > 0
    case 'gte':
      return value !== null && compare(value, c.value) >= 0
    case 'in':
      return c.value.includes(value)
    case 'prefix':
      return typeof value === 'string' && value.startsWith(c.value)
  }
}
