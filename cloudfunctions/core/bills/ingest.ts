import { shanghaiMonth } from '../businessTime'
import { collections, type BillRollupDoc, type CardDoc, type TripDoc, type VehicleDoc } from '../documents'
import type { Doc, Store, TxStore } from '../../ports/store'
import { fen, type Fen } from '../../../types/money'
import type { TripScene } from '../../../types/enums'
import type { IngestOutcome, IngestResult } from '../../../types/actions/bills'
import {
  applyContribution,
  emptyRollup,
  isEmptyRollup,
  tripContributions,
  type Contribution,
  type RollupTrip,
} from './rollups'

/**
 * Trips from the clearing side, one per exit (trips.ingest, the demo seed's trips, the bench).
 *
 * Each trip is written in a transaction of its own together with the rollups it moves: the
 * difference between what the stored trip contributed (nothing if new) and what the new content
 * contributes, so a re-sent id with the same content writes nothing and one with new content
 * moves the sums exactly. Every transaction writes the trip document, so two deliveries of one id
 * conflict and the Store retries one of them against the other's result; two trips of one card and
 * period conflict on their rollup the same way. The invoice a trip already has is kept.
 */

export interface IngestTripInput {
  tripId: string
  cardNo: string
  scene: TripScene
  entryStation: string | null
  exitStation: string
  entryAt: string | null
  exitAt: string
  amount: Fen
  discount: Fen
  deductionDate: string
  refund: { state: 'refunding' | 'refunded'; amount: Fen; at: string } | null
}

/** Where a card belongs: what ingestion needs of the card and its vehicle. */
export interface CardOwner {
  cardId: string
  accountId: string
  vehicleId: string
  plate: string
}

/** The trip document of an input for a card's owner (writeTrip keeps a stored invoice). */
export function tripDocOf(input: IngestTripInput, owner: CardOwner): TripDoc {
  const exitAt = new Date(input.exitAt)
  return {
    id: input.tripId,
    accountId: owner.accountId,
    vehicleId: owner.vehicleId,
    cardId: owner.cardId,
    plate: owner.plate,
    scene: input.scene,
    entryStation: input.entryStation,
    exitStation: input.exitStation,
    entryAt: input.entryAt === null ? null : new Date(input.entryAt).toISOString(),
    exitAt: exitAt.toISOString(),
    exitMonth: shanghaiMonth(exitAt),
    amount: input.amount,
    discount: input.discount,
    refundState: input.refund?.state ?? 'none',
    refundAmount: input.refund ? input.refund.amount : fen(0),
    refundAt: input.refund ? new Date(input.refund.at).toISOString() : null,
    deductionDate: input.deductionDate,
    invoiceId: null,
  }
}

function sameTrip(a: TripDoc, b: TripDoc): boolean {
  const keys = Object.keys(b) as (keyof TripDoc)[]
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k])
}

type Stored<T> = T & Doc

/**
 * Writes one trip and moves its rollups, in the caller's transaction. Answers what happened.
 * Rollups that end up counting nothing are removed, so the rollups are always exactly those a
 * scan of the trips would make (rollupsOf).
 */
export async function writeTrip(tx: TxStore, next: TripDoc): Promise<Exclude<IngestOutcome, 'unknownCard'>> {
  const previous = await tx.get<Stored<TripDoc>>(collections.trips, next.id)
  const doc: TripDoc = previous ? { ...next, invoiceId: previous.invoiceId ?? next.invoiceId } : next
  if (previous && sameTrip(stripExtra(previous), doc)) return 'unchanged'

  const changes: { trip: RollupTrip; c: Contribution; sign: 1 | -1 }[] = []
  if (previous) for (const c of tripContributions(previous)) changes.push({ trip: previous, c, sign: -1 })
  for (const c of tripContributions(doc)) changes.push({ trip: doc, c, sign: 1 })

  const rollups = new Map<string, BillRollupDoc>()
  const stored = new Set<string>()
  for (const { trip, c, sign } of changes) {
    let current = rollups.get(c.id)
    if (!current) {
      const found = await tx.get<Stored<BillRollupDoc>>(collections.billRollups, c.id)
      if (found) stored.add(c.id)
      current = found ?? emptyRollup(trip, c.period, c.key)
    }
    // the latest plate names the row (a re-sent trip may come with its vehicle's new plate)
    if (sign === 1 && current.plate !== trip.plate) current = { ...current, plate: trip.plate }
    rollups.set(c.id, applyContribution(current, c, sign))
  }
  for (const rollup of rollups.values()) {
    const fixed = { ...rollup, sortKey: `${rollup.key}:${rollup.plate}:${rollup.cardId}` }
    if (!isEmptyRollup(fixed)) await tx.set(collections.billRollups, fixed.id, { ...fixed })
    else if (stored.has(fixed.id)) await tx.remove(collections.billRollups, fixed.id)
  }
  await tx.set(collections.trips, doc.id, { ...doc })
  return previous ? 'replaced' : 'created'
}

/** A stored trip with only TripDoc's fields (adapters may add their own, e.g. `_id`). */
function stripExtra(doc: Stored<TripDoc>): TripDoc {
  return {
    id: doc.id,
    accountId: doc.accountId,
    vehicleId: doc.vehicleId,
    cardId: doc.cardId,
    plate: doc.plate,
    scene: doc.scene,
    entryStation: doc.entryStation,
    exitStation: doc.exitStation,
    entryAt: doc.entryAt,
    exitAt: doc.exitAt,
    exitMonth: doc.exitMonth,
    amount: doc.amount,
    discount: doc.discount,
    refundState: doc.refundState,
    refundAmount: doc.refundAmount,
    refundAt: doc.refundAt,
    deductionDate: doc.deductionDate,
    invoiceId: doc.invoiceId ?? null,
  }
}

/** The owners of card numbers (cards the store does not know are absent). */
export async function cardOwners(store: Store, cardNos: Iterable<string>): Promise<Map<string, CardOwner>> {
  const out = new Map<string, CardOwner>()
  await Promise.all(
    [...new Set(cardNos)].map(async (cardNo) => {
      const found = await store.query<Stored<CardDoc>>(collections.cards, {
        where: [{ field: 'cardNo', op: 'eq', value: cardNo }],
        limit: 1,
      })
      const card = found.items[0]
      if (!card) return
      const vehicle = await store.get<Stored<VehicleDoc>>(collections.vehicles, card.vehicleId)
      if (!vehicle) return
      out.set(cardNo, {
        cardId: card.id,
        accountId: card.accountId,
        vehicleId: vehicle.id,
        plate: vehicle.plate,
      })
    }),
  )
  return out
}

/** Ingests trips, each in its own transaction; a trip of an unknown card is reported, never written. */
export async function ingestTrips(store: Store, inputs: readonly IngestTripInput[]): Promise<IngestResult> {
  const owners = await cardOwners(
    store,
    inputs.map((t) => t.cardNo),
  )
  const result: IngestResult = { created: 0, replaced: 0, unchanged: 0, failed: 0, results: [] }
  for (const input of inputs) {
    const owner = owners.get(input.cardNo)
    if (!owner) {
      result.failed += 1
      result.results.push({ tripId: input.tripId, outcome: 'unknownCard' })
      continue
    }
    const outcome = await store.transaction((tx) => writeTrip(tx, tripDocOf(input, owner)))
    result[outcome] += 1
    result.results.push({ tripId: input.tripId, outcome })
  }
  return result
}
