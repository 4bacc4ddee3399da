import { collections, type CardDoc, type VehicleDoc } from '../documents'
import type { Doc, Store } from '../../ports/store'

/** Whose bills, in which store. */
export interface BillsScope {
  store: Store
  accountId: string
}

/**
 * Vehicles and cards already looked up (null: not the account's). A list page or an export keeps
 * one across its pages: a fleet's thousands of trips name a few hundred vehicles.
 */
export interface BillLookups {
  vehicles: Map<string, VehicleDoc | null>
  cards: Map<string, CardDoc | null>
}

export const newLookups = (): BillLookups => ({ vehicles: new Map(), cards: new Map() })

/** Ids per lookup query: one round trip for a page's vehicles (or cards), not one per row. */
const idsPerQuery = 100

async function fill<T extends { accountId: string }>(
  scope: BillsScope,
  collection: string,
  cache: Map<string, T | null>,
  ids: Iterable<string>,
): Promise<void> {
  const missing = [...new Set(ids)].filter((id) => !cache.has(id))
  const chunks: string[][] = []
  for (let i = 0; i < missing.length; i += idsPerQuery) chunks.push(missing.slice(i, i + idsPerQuery))
  const pages = await Promise.all(
    chunks.map((chunk) =>
      scope.store.query<T & Doc>(collection, {
        where: [
          { field: 'accountId', op: 'eq', value: scope.accountId },
          { field: 'id', op: 'in', value: chunk },
        ],
        limit: idsPerQuery,
      }),
    ),
  )
  // another account's ids are simply not found: they stay null
  for (const id of missing) cache.set(id, null)
  for (const page of pages) for (const doc of page.items) cache.set(String(doc['id']), doc)
}

/** Loads the vehicles and cards the rows name into the cache. */
export async function lookUp(
  scope: BillsScope,
  lookups: BillLookups,
  refs: readonly { vehicleId: string; cardId: string }[],
): Promise<void> {
  await Promise.all([
    fill<VehicleDoc>(
      scope,
      collections.vehicles,
      lookups.vehicles,
      refs.map((r) => r.vehicleId),
    ),
    fill<CardDoc>(
      scope,
      collections.cards,
      lookups.cards,
      refs.map((r) => r.cardId),
    ),
  ])
}
