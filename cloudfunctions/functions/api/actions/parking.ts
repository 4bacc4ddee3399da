import type { BatchKind } from '../../../core/batchRunner'
import { collections, type AuditLogDoc, type VehicleDoc } from '../../../core/documents'
import type { Condition, TxStore } from '../../../ports/store'
import type { ActionResponses, ParkingRow, ParsedRequest } from '../../../../types/api'
import { errorCatalog } from '../../../../types/errors'
import { ActionError, type AuthedContext } from '../context'
import { getMany, queryPage, runFleetBatch, type Stored } from './views'

/**
 * Vehicles switched per transaction. Each costs up to three store round trips (read, write,
 * audit record); 25 keep a chunk near 1.5 s on CloudBase (core/batches.ts, batchTiming).
 */
export const parkingChunkSize = 25

function parkingRow(vehicle: VehicleDoc): ParkingRow {
  return {
    vehicleId: vehicle.id,
    plate: vehicle.plate,
    plateColor: vehicle.plateColor,
    authorized: vehicle.parkingAuthorized,
    lastOperatedAt: vehicle.lastOperatedAt,
  }
}

/** Seed §2.5.4: only the account's current (valid) vehicles can be authorized; plate order. */
function parkingWhere(accountId: string, plate: string | undefined): Condition[] {
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'scope', op: 'eq', value: 'current' },
  ]
  if (plate) where.push({ field: 'plate', op: 'eq', value: plate })
  return where
}

export async function listParking(
  ctx: AuthedContext,
  input: ParsedRequest<'parking.list'>,
): Promise<ActionResponses['parking.list']> {
  const where = parkingWhere(ctx.identity.accountId, input.plate)
  const [page, total] = await Promise.all([
    queryPage<VehicleDoc>(ctx, collections.vehicles, {
      where,
      orderBy: { field: 'plate', direction: 'asc' },
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.vehicles, where),
  ])
  return { items: page.items.map(parkingRow), total, nextCursor: page.nextCursor }
}

/** Why a vehicle cannot be switched, or null when it can. Another account's vehicle is a missing one. */
function refusal(vehicle: Stored<VehicleDoc> | null | undefined, accountId: string) {
  if (!vehicle || vehicle.accountId !== accountId) return 'NOT_FOUND' as const
  if (vehicle.scope !== 'current') return 'VEHICLE_NOT_CURRENT' as const
  return null
}

/** The parking kind of fleet batch: how a chunk of vehicles is switched and audited. */
function parkingBatch(ctx: AuthedContext): BatchKind<ParkingRow> {
  const { accountId, loginPhoneHash, session } = ctx.identity
  // The session behind the request, hashed: pins the audit to one login without storing the
  // OPENID or session id themselves.
  const sessionHash = ctx.vault.lookupHash(
    'caller',
    session.kind === 'wechat' ? `wechat:${session.openid}` : `token:${session.sessionId}`,
  )
  return {
    kind: 'parking.set',
    chunkSize: parkingChunkSize,
    matching: (filter, owner) => ({
      collection: collections.vehicles,
      where: parkingWhere(owner, typeof filter['plate'] === 'string' ? filter['plate'] : undefined),
      orderBy: { field: 'plate', direction: 'asc' },
    }),
    async applyChunk(tx: TxStore, ids, batch) {
      const authorized = batch.params['authorized'] === true
      const outcomes = []
      for (const id of ids) {
        const vehicle = await tx.get<Stored<VehicleDoc>>(collections.vehicles, id)
        const refused = refusal(vehicle, accountId)
        if (refused || !vehicle) {
          const code = refused ?? 'NOT_FOUND'
          outcomes.push({
            id,
            result: 'failed' as const,
            failure: {
              targetId: id,
              // a foreign vehicle's plate is not ours to show
              label: refused === 'NOT_FOUND' || !vehicle ? id : vehicle.plate,
              code,
              message: errorCatalog[code].message,
            },
          })
          continue
        }
        const isChange = vehicle.parkingAuthorized !== authorized
        const next: VehicleDoc = isChange
          ? { ...vehicle, parkingAuthorized: authorized, lastOperatedAt: batch.operatedAt }
          : vehicle
        if (isChange) {
          await tx.update(collections.vehicles, id, {
            parkingAuthorized: authorized,
            lastOperatedAt: batch.operatedAt,
          })
        }
        const audit: AuditLogDoc = {
          // One record per batch and vehicle: a retried call, or a racing one, rewrites, never doubles.
          id: `audit-${batch.id}-${id}`,
          action: 'parking.set',
          accountId,
          principalHash: loginPhoneHash,
          sessionHash,
          via: session.kind,
          requestId: ctx.requestId,
          batchId: batch.id,
          at: batch.operatedAt,
          target: { collection: collections.vehicles, id },
          before: { parkingAuthorized: vehicle.parkingAuthorized, lastOperatedAt: vehicle.lastOperatedAt },
          after: { parkingAuthorized: next.parkingAuthorized, lastOperatedAt: next.lastOperatedAt },
          changed: isChange,
        }
        await tx.set(collections.auditLog, audit.id, { ...audit })
        outcomes.push({
          id,
          result: isChange ? ('changed' as const) : ('unchanged' as const),
          row: parkingRow(next),
        })
      }
      return outcomes
    },
  }
}

/**
 * Switches parking authorization of the selected vehicles: the listed ids, or every current
 * vehicle matching parking.list's filter however large the fleet. A fleet batch
 * (core/batches.ts): the client's key makes every retry and continuation apply each vehicle
 * exactly once, and each answer counts everything the batch applied so far.
 *
 * - Listed ids are all checked (own, current) before anything is written, so a bad id changes
 *   nothing. A filter selects only own, current vehicles.
 * - Each chunk of 25 commits all-or-nothing and re-checks its vehicles inside the transaction; a
 *   vehicle that stopped being switchable meanwhile is reported as a failure, the rest go on.
 * - Idempotent: a vehicle already in the requested state is not written and keeps its
 *   lastOperatedAt, but the request is still audited for it (changed: false): the audit log
 *   records who asked for what, not only what moved. One audit record per batch and vehicle.
 * - Every vehicle the batch changes gets the batch's start time as its last operation time.
 */
export async function setParking(
  ctx: AuthedContext,
  input: ParsedRequest<'parking.set'>,
): Promise<ActionResponses['parking.set']> {
  const startedAt = ctx.clock.now()
  const { accountId } = ctx.identity
  const ids = input.vehicleIds ? [...new Set(input.vehicleIds)] : null
  const plate = input.allMatching?.plate ?? null
  const { progress, rows } = await runFleetBatch(ctx, parkingBatch(ctx), {
    accountId,
    key: input.batchKey,
    continuation: input.continuation,
    startedAt,
    selection: ids ? { by: 'ids', ids } : { by: 'filter', filter: { plate } },
    params: { authorized: input.authorized },
    async prepare() {
      if (!ids)
        return {
          total: await ctx.store.count(collections.vehicles, parkingWhere(accountId, plate ?? undefined)),
        }
      const found = await getMany<VehicleDoc>(ctx, collections.vehicles, ids)
      for (const id of ids) {
        const refused = refusal(found.get(id), accountId)
        if (refused) throw new ActionError(refused)
      }
      return { total: ids.length }
    },
  })
  return { ...progress, items: rows }
}
