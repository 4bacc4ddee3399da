import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
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
import {
  cloneDoc,
  conflictBackoff,
  maxTransactionAttempts,
  refuseQueryInTransaction,
  runInTransactionContext,
} from '../transactionContext'

export type SqliteStore = Store & {
  close(): void
  /** Seeding only: writes many documents in one SQLite transaction. Not part of the Store port. */
  bulkSet(collection: string, docs: Array<Doc & { id: string }>): void
}

type SqlValue = string | number | null
type Row = { id: string; version: string; data: string }

/**
 * Fields that lists filter and sort on. One docs table serves every collection, so each index
 * leads with the collection and the expressions must be spelled exactly as queries spell them.
 */
const indexedFieldLists = [
  ['accountId', 'scope', 'plate'],
  ['accountId', 'exitAt'],
  ['accountId', 'cardType', 'status'],
  // ETC management lists: vehicles by card status, cards per tab, tags by status, status-list records.
  ['accountId', 'scope', 'cardStatus', 'plate'],
  ['accountId', 'type', 'status', 'issuedAt'],
  ['accountId', 'status', 'issuedAt'],
  ['cardId', 'startAt'],
  ['loginPhoneHash'],
  // account lookups at login and binding: by ID number, by reserved phone, a principal's sessions
  ['idNumberHash'],
  ['reservedPhoneHash'],
  ['principalId'],
  ['vehicleId'],
  ['cardId'],
  ['plate'],
  ['sentAt'],
  ['exitAt'],
]

const fieldPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

function fieldExpr(field: string): string {
  if (field === 'id') return 'id'
  if (!fieldPattern.test(field)) throw new StoreError('INVALID_QUERY', `invalid field name: ${field}`)
  return `json_extract(data, '$.${field}')`
}

function toSql(value: Scalar): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

class ConflictSignal extends Error {}

export function openSqliteStore(file: string): SqliteStore {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.exec(`CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    version TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID`)
  for (const fields of indexedFieldLists) {
    const name = `docs_${fields.join('_')}`
    db.exec(
      `CREATE INDEX IF NOT EXISTS ${name} ON docs (collection, ${fields.map(fieldExpr).join(', ')}, id)`,
    )
  }

  const selectOne = db.prepare<[string, string], Row>(
    'SELECT id, version, data FROM docs WHERE collection = ? AND id = ?',
  )
  const selectVersion = db.prepare<[string, string], { version: string }>(
    'SELECT version FROM docs WHERE collection = ? AND id = ?',
  )
  const upsert = db.prepare<[string, string, string, string]>(
    `INSERT INTO docs (collection, id, version, data) VALUES (?, ?, ?, ?)
     ON CONFLICT (collection, id) DO UPDATE SET version = excluded.version, data = excluded.data`,
  )
  const deleteOne = db.prepare<[string, string]>('DELETE FROM docs WHERE collection = ? AND id = ?')

  const serialize = (id: string, doc: Doc): string => JSON.stringify({ ...doc, id })
  const write = (collection: string, id: string, doc: Doc | null): void => {
    if (doc === null) deleteOne.run(collection, id)
    else upsert.run(collection, id, randomUUID(), serialize(id, doc))
  }

  const updateNow = db.transaction((collection: string, id: string, patch: Doc) => {
    const row = selectOne.get(collection, id)
    if (!row) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
    write(collection, id, { ...(JSON.parse(row.data) as Doc), ...patch })
  })

  function buildWhere(collection: string, where: Condition[] = []): { sql: string; params: SqlValue[] } {
    const parts = ['collection = ?']
    const params: SqlValue[] = [collection]
    for (const c of where) {
      const f = fieldExpr(c.field)
      switch (c.op) {
        case 'eq':
          if (c.value === null) {
            parts.push(`${f} IS NULL`)
          } else {
            parts.push(`${f} = ?`)
            params.push(toSql(c.value))
          }
          break
        case 'ne':
          if (c.value === null) {
            parts.push(`${f} IS NOT NULL`)
          } else {
            // A missing field is "not equal", as in CloudBase (MongoDB $ne).
            parts.push(`(${f} IS NULL OR ${f} != ?)`)
            params.push(toSql(c.value))
          }
          break
        case 'lt':
        case 'lte':
        case 'gt':
        case 'gte': {
          if (c.value === null) throw new StoreError('INVALID_QUERY', `${c.op} null is meaningless`)
          const sqlOp = { lt: '<', lte: '<=', gt: '>', gte: '>=' }[c.op]
          parts.push(`${f} ${sqlOp} ?`)
          params.push(toSql(c.value))
          break
        }
        case 'in': {
          const values = c.value.filter((v) => v !== null)
          const alternatives: string[] = []
          if (values.length > 0) alternatives.push(`${f} IN (${values.map(() => '?').join(', ')})`)
          if (values.length !== c.value.length) alternatives.push(`${f} IS NULL`)
          parts.push(alternatives.length > 0 ? `(${alternatives.join(' OR ')})` : '0')
          params.push(...values.map(toSql))
          break
        }
        case 'prefix':
          // The range lets SQLite use the index; substr makes the match exact.
          parts.push(`(${f} >= ? AND substr(${f}, 1, ?) = ?)`)
          params.push(c.value, Array.from(c.value).length, c.value)
          break
        default:
          throw new StoreError('INVALID_QUERY', 'unknown condition')
      }
    }
    return { sql: parts.join(' AND '), params }
  }

  function decodeCursor(cursor: string): [SqlValue, string] {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      if (
        Array.isArray(parsed) &&
        parsed.length === 2 &&
        typeof parsed[1] === 'string' &&
        (parsed[0] === null || typeof parsed[0] === 'string' || typeof parsed[0] === 'number')
      ) {
        return [parsed[0], parsed[1]]
      }
    } catch {
      // fall through: any undecodable cursor is the caller's mistake
    }
    throw new StoreError('INVALID_QUERY', 'invalid cursor')
  }

  function encodeCursor(value: SqlValue, id: string): string {
    return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url')
  }

  function query<T extends Doc>(collection: string, q: Query): QueryPage<T> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000) {
      throw new StoreError('INVALID_QUERY', 'limit must be an integer from 1 to 1000')
    }
    const { sql, params } = buildWhere(collection, q.where)
    const sortField = q.orderBy?.field ?? 'id'
    const desc = q.orderBy?.direction === 'desc'
    const s = fieldExpr(sortField)
    let cursorSql = ''
    if (q.after) {
      const [value, id] = decodeCursor(q.after)
      // Keyset paging; SQLite sorts NULL first ascending and last descending.
      if (!desc) {
        cursorSql =
          value === null
            ? ` AND ((${s} IS NULL AND id > ?) OR ${s} IS NOT NULL)`
            : ` AND (${s} > ? OR (${s} = ? AND id > ?))`
      } else {
        cursorSql =
          value === null
            ? ` AND (${s} IS NULL AND id < ?)`
            : ` AND (${s} < ? OR ${s} IS NULL OR (${s} = ? AND id < ?))`
      }
      params.push(...(value === null ? [id] : [value, value, id]))
    }
    const dir = desc ? 'DESC' : 'ASC'
    const rows = db
      .prepare<SqlValue[], { id: string; data: string; sortValue: SqlValue }>(
        `SELECT id, data, ${s} AS sortValue FROM docs WHERE ${sql}${cursorSql} ORDER BY ${s} ${dir}, id ${dir} LIMIT ?`,
      )
      .all(...params, q.limit + 1)
    const page = rows.slice(0, q.limit)
    const last = page[page.length - 1]
    return {
      items: page.map((r) => JSON.parse(r.data) as T),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null,
    }
  }

  async function transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const reads = new Map<string, string | null>()
      const writes = new Map<string, { collection: string; id: string; doc: Doc | null }>()
      let open = true
      const key = (collection: string, id: string) => `${collection}\u0000${id}`
      const assertOpen = () => {
        if (!open) throw new Error('transaction already finished')
      }
      const tx: TxStore & Pick<Store, 'query' | 'count'> = {
        async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
          assertOpen()
          const k = key(collection, id)
          const pending = writes.get(k)
          if (pending) return pending.doc === null ? null : (cloneDoc(pending.doc) as T)
          const row = selectOne.get(collection, id)
          if (!reads.has(k)) reads.set(k, row?.version ?? null)
          return row ? (JSON.parse(row.data) as T) : null
        },
        async set(collection, id, doc) {
          assertOpen()
          writes.set(key(collection, id), { collection, id, doc: { ...cloneDoc(doc), id } })
        },
        async update(collection, id, patch) {
          const current = await tx.get(collection, id)
          if (!current) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
          writes.set(key(collection, id), { collection, id, doc: { ...current, ...cloneDoc(patch), id } })
        },
        async remove(collection, id) {
          assertOpen()
          writes.set(key(collection, id), { collection, id, doc: null })
        },
        query() {
          throw new StoreError('QUERY_IN_TRANSACTION', 'query is not allowed inside a transaction')
        },
        count() {
          throw new StoreError('QUERY_IN_TRANSACTION', 'count is not allowed inside a transaction')
        },
      }
      let result: R
      try {
        result = await runInTransactionContext(() => fn(tx))
      } finally {
        open = false
      }
      try {
        commit(reads, writes)
        return result
      } catch (error) {
        if (!(error instanceof ConflictSignal)) throw error
        if (attempt >= maxTransactionAttempts) {
          throw new StoreError('CONFLICT', `transaction gave up after ${attempt} conflicting attempts`)
        }
        await conflictBackoff(attempt)
      }
    }
  }

  const commit = db
    .transaction(
      (
        reads: Map<string, string | null>,
        writes: Map<string, { collection: string; id: string; doc: Doc | null }>,
      ) => {
        for (const [k, version] of reads) {
          const [collection, id] = k.split('\u0000')
          if ((selectVersion.get(collection, id)?.version ?? null) !== version) throw new ConflictSignal()
        }
        for (const w of writes.values()) write(w.collection, w.id, w.doc)
      },
    )
    .immediate.bind(null)

  const bulk = db.transaction((collection: string, docs: Array<Doc & { id: string }>) => {
    for (const doc of docs) write(collection, doc.id, doc)
  })

  return {
    async get<T extends Doc>(collection: string, id: string) {
      const row = selectOne.get(collection, id)
      return row ? (JSON.parse(row.data) as T) : null
    },
    async set(collection, id, doc) {
      write(collection, id, doc)
    },
    async update(collection, id, patch) {
      updateNow(collection, id, patch)
    },
    async remove(collection, id) {
      deleteOne.run(collection, id)
    },
    async query<T extends Doc>(collection: string, q: Query) {
      refuseQueryInTransaction('query')
      return query<T>(collection, q)
    },
    async count(collection, where) {
      refuseQueryInTransaction('count')
      const { sql, params } = buildWhere(collection, where)
      const row = db
        .prepare<SqlValue[], { n: number }>(`SELECT count(*) AS n FROM docs WHERE ${sql}`)
        .get(...params)
      return row?.n ?? 0
    },
    transaction,
    bulkSet(collection, docs) {
      bulk(collection, docs)
    },
    close() {
      db.close()
    },
  }
}
