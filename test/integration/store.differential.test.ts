/**
 * Differential test: the same random documents (nulls and missing fields included) go into
 * the SQLite adapter and into the CloudBase adapter on the emulator (mingo underneath, no code
 * shared with SQLite); every random query must answer the same pages, cursors and counts.
 * The generators stay inside the port's rules (one kind of value per sorted field, strings in
 * the Basic Multilingual Plane below the surrogates, where UTF-8 and UTF-16 order agree).
 */
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import type { Condition, Doc, Query, Scalar, Store } from '../../cloudfunctions/ports/store'
import { openEmulatedDatabase } from '../../tools/cloudbase-emulator/install'

const dir = mkdtempSync(join(tmpdir(), 'etc-differential-'))
let sqlite: SqliteStore
let cloudbase: Store
let emulatorCreate: (name: string) => void

beforeAll(() => {
  sqlite = openSqliteStore(join(dir, 'differential.db'))
  const { emulator, database } = openEmulatedDatabase({ conflictMode: 'write' })
  cloudbase = createCloudbaseStore(database)
  emulatorCreate = (name) => emulator.createCollection(name)
})
afterAll(() => {
  sqlite.close()
  rmSync(dir, { recursive: true, force: true })
})

const chars = ['a', 'b', 'B', 'z', '0', '9', '_', '-', '浙', '京', 'A', '沪', ' ', 'é']
const text = fc.string({ unit: fc.constantFrom(...chars), maxLength: 4 })
const integer = fc.integer({ min: -5, max: 5 }).map((n) => (Object.is(n, -0) ? 0 : n))
const number = fc.oneof(integer, fc.constantFrom(1.5, -0.5, 2.25, 1e6))
/** A field value or its absence (undefined: the field is left out). */
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 5, arbitrary: arb },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  )

const fields = {
  s: text,
  n: number,
  b: fc.boolean(),
  g: fc.constantFrom('a', 'b', 'c'),
} as const
type FieldName = keyof typeof fields | 'o.k'
const valueOf: Record<FieldName, fc.Arbitrary<Scalar>> = { ...fields, 'o.k': integer }

const documentArb = fc.record({
  s: maybe(fields.s),
  n: maybe(fields.n),
  b: maybe(fields.b),
  g: fields.g,
  o: fc.oneof(fc.constant(undefined), fc.constant(null), fc.record({ k: maybe(integer) })),
})

const docsArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 30 })
  .chain((ids) =>
    fc.tuple(fc.constant(ids), fc.array(documentArb, { minLength: ids.length, maxLength: ids.length })),
  )
  .map(([ids, bodies]) =>
    ids.map((n, i) => {
      const doc: Doc & { id: string } = { id: `d${String(n).padStart(2, '0')}` }
      for (const [k, v] of Object.entries(bodies[i])) if (v !== undefined) doc[k] = v
      return doc
    }),
  )

const fieldArb = fc.constantFrom<FieldName>('s', 'n', 'b', 'g', 'o.k')
const conditionArb: fc.Arbitrary<Condition> = fieldArb.chain((field) =>
  fc.oneof(
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom('eq' as const, 'ne' as const),
      value: fc.oneof(valueOf[field], fc.constant(null)),
    }),
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom('lt' as const, 'lte' as const, 'gt' as const, 'gte' as const),
      value: valueOf[field],
    }),
    fc.record({
      field: fc.constant(field),
      op: fc.constant('in' as const),
      value: fc.array(fc.oneof(valueOf[field], fc.constant(null)), { maxLength: 3 }),
    }),
    fc.record({ field: fc.constant('s'), op: fc.constant('prefix' as const), value: text }),
  ),
)
const queryArb: fc.Arbitrary<Omit<Query, 'after'>> = fc.record({
  where: fc.array(conditionArb, { maxLength: 3 }),
  orderBy: fc.option(
    fc.record({
      field: fc.constantFrom<string>('id', 's', 'n', 'b', 'g', 'o.k'),
      direction: fc.constantFrom('asc' as const, 'desc' as const),
    }),
    { nil: undefined },
  ),
  limit: fc.integer({ min: 1, max: 7 }),
})

async function pages(store: Store, collection: string, query: Omit<Query, 'after'>) {
  const out: Array<{ items: Doc[]; more: boolean }> = []
  let after: string | undefined
  for (let i = 0; i < 40; i++) {
    const page = await store.query(collection, { ...query, after })
    out.push({ items: page.items, more: page.nextCursor !== null })
    if (!page.nextCursor) break
    after = page.nextCursor
  }
  return out
}

let run = 0
test('both adapters answer every query and every page sequence the same', async () => {
  await fc.assert(
    fc.asyncProperty(docsArb, fc.array(queryArb, { minLength: 1, maxLength: 4 }), async (docs, queries) => {
      run += 1
      const collection = `diff_${run}`
      sqlite.createCollection(collection)
      emulatorCreate(collection)
      for (const doc of docs) {
        await sqlite.set(collection, doc.id, doc)
        await cloudbase.set(collection, doc.id, doc)
      }
      for (const query of queries) {
        const expected = await pages(sqlite, collection, query)
        expect(await pages(cloudbase, collection, query)).toEqual(expected)
        expect(await cloudbase.count(collection, query.where)).toBe(
          await sqlite.count(collection, query.where),
        )
        // paging never repeats or loses a document
        const ids = expected.flatMap((p) => p.items.map((d) => d.id))
        expect(new Set(ids).size).toBe(ids.length)
        expect(ids.length).toBe(await sqlite.count(collection, query.where))
      }
    }),
    { numRuns: 120 },
  )
})
