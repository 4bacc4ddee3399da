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
import { checkField, checkLimit, decodeCursor, encodeCursor, jsonDocument, sortValueOf } from '../storeRules'
import { storeSchema, type CollectionSpec } from '../../core/storeSchema'

export type SqliteStore = Store & {
  close(): void
  /** Provisions a collection (the app's are provisioned on open from core/storeSchema.ts). */
  createCollection(name: string): void
  /** Drops a collection and its documents. */
  dropCollection(name: string): void
  /** The docs table's index names (tests check the declared ones exist). */
  indexNames(): string[]
  /** Seeding only: writes many documents in one SQLite transaction. Not part of the Store port. */
  bulkSet(collection: string, docs: Array<Doc & { id: string }>): void
}

type SqlValue = string | number | null
type Row = { id: string; version: string; data: string }

/**
 * One docs table serves every collection; each declared index (core/storeSchema.ts, the same
 * indexes CloudBase gets) is a partial index of its own collection's rows, so a write updates only
 * the indexes of its collection (shared indexes over every collection made each write update all
 * of them: about two thirds of a payment notification's time). Queries name the collection as a
 * literal, which is what lets SQLite's planner use a partial index; expressions are spelled exactly
 * as queries spell them.
 */
function collectionIndexes(schema: readonly CollectionSpec[]): Array<{ name: string; sql: string }> {
  return schema.flatMap((spec) =>
    spec.indexes.map((index) => {
      const fields = index.fields.map((f) => f.field)
      const name = `ix_${collectionLiteralName(spec.name)}_${fields.join('_')}`
      return {
        name,
        sql: `CREATE INDEX IF NOT EXISTS ${name} ON docs (${fields.map(fieldExpr).join(', ')}, id) WHERE collection = ${collectionLiteral(spec.name)}`,
      }
    }),
  )
}

/** Collection names are identifiers (storeSchema, tests' own): anything else never reaches SQL text. */
function collectionLiteralName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name))
    throw new StoreError('INVALID_QUERY', `bad collection name "${name}"`)
  return name
}

function collectionLiteral(name: string): string {
  return `'${collectionLiteralName(name)}'`
}

function fieldExpr(field: string): string {
  if (field === 'id') return 'id'
  return `json_extract(data, '$.${checkField(field)}')`
}

function toSql(value: Scalar): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

class ConflictSignal extends Error {}

export function openSqliteStore(file: string, schema: readonly CollectionSpec[] = storeSchema): SqliteStore {
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
  db.exec('CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY) WITHOUT ROWID')
  const wanted = collectionIndexes(schema)
  // an older file's shared indexes (docs_<fields>) or indexes no longer declared go
  const wantedNames = new Set(wanted.map((index) => index.name))
  const existing = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'docs' AND sql IS NOT NULL",
    )
    .all()
  for (const { name } of existing) if (!wantedNames.has(name)) db.exec(`DROP INDEX IF EXISTS "${name}"`)
  for (const index of wanted) db.exec(index.sql)
  const insertCollection = db.prepare<[string]>('INSERT OR IGNORE INTO collections (name) VALUES (?)')
  db.transaction(() => {
    for (const spec of schema) insertCollection.run(spec.name)
  })()
  // Every handle on the file reads the list when opened: collections are provisioned before use.
  const known = new Set(
    db
      .prepare<[], { name: string }>('SELECT name FROM collections')
      .all()
      .map((r) => r.name),
  )
  const mustExist = (collection: string): void => {
    if (!known.has(collection)) {
      throw new StoreError(
        'COLLECTION_MISSING',
        `collection "${collection}" is not declared in core/storeSchema.ts`,
      )
    }
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

  const serialize = (id: string, doc: Doc): string => JSON.stringify({ ...jsonDocument(doc), id })
  const write = (collection: string, id: string, doc: Doc | null): void => {
    mustExist(collection)
    if (doc === null) deleteOne.run(collection, id)
    else upsert.run(collection, id, randomUUID(), serialize(id, doc))
  }

  const updateNow = db.transaction((collection: string, id: string, patch: Doc) => {
    mustExist(collection)
    const row = selectOne.get(collection, id)
    if (!row) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
    write(collection, id, { ...(JSON.parse(row.data) as Doc), ...patch })
  })

  function buildWhere(collection: string, where: Condition[] = []): { sql: string; params: SqlValue[] } {
    mustExist(collection)
    // a literal, not a parameter: only then can the planner use the collection's partial indexes
    const parts = [`collection = ${collectionLiteral(collection)}`]
    const params: SqlValue[] = []
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

  function query<T extends Doc>(collection: string, q: Query): QueryPage<T> {
    const limit = checkLimit(q)
    const { sql, params } = buildWhere(collection, q.where)
    const sortField = q.orderBy?.field ?? 'id'
    const desc = q.orderBy?.direction === 'desc'
    const s = fieldExpr(sortField)
    let cursorSql = ''
    const cursorParams: SqlValue[] = []
    // After a non-null cursor in descending order the NULLs (sorted last) still follow: read them apart.
    let nullsFollow = false
    if (q.after) {
      const [cursorValue, id] = decodeCursor(q.after)
      const value = toSql(cursorValue)
      // Keyset paging; SQLite sorts NULL first ascending and last descending. Every branch is a plain
      // AND with a range on the sort field, so the index bounds the scan: a cursor with an OR in it
      // made SQLite read each page from the start of the range (quadratic over a long export).
      if (value === null) {
        cursorSql = desc ? ` AND ${s} IS NULL AND id < ?` : ` AND (${s} IS NOT NULL OR id > ?)`
        cursorParams.push(id)
      } else if (!desc) {
        cursorSql = ` AND ${s} >= ? AND (${s} > ? OR id > ?)`
        cursorParams.push(value, value, id)
      } else {
        cursorSql = ` AND ${s} <= ? AND (${s} < ? OR id < ?)`
        cursorParams.push(value, value, id)
        nullsFollow = true
      }
    }
    const dir = desc ? 'DESC' : 'ASC'
    const select = (extra: string, extraParams: SqlValue[], max: number) =>
      db
        .prepare<SqlValue[], { id: string; data: string }>(
          `SELECT id, data FROM docs WHERE ${sql}${extra} ORDER BY ${s} ${dir}, id ${dir} LIMIT ?`,
        )
        .all(...params, ...extraParams, max)
    let rows = select(cursorSql, cursorParams, limit + 1)
    if (nullsFollow && rows.length <= limit)
      rows = rows.concat(select(` AND ${s} IS NULL`, [], limit + 1 - rows.length))
    const page = rows.slice(0, limit)
    const last = page[page.length - 1]
    const items = page.map((r) => JSON.parse(r.data) as T)
    const lastItem = items[items.length - 1]
    return {
      items,
      // the cursor carries the JSON value (a boolean stays a boolean), as the CloudBase adapter's does
      nextCursor:
        rows.length > limit && last && lastItem
          ? encodeCursor(sortField === 'id' ? last.id : sortValueOf(lastItem, sortField), last.id)
          : null,
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
          mustExist(collection)
          const k = key(collection, id)
          const pending = writes.get(k)
          if (pending) return pending.doc === null ? null : (cloneDoc(pending.doc) as T)
          const row = selectOne.get(collection, id)
          if (!reads.has(k)) reads.set(k, row?.version ?? null)
          return row ? (JSON.parse(row.data) as T) : null
        },
        async set(collection, id, doc) {
          assertOpen()
          mustExist(collection)
          writes.set(key(collection, id), { collection, id, doc: { ...jsonDocument(doc), id } })
        },
        async update(collection, id, patch) {
          const current = await tx.get(collection, id)
          if (!current) throw new StoreError('NOT_FOUND', `${collection}/${id} does not exist`)
          writes.set(key(collection, id), { collection, id, doc: { ...current, ...jsonDocument(patch), id } })
        },
        async remove(collection, id) {
          assertOpen()
          mustExist(collection)
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
      mustExist(collection)
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
      mustExist(collection)
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
    createCollection(name) {
      insertCollection.run(collectionLiteralName(name))
      known.add(name)
    },
    dropCollection(name) {
      db.prepare<[string]>('DELETE FROM docs WHERE collection = ?').run(name)
      db.prepare<[string]>('DELETE FROM collections WHERE name = ?').run(name)
      known.delete(name)
    },
    indexNames() {
      return db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'docs'",
        )
        .all()
        .map((r) => r.name)
    },
    close() {
      db.close()
    },
  }
}
