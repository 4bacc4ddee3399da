import { randomBytes } from 'node:crypto'
import { StoreError, maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'

type Item = Doc & { id: string; n: number; group: string; name: string; flag: boolean; maybe: string | null }

/** What the contract needs of a backend besides the Store: collections made and dropped for its tests. */
export interface ContractBackend {
  store: Store
  /** Provisions one collection, as `npm run cloudbase:provision` would. */
  createCollection(name: string): Promise<void>
  /** Drops what the run created (a real environment keeps nothing behind). */
  dropCollections(names: string[]): Promise<void>
  close?(): Promise<void> | void
}

/** The behaviour every Store adapter must honour; run by each adapter's test file. */
export function describeStoreContract(name: string, makeBackend: () => Promise<ContractBackend>): void {
  describe(`Store contract: ${name}`, () => {
    let backend: ContractBackend
    let store: Store
    let collection: string
    let counter = 0
    // One prefix per run: on a shared environment the run's collections are found and dropped by it.
    const prefix = `contract_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
    const created: string[] = []

    beforeAll(async () => {
      backend = await makeBackend()
      store = backend.store
    })
    afterAll(async () => {
      await backend?.dropCollections(created)
      await backend?.close?.()
    })
    beforeEach(async () => {
      counter += 1
      // A fresh collection per test keeps tests independent on a shared backend.
      collection = `${prefix}_${counter}`
      await backend.createCollection(collection)
      created.push(collection)
    })

    const items = (count: number): Item[] =>
      Array.from({ length: count }, (_, i) => ({
        id: `item-${String(i).padStart(4, '0')}`,
        n: i % 10,
        group: i % 3 === 0 ? 'a' : i % 3 === 1 ? 'b' : 'c',
        name: `浙${String.fromCharCode(65 + (i % 5))}${String(i).padStart(5, '0')}`,
        flag: i % 2 === 0,
        maybe: i % 4 === 0 ? null : `m${i}`,
      }))
    const seed = async (docs: Item[]) => {
      for (const doc of docs) await store.set(collection, doc.id, doc)
    }

    test('get, set, update and remove by id', async () => {
      expect(await store.get(collection, 'x')).toBeNull()
      await store.set(collection, 'x', { a: 1, nested: { b: 2 } })
      expect(await store.get(collection, 'x')).toMatchObject({ id: 'x', a: 1, nested: { b: 2 } })
      await store.update(collection, 'x', { nested: { c: 3 }, d: 'new' })
      // update replaces top-level fields whole
      expect(await store.get(collection, 'x')).toMatchObject({ a: 1, nested: { c: 3 }, d: 'new' })
      expect((await store.get<Doc>(collection, 'x'))?.nested).toEqual({ c: 3 })
      await store.set(collection, 'x', { z: true })
      const replaced = await store.get<Doc>(collection, 'x')
      expect(replaced?.a).toBeUndefined()
      expect(replaced?.z).toBe(true)
      await store.remove(collection, 'x')
      expect(await store.get(collection, 'x')).toBeNull()
      await expect(store.update(collection, 'x', { a: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    })

    test('every condition op', async () => {
      const docs = items(30)
      await seed(docs)
      const ids = async (where: Parameters<Store['count']>[1]) =>
        (await store.query<Item>(collection, { where, limit: 100 })).items.map((d) => d.id).sort()
      const expectIds = (pred: (d: Item) => boolean) =>
        docs
          .filter(pred)
          .map((d) => d.id)
          .sort()
      expect(await ids([{ field: 'group', op: 'eq', value: 'a' }])).toEqual(expectIds((d) => d.group === 'a'))
      expect(await ids([{ field: 'group', op: 'ne', value: 'a' }])).toEqual(expectIds((d) => d.group !== 'a'))
      expect(await ids([{ field: 'n', op: 'lt', value: 3 }])).toEqual(expectIds((d) => d.n < 3))
      expect(await ids([{ field: 'n', op: 'lte', value: 3 }])).toEqual(expectIds((d) => d.n <= 3))
      expect(await ids([{ field: 'n', op: 'gt', value: 7 }])).toEqual(expectIds((d) => d.n > 7))
      expect(await ids([{ field: 'n', op: 'gte', value: 7 }])).toEqual(expectIds((d) => d.n >= 7))
      expect(await ids([{ field: 'n', op: 'in', value: [1, 5] }])).toEqual(
        expectIds((d) => [1, 5].includes(d.n)),
      )
      expect(await ids([{ field: 'name', op: 'prefix', value: '浙B' }])).toEqual(
        expectIds((d) => d.name.startsWith('浙B')),
      )
      expect(await ids([{ field: 'flag', op: 'eq', value: true }])).toEqual(expectIds((d) => d.flag))
      expect(await ids([{ field: 'maybe', op: 'eq', value: null }])).toEqual(
        expectIds((d) => d.maybe === null),
      )
      expect(
        await ids([
          { field: 'group', op: 'eq', value: 'b' },
          { field: 'n', op: 'gte', value: 4 },
        ]),
      ).toEqual(expectIds((d) => d.group === 'b' && d.n >= 4))
      expect(await store.count(collection, [{ field: 'group', op: 'eq', value: 'c' }])).toBe(
        docs.filter((d) => d.group === 'c').length,
      )
      expect(await store.count(collection)).toBe(30)
    })

    test('sorts both ways with id as tie-break', async () => {
      const docs = items(25)
      await seed(docs)
      const byN = (dir: 1 | -1) => (a: Item, b: Item) => dir * (a.n - b.n) || dir * a.id.localeCompare(b.id)
      for (const direction of ['asc', 'desc'] as const) {
        const page = await store.query<Item>(collection, { orderBy: { field: 'n', direction }, limit: 100 })
        expect(page.items.map((d) => d.id)).toEqual(
          [...docs].sort(byN(direction === 'asc' ? 1 : -1)).map((d) => d.id),
        )
        expect(page.nextCursor).toBeNull()
      }
    })

    test('cursor paging over 250 documents has no gaps or repeats', async () => {
      const docs = items(250)
      await seed(docs)
      for (const direction of ['asc', 'desc'] as const) {
        const seen: string[] = []
        let after: string | undefined
        let pages = 0
        do {
          const page = await store.query<Item>(collection, {
            where: [{ field: 'n', op: 'gte', value: 0 }],
            orderBy: { field: 'n', direction },
            limit: 23,
            after,
          })
          seen.push(...page.items.map((d) => d.id))
          after = page.nextCursor ?? undefined
          pages += 1
        } while (after && pages < 100)
        expect(seen).toHaveLength(250)
        expect(new Set(seen).size).toBe(250)
        const sorted = [...docs].sort((a, b) => a.n - b.n || a.id.localeCompare(b.id)).map((d) => d.id)
        expect(seen).toEqual(direction === 'asc' ? sorted : sorted.reverse())
      }
    })

    test('a malformed cursor is refused as an invalid query', async () => {
      await seed(items(3))
      await expect(store.query(collection, { limit: 2, after: 'not-a-cursor' })).rejects.toBeInstanceOf(
        StoreError,
      )
    })

    test('read-your-writes inside a transaction, invisible outside until commit', async () => {
      await store.set(collection, 'acc', { balance: 10 })
      let outsideDuring: Doc | null = null
      await store.transaction(async (tx) => {
        await tx.update(collection, 'acc', { balance: 15 })
        expect(await tx.get(collection, 'acc')).toMatchObject({ balance: 15 })
        await tx.set(collection, 'new', { v: 1 })
        expect(await tx.get(collection, 'new')).toMatchObject({ v: 1 })
        await tx.remove(collection, 'new')
        expect(await tx.get(collection, 'new')).toBeNull()
        outsideDuring = await store.get(collection, 'acc')
      })
      expect(outsideDuring).toMatchObject({ balance: 10 })
      expect(await store.get(collection, 'acc')).toMatchObject({ balance: 15 })
      expect(await store.get(collection, 'new')).toBeNull()
    })

    test('nothing is written when fn throws', async () => {
      await store.set(collection, 'acc', { balance: 10 })
      await expect(
        store.transaction(async (tx) => {
          await tx.update(collection, 'acc', { balance: 99 })
          await tx.set(collection, 'other', { v: 1 })
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await store.get(collection, 'acc')).toMatchObject({ balance: 10 })
      expect(await store.get(collection, 'other')).toBeNull()
    })

    test('20 concurrent increments lose no update', async () => {
      await store.set(collection, 'counter', { value: 0 })
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transaction(async (tx) => {
            const doc = await tx.get<{ value: number }>(collection, 'counter')
            // yield so the transactions really interleave
            await new Promise((resolve) => setTimeout(resolve, 1))
            await tx.set(collection, 'counter', { value: (doc?.value ?? 0) + 1 })
          }),
        ),
      )
      expect(await store.get(collection, 'counter')).toMatchObject({ value: 20 })
    })

    test('concurrent transfers keep the sum', async () => {
      await store.set(collection, 'a', { balance: 1000 })
      await store.set(collection, 'b', { balance: 1000 })
      const transfer = (from: string, to: string, amount: number) =>
        store.transaction(async (tx) => {
          const src = await tx.get<{ balance: number }>(collection, from)
          const dst = await tx.get<{ balance: number }>(collection, to)
          if (!src || !dst) throw new Error('missing')
          await new Promise((resolve) => setTimeout(resolve, 0))
          await tx.update(collection, from, { balance: src.balance - amount })
          await tx.update(collection, to, { balance: dst.balance + amount })
        })
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          i % 2 === 0 ? transfer('a', 'b', 7 + i) : transfer('b', 'a', 3 + i),
        ),
      )
      const a = await store.get<{ balance: number }>(collection, 'a')
      const b = await store.get<{ balance: number }>(collection, 'b')
      expect((a?.balance ?? 0) + (b?.balance ?? 0)).toBe(2000)
      const expectedA =
        1000 -
        [0, 2, 4, 6, 8, 10, 12, 14].reduce((s, i) => s + 7 + i, 0) +
        [1, 3, 5, 7, 9, 11, 13, 15].reduce((s, i) => s + 3 + i, 0)
      expect(a?.balance).toBe(expectedA)
    })

    test('a collection that was never provisioned is a typed deployment error, not a missing document', async () => {
      const missing = `${prefix}_never_created`
      for (const call of [
        () => store.get(missing, 'x'),
        () => store.set(missing, 'x', { v: 1 }),
        () => store.query(missing, { limit: 1 }),
        () => store.count(missing),
        () => store.transaction(async (tx) => tx.get(missing, 'x')),
        () => store.transaction(async (tx) => tx.set(missing, 'x', { v: 1 })),
      ]) {
        await expect(call()).rejects.toMatchObject({ code: 'COLLECTION_MISSING' })
      }
    })

    test('limit must be an integer from 1 to maxQueryLimit', async () => {
      await seed(items(3))
      for (const limit of [0, -1, 1.5, maxQueryLimit + 1, 1000, Number.NaN]) {
        await expect(store.query(collection, { limit })).rejects.toMatchObject({ code: 'INVALID_QUERY' })
      }
      expect((await store.query(collection, { limit: maxQueryLimit })).items).toHaveLength(3)
    })

    test('documents are JSON: a Date or a non-finite number is refused and nothing is written', async () => {
      for (const bad of [
        { at: new Date() },
        { n: Number.NaN },
        { n: Infinity },
        { nested: { at: new Date() } },
      ]) {
        await expect(store.set(collection, 'bad', bad)).rejects.toMatchObject({ code: 'INVALID_DOCUMENT' })
        await expect(store.transaction(async (tx) => tx.set(collection, 'bad', bad))).rejects.toMatchObject({
          code: 'INVALID_DOCUMENT',
        })
      }
      expect(await store.get(collection, 'bad')).toBeNull()
      await store.set(collection, 'ok', { a: undefined, b: 1 })
      expect(await store.get(collection, 'ok')).toEqual({ id: 'ok', b: 1 })
    })

    test('null and missing sort values page without gaps, first ascending and last descending', async () => {
      const docs = Array.from({ length: 40 }, (_, i) => {
        const doc: Doc & { id: string } = { id: `d${String(i).padStart(2, '0')}` }
        if (i % 5 === 1) doc.rank = null
        else if (i % 5 !== 2) doc.rank = `r${i % 7}`
        return doc
      })
      for (const doc of docs) await store.set(collection, doc.id, doc)
      const rankOf = (d: Doc) => (typeof d.rank === 'string' ? d.rank : null)
      const expected = [...docs].sort((a, b) => {
        const ra = rankOf(a)
        const rb = rankOf(b)
        if (ra === rb) return a.id < b.id ? -1 : 1
        if (ra === null) return -1
        if (rb === null) return 1
        return ra < rb ? -1 : 1
      })
      for (const direction of ['asc', 'desc'] as const) {
        const seen: string[] = []
        let after: string | undefined
        do {
          const page = await store.query(collection, {
            orderBy: { field: 'rank', direction },
            limit: 3,
            after,
          })
          seen.push(...page.items.map((d) => String(d.id)))
          after = page.nextCursor ?? undefined
        } while (after && seen.length <= docs.length)
        const ids = expected.map((d) => d.id)
        expect(seen).toEqual(direction === 'asc' ? ids : ids.reverse())
      }
    })

    test('a transaction that throws midway after a conflict applies nothing twice', async () => {
      await store.set(collection, 'log', { entries: [] as string[] })
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            const log = await tx.get<{ entries: string[] }>(collection, 'log')
            await new Promise((resolve) => setTimeout(resolve, 1))
            await tx.set(collection, `entry-${i}`, { i })
            await tx.set(collection, 'log', { entries: [...(log?.entries ?? []), `e${i}`] })
          }),
        ),
      )
      const log = await store.get<{ entries: string[] }>(collection, 'log')
      expect([...(log?.entries ?? [])].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `e${i}`).sort())
      expect(await store.count(collection)).toBe(9)
    })

    test('queries inside a transaction are refused', async () => {
      await store.set(collection, 'x', { v: 1 })
      await expect(
        store.transaction(async () => store.query(collection, { limit: 1 })),
      ).rejects.toMatchObject({ code: 'QUERY_IN_TRANSACTION' })
      await expect(store.transaction(async () => store.count(collection))).rejects.toMatchObject({
        code: 'QUERY_IN_TRANSACTION',
      })
      await expect(
        store.transaction(async (tx) => (tx as unknown as Store).query(collection, { limit: 1 })),
      ).rejects.toMatchObject({ code: 'QUERY_IN_TRANSACTION' })
      // and outside again they work
      expect(await store.count(collection)).toBe(1)
    })
  })
}
