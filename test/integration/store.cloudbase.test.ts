/**
 * The CloudBase adapter through the real wx-server-sdk, with the CloudBase emulator under the
 * SDK's request function (both conflict modes), and against a real environment when one is
 * configured (CLOUDBASE_ENV, CLOUDBASE_SECRET_ID, CLOUDBASE_SECRET_KEY).
 */
import {
  createCloudbaseStore,
  type CloudbaseDatabase,
} from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { collections } from '../../cloudfunctions/core/documents'
import type { ConflictMode } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedDatabase, wxServerSdk } from '../../tools/cloudbase-emulator/install'
import { describeStoreContract } from './storeContract'

for (const conflictMode of ['write', 'commit'] as const) {
  describeStoreContract(
    `cloudbase through wx-server-sdk on the emulator (conflicts at ${conflictMode})`,
    async () => {
      const { emulator, database } = openEmulatedDatabase({ conflictMode })
      return {
        store: createCloudbaseStore(database),
        async createCollection(name) {
          // the SDK's own call, so the emulator sees what a real environment would
          await database.createCollection(name)
        },
        async dropCollections(names) {
          for (const name of names) emulator.dropCollection(name)
        },
      }
    },
  )
}

const realEnv = process.env.CLOUDBASE_ENV
const secretId = process.env.CLOUDBASE_SECRET_ID
const secretKey = process.env.CLOUDBASE_SECRET_KEY
if (realEnv && secretId && secretKey) {
  describeStoreContract(`cloudbase (real environment ${realEnv})`, async () => {
    const cloud = wxServerSdk() as ReturnType<typeof wxServerSdk> & {
      init(options: { env: string; secretId: string; secretKey: string }): void
    }
    cloud.init({ env: realEnv, secretId, secretKey })
    const database = cloud.database({ throwOnNotFound: false }) as CloudbaseDatabase
    const { managerAdmin } = await import('../../tools/cloudbase/collectionAdmin')
    const { dropCollections } = await import('../../tools/cloudbase/provision')
    const admin = managerAdmin({ envId: realEnv, secretId, secretKey })
    return {
      store: createCloudbaseStore(database),
      async createCollection(name) {
        await database.createCollection(name)
      },
      async dropCollections(names) {
        await dropCollections(admin, names)
      },
    }
  })
} else {
  // Not a skip: the emulator suites above run the same contract through the real SDK.
  test('a real CloudBase environment is not configured here (the emulator suites cover the SDK path)', () => {
    console.log(
      'store.cloudbase: set CLOUDBASE_ENV, CLOUDBASE_SECRET_ID and CLOUDBASE_SECRET_KEY to also run the contract against a real environment.',
    )
    expect(realEnv && secretId && secretKey).toBeFalsy()
  })
}

describe('cloudbase adapter: what the SDK hides', () => {
  const world = (
    conflictMode: ConflictMode = 'write',
    options: Parameters<typeof createCloudbaseStore>[1] = {},
  ) => {
    const { emulator, database } = openEmulatedDatabase({ conflictMode })
    emulator.createCollection(collections.meta)
    const slept: number[] = []
    const store = createCloudbaseStore(database, {
      backoff: async (attempt) => {
        slept.push(attempt)
      },
      ...options,
    })
    return { emulator, database, store, slept }
  }

  test('a conflict on the write call arrives as errCode -501001 and is still retried, with backoff', async () => {
    const { emulator, store, slept } = world('write')
    await store.set(collections.meta, 'c', { v: 0 })
    emulator.failNext('database.modifyDocument', 'DATABASE_TRANSACTION_CONFLICT', 'Transaction is conflict')
    let attempts = 0
    await store.transaction(async (tx) => {
      attempts += 1
      const doc = await tx.get<{ v: number }>(collections.meta, 'c')
      await tx.set(collections.meta, 'c', { v: (doc?.v ?? 0) + 1 })
    })
    expect(attempts).toBe(2)
    expect(slept).toEqual([1])
    expect(await store.get(collections.meta, 'c')).toMatchObject({ v: 1 })
  })

  test('a conflict at commit carries its code and is retried; the first attempt leaves nothing behind', async () => {
    const { emulator, store, slept } = world('commit')
    emulator.failNext(
      'database.commitTransaction',
      'DATABASE_TRANSACTION_CONFLICT',
      'Transaction is conflict',
    )
    let attempts = 0
    await store.transaction(async (tx) => {
      attempts += 1
      // the first attempt writes a document the second does not: it must not survive
      if (attempts === 1) await tx.set(collections.meta, 'only-first', { v: 1 })
      await tx.set(collections.meta, 'every', { attempts })
    })
    expect(attempts).toBe(2)
    expect(slept).toEqual([1])
    expect(await store.get(collections.meta, 'only-first')).toBeNull()
    expect(await store.get(collections.meta, 'every')).toMatchObject({ attempts: 2 })
  })

  test('retries are bounded: CONFLICT after the attempts are spent, with growing backoff between them', async () => {
    const { emulator, store, slept } = world('commit', { maxAttempts: 4 })
    for (let i = 0; i < 4; i++)
      emulator.failNext('database.commitTransaction', 'DATABASE_TRANSACTION_CONFLICT', 'conflict')
    let attempts = 0
    await expect(
      store.transaction(async (tx) => {
        attempts += 1
        await tx.set(collections.meta, 'x', { v: attempts })
      }),
    ).rejects.toMatchObject({ name: 'StoreError', code: 'CONFLICT' })
    expect(attempts).toBe(4)
    expect(slept).toEqual([1, 2, 3])
    expect(await store.get(collections.meta, 'x')).toBeNull()
  })

  test('errors are classified by code: a message that mentions a transaction is not a conflict', async () => {
    const { emulator, store } = world()
    emulator.failNext(
      'database.getDocument',
      'DATABASE_REQUEST_FAILED',
      'TRANSACTION log is full; conflict with quota',
    )
    const failure = await store.get(collections.meta, 'x').catch((error: unknown) => error)
    expect(failure).not.toMatchObject({ code: 'CONFLICT' })
    expect(failure).toBeInstanceOf(Error)
    // and a failing commit whose outcome is unknown is never retried (it could apply twice)
    emulator.failNext('database.commitTransaction', 'SYS_ERR', 'transaction conflict? timeout')
    let attempts = 0
    await expect(
      store.transaction(async (tx) => {
        attempts += 1
        await tx.set(collections.meta, 'y', { v: 1 })
      }),
    ).rejects.not.toMatchObject({ code: 'CONFLICT' })
    expect(attempts).toBe(1)
  })

  test('"database collection not exists" is a missing collection, not a missing document', async () => {
    const { emulator, store } = world()
    emulator.failNext(
      'database.getDocument',
      'DATABASE_COLLECTION_NOT_EXIST',
      'database collection not exists',
    )
    await expect(store.get(collections.meta, 'x')).rejects.toMatchObject({ code: 'COLLECTION_MISSING' })
  })

  test('a missing document is null through throwOnNotFound: false, in and out of transactions', async () => {
    const { store } = world()
    expect(await store.get(collections.meta, 'nope')).toBeNull()
    expect(await store.transaction((tx) => tx.get(collections.meta, 'nope'))).toBeNull()
  })

  test('a page asks the SDK for limit + 1 and one request, never the SDK default of 100', async () => {
    const { emulator, store } = world()
    for (let i = 0; i < 5; i++) await store.set(collections.meta, `k${i}`, { i })
    emulator.resetStats()
    const page = await store.query(collections.meta, { limit: 2 })
    expect(page.items).toHaveLength(2)
    expect(page.nextCursor).not.toBeNull()
    expect(emulator.stats.byAction).toEqual({ 'database.getDocument': 1 })
  })
})
