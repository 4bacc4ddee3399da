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
    // every declared index is there, named after its fields
    const names = store.indexNames()
    expect(names).toContain('docs_accountId_scope_cardStatus_plate')
    expect(names).toContain('docs_loginPhoneHash_userType')
  } finally {
    store.close()
  }
})
