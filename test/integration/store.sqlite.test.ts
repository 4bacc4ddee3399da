import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { collections } from '../../cloudfunctions/core/documents'
import { describeStoreContract } from './storeContract'

const dir = mkdtempSync(join(tmpdir(), 'etc-store-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeStoreContract('sqlite (better-sqlite3, WAL file)', async () => {
  const store = openSqliteStore(join(dir, 'contract.db'))
  return {
    store,
    async createCollection(name) {
      store.createCollection(name)
    },
    async dropCollections(names) {
      for (const name of names) store.dropCollection(name)
    },
    close: () => store.close(),
  }
})

test('two handles on the same file see each other and detect conflicts', async () => {
  const file = join(dir, 'shared.db')
  const one = openSqliteStore(file)
  const two = openSqliteStore(file)
  const c = collections.meta
  try {
    await one.set(c, 'k', { v: 1 })
    expect(await two.get(c, 'k')).toMatchObject({ v: 1 })
    let attempts = 0
    await one.transaction(async (tx) => {
      attempts += 1
      const doc = await tx.get<{ v: number }>(c, 'k')
      // another process writes between our read and our commit, once
      if (attempts === 1) await two.set(c, 'k', { v: 100 })
      await tx.set(c, 'k', { v: (doc?.v ?? 0) + 1 })
    })
    expect(attempts).toBe(2)
    expect(await two.get(c, 'k')).toMatchObject({ v: 101 })
  } finally {
    one.close()
    two.close()
  }
})

test('the app collections and their declared indexes exist as soon as the file is opened', async () => {
  const store = openSqliteStore(join(dir, 'schema.db'))
  try {
    for (const name of Object.values(collections)) expect(await store.count(name)).toBe(0)
    // every declared index is there, one per collection, named after it and its fields
    const names = store.indexNames()
    expect(names).toContain('ix_vehicles_accountId_scope_cardStatus_plate')
    expect(names).toContain('ix_accounts_loginPhoneHash_userType')
    expect(names).toContain('ix_rechargeOrders_accountId_createdAt')
    expect(names.filter((name) => name.startsWith('docs_'))).toEqual([])
  } finally {
    store.close()
  }
})

test('a query uses its collection’s own partial index, and a write touches only that collection’s indexes', () => {
  const file = join(dir, 'plan.db')
  const store = openSqliteStore(file)
  store.close()
  const db = new Database(file, { readonly: true })
  try {
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM docs WHERE collection = 'vehicles' AND json_extract(data, '$.accountId') = ? AND json_extract(data, '$.scope') = ? ORDER BY json_extract(data, '$.plate'), id`,
      )
      .all('acc-1', 'current') as Array<{ detail: string }>
    expect(plan.map((row) => row.detail).join(' | ')).toMatch(
      /USING (COVERING )?INDEX ix_vehicles_accountId_scope_/,
    )
    // the ledger's indexes are partial on its own rows: a vehicle write never updates them
    const ledgerIndexes = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_ledgerTransfers_%'")
      .all() as Array<{ sql: string }>
    expect(ledgerIndexes.length).toBeGreaterThan(0)
    for (const { sql } of ledgerIndexes) expect(sql).toContain("WHERE collection = 'ledgerTransfers'")
  } finally {
    db.close()
  }
})

test('an older file’s shared indexes are replaced by the per-collection ones on open', () => {
  const file = join(dir, 'older.db')
  const old = new Database(file)
  old.exec(
    `CREATE TABLE docs (collection TEXT NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID`,
  )
  old.exec(
    `CREATE INDEX docs_accountId_createdAt ON docs (collection, json_extract(data, '$.accountId'), json_extract(data, '$.createdAt'), id)`,
  )
  old.close()
  const store = openSqliteStore(file)
  try {
    expect(store.indexNames()).not.toContain('docs_accountId_createdAt')
    expect(store.indexNames()).toContain('ix_rechargeOrders_accountId_createdAt')
  } finally {
    store.close()
  }
})
