/**
 * Trip ingestion keeps the bill rollups equal to a scan of the trips, on both Store adapters:
 * fast-check generates deliveries from the clearing side (new trips, the same trip again, a trip
 * re-sent with changed content: scene, month, amount, refund, even another card) and delivers
 * them one batch after another, some batches concurrently. Whatever the order and the retries,
 * the rollups must be exactly what the bulk path (rollupsOf) makes of the trips in the store.
 */
import fc from 'fast-check'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { ingestTrips, type IngestTripInput } from '../../cloudfunctions/core/bills/ingest'
import { rollupsOf } from '../../cloudfunctions/core/bills/rollups'
import {
  collections,
  type BillRollupDoc,
  type CardDoc,
  type TripDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import { storeSchema } from '../../cloudfunctions/core/storeSchema'
import type { Store } from '../../cloudfunctions/ports/store'
import { openEmulatedDatabase, unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { tripScenes } from '../../types/enums'
import { fen } from '../../types/money'
import { adapters, readAll, type Adapter } from './seededDemo'

const dir = mkdtempSync(join(tmpdir(), 'etc-bills-ingest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const CARDS = [
  {
    cardNo: '33010000000000000011',
    cardId: 'card-a',
    vehicleId: 'veh-a',
    accountId: 'acc-1',
    plate: '浙A11111',
  },
  {
    cardNo: '33010000000000000022',
    cardId: 'card-b',
    vehicleId: 'veh-b',
    accountId: 'acc-1',
    plate: '浙A22222',
  },
  {
    cardNo: '33010000000000000033',
    cardId: 'card-c',
    vehicleId: 'veh-c',
    accountId: 'acc-2',
    plate: '浙B33333',
  },
]
const UNKNOWN_CARD = '33019999999999999999'

let worlds = 0
async function emptyStore(adapter: Adapter): Promise<{ store: Store; close(): void }> {
  let store: Store
  let close: () => void
  if (adapter === 'sqlite') {
    const sqlite = openSqliteStore(join(dir, `ingest-${++worlds}.db`))
    store = sqlite
    close = () => sqlite.close()
  } else {
    const { emulator, database } = openEmulatedDatabase({ conflictMode: 'write' })
    for (const spec of storeSchema) emulator.createCollection(spec.name)
    // retries without sleeping: concurrent deliveries conflict on purpose
    store = createCloudbaseStore(database, { backoff: async () => undefined })
    close = () => unregisterEmulator(emulator)
  }
  for (const c of CARDS) {
    const card: Partial<CardDoc> = {
      id: c.cardId,
      accountId: c.accountId,
      vehicleId: c.vehicleId,
      cardNo: c.cardNo,
      type: 'credit',
      status: 'issued',
    }
    const vehicle: Partial<VehicleDoc> = {
      id: c.vehicleId,
      accountId: c.accountId,
      plate: c.plate,
      plateColor: '蓝',
      cardId: c.cardId,
    }
    await store.set(collections.cards, c.cardId, card)
    await store.set(collections.vehicles, c.vehicleId, vehicle)
  }
  return { store, close }
}

/** Exits in three Shanghai months across a year end, some right at a month's first instant. */
const exitAt = fc.oneof(
  fc.constantFrom('2024-11-30T16:00:00.000Z', '2024-12-31T15:59:59.999Z', '2024-12-31T16:00:00.000Z'),
  fc
    .integer({ min: Date.parse('2024-11-01T00:00:00Z'), max: Date.parse('2025-01-31T00:00:00Z') })
    .map((ms) => new Date(ms).toISOString()),
)

const delivery: fc.Arbitrary<IngestTripInput> = fc
  .record({
    tripId: fc.constantFrom('t1', 't2', 't3', 't4', 't5', 't6'),
    cardNo: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...CARDS.map((c) => c.cardNo)) },
      { weight: 1, arbitrary: fc.constant(UNKNOWN_CARD) },
    ),
    scene: fc.constantFrom(...tripScenes),
    exitAt,
    amount: fc.integer({ min: 0, max: 500_000 }),
    discountShare: fc.integer({ min: 0, max: 100 }),
    refund: fc.option(
      fc.record({
        state: fc.constantFrom('refunding' as const, 'refunded' as const),
        share: fc.integer({ min: 1, max: 100 }),
      }),
    ),
  })
  .map((d) => {
    const amount = fen(d.amount)
    return {
      tripId: d.tripId,
      cardNo: d.cardNo,
      scene: d.scene,
      entryStation: d.scene === 'nonHighway' ? null : '杭州南',
      exitStation: d.scene === 'nonHighway' ? '西湖文化广场停车场' : '宁波东',
      entryAt: null,
      exitAt: d.exitAt,
      amount,
      discount: fen(Math.floor((d.amount * d.discountShare) / 100)),
      deductionDate: d.exitAt.slice(0, 10),
      refund: d.refund
        ? {
            state: d.refund.state,
            amount: fen(Math.floor((d.amount * d.refund.share) / 100)),
            at: '2025-02-01T00:00:00.000Z',
          }
        : null,
    }
  })

/** Batches of deliveries; each batch is delivered concurrently (one ingest call per delivery). */
const schedule = fc.array(fc.array(delivery, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })

const withoutAdapterFields = <T extends object>(doc: T): T => {
  const { _id: _ignored, ...rest } = doc as T & { _id?: unknown }
  return rest as T
}
const byId = <T extends { id: string }>(docs: T[]) => [...docs].sort((a, b) => (a.id < b.id ? -1 : 1))

describe.each(adapters)('ingestion on %s', (adapter) => {
  test('rollups always equal a scan of the trips (duplicates, changed re-sends, concurrent deliveries)', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, async (batches) => {
        const { store, close } = await emptyStore(adapter)
        try {
          const sent = new Map<string, IngestTripInput>()
          for (const batch of batches) {
            const results = await Promise.all(batch.map((d) => ingestTrips(store, [d])))
            results.forEach((r, i) => {
              const d = batch[i]
              if (d.cardNo === UNKNOWN_CARD) expect(r.results[0].outcome).toBe('unknownCard')
            })
            // within a batch the last to commit wins; which one that was, the store says
            for (const d of batch) if (d.cardNo !== UNKNOWN_CARD) sent.set(d.tripId, d)
          }
          const trips = (await readAll<TripDoc & { [k: string]: unknown }>(store, collections.trips)).map(
            withoutAdapterFields,
          )
          const rollups = (
            await readAll<BillRollupDoc & { [k: string]: unknown }>(store, collections.billRollups)
          ).map(withoutAdapterFields)
          expect(byId(rollups)).toEqual(byId(rollupsOf(trips)))
          // every trip id that was ever delivered with a known card is there, once
          expect(trips.map((t) => t.id).sort()).toEqual([...sent.keys()].sort())
          // nothing of an unknown card was written
          expect(trips.every((t) => CARDS.some((c) => c.cardId === t.cardId))).toBe(true)
        } finally {
          close()
        }
      }),
      { numRuns: adapter === 'sqlite' ? 60 : 25 },
    )
  }, 120_000)

  test('the same trip again changes nothing; new content replaces it and moves the sums by the difference', async () => {
    const { store, close } = await emptyStore(adapter)
    try {
      const first: IngestTripInput = {
        tripId: 'x1',
        cardNo: CARDS[0].cardNo,
        scene: 'etcHighway',
        entryStation: '杭州南',
        exitStation: '宁波东',
        entryAt: '2024-12-31T14:00:00.000Z',
        exitAt: '2024-12-31T15:30:00.000Z', // 23:30 on 31 December in Shanghai
        amount: fen(6460),
        discount: fen(323),
        deductionDate: '2024-12-31',
        refund: null,
      }
      expect(await ingestTrips(store, [first])).toMatchObject({ created: 1 })
      // an invoice issued meanwhile stays on the trip
      await store.update(collections.trips, 'x1', { invoiceId: 'inv-1' })
      expect(await ingestTrips(store, [first])).toMatchObject({ unchanged: 1, created: 0, replaced: 0 })
      const month = await store.get<BillRollupDoc & { [k: string]: unknown }>(
        collections.billRollups,
        'card-a:2024-12',
      )
      expect(month?.scenes.etcHighway).toEqual({ count: 1, amount: 6460, discount: 323 })

      // re-sent: exit moved past midnight into January (Shanghai), refunded 10.00
      const moved = {
        ...first,
        exitAt: '2024-12-31T16:10:00.000Z',
        refund: { state: 'refunded' as const, amount: fen(1000), at: '2025-01-05T02:00:00.000Z' },
      }
      expect(await ingestTrips(store, [moved])).toMatchObject({ replaced: 1 })
      expect(await store.get(collections.billRollups, 'card-a:2024-12')).toBeNull()
      expect(await store.get(collections.billRollups, 'card-a:2024')).toBeNull()
      const jan = await store.get<BillRollupDoc & { [k: string]: unknown }>(
        collections.billRollups,
        'card-a:2025-01',
      )
      expect(jan?.scenes.etcHighway).toEqual({ count: 1, amount: 6460, discount: 323 })
      expect(jan?.refund).toEqual({ count: 1, amount: 1000 })
      const trip = await store.get<TripDoc & { [k: string]: unknown }>(collections.trips, 'x1')
      expect(trip).toMatchObject({ exitMonth: '2025-01', invoiceId: 'inv-1', refundState: 'refunded' })
    } finally {
      close()
    }
  })
})
