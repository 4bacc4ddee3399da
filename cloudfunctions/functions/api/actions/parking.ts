import { collections, type AuditLogDoc, type VehicleDoc } from '../../../core/documents'
import type { Condition } from '../../../ports/store'
import type { ActionResponses, ParkingRow, ParsedRequest } from '../../../../types/api'
import { ActionError, type AuthedContext } from '../context'
import { getMany, queryPage, type Stored } from './views'

/**
 * Vehicles switched per transaction. Each vehicle costs two writes (vehicle + audit record);
 * CloudBase transactions should stay small, so a 200-vehicle batch commits in 4 chunks.
 */
export const parkingChunkSize = 50

function parkingRow(vehicle: VehicleDoc): ParkingRow {
  return {
    vehicleId: vehicle.id,
    plate: vehicle.plate,
    plateColor: vehicle.plateColor,
    authorized: vehicle.parkingAuthorized,
    lastOperatedAt: vehicle.lastOperatedAt,
  }
}

export async function listParking(
  ctx: AuthedContext,
  input: ParsedRequest<'parking.list'>,
): Promise<ActionResponses['parking.list']> {
  // Seed §2.5.4: only the account's current (valid) vehicles can be authorized.
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
    { field: 'scope', op: 'eq', value: 'current' },
  ]
  if (input.plate) where.push({ field: 'plate', op: 'eq', value: input.plate })
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

function checkVehicle(vehicle: Stored<VehicleDoc> | null | undefined, accountId: string): Stored<VehicleDoc> {
  // Another account's vehicle answers like a missing one.
  if (!vehicle || vehicle.accountId !== accountId) throw new ActionError('NOT_FOUND')
  if (vehicle.scope !== 'current') throw new ActionError('VEHICLE_NOT_CURRENT')
  return vehicle
}

/**
 * Switches parking authorization of the selected vehicles.
 *
 * - Every id is checked (own, current) before anything is written, so a bad id changes nothing.
 * - Each chunk of 50 commits all-or-nothing; a chunk re-checks its vehicles inside the
 *   transaction, so a concurrent change fails that chunk without half-applying it.
 * - Idempotent: a vehicle already in the requested state is not written and keeps its
 *   lastOperatedAt, but the request is still audited for it (changed: false): the audit log
 *   records who asked for what, not only what moved.
 */
export async function setParking(
  ctx: AuthedContext,
  input: ParsedRequest<'parking.set'>,
): Promise<ActionResponses['parking.set']> {
  const { accountId, loginPhoneHash, session } = ctx.identity
  // The session behind the request, hashed: pins the audit to one login without storing the
  // OPENID or session id themselves.
  const sessionHash = ctx.vault.lookupHash(
    'caller',
    session.kind === 'wechat' ? `wechat:${session.openid}` : `token:${session.sessionId}`,
  )
  const ids = [...new Set(input.vehicleIds)]
  const found = await getMany<VehicleDoc>(ctx, collections.vehicles, ids)
  for (const id of ids) checkVehicle(found.get(id), accountId)

  const operatedAt = ctx.clock.now().toISOString()
  const after = new Map<string, ParkingRow>()
  let changed = 0
  for (let i = 0; i < ids.length; i += parkingChunkSize) {
    const chunk = ids.slice(i, i + parkingChunkSize)
    const outcome = await ctx.store.transaction(async (tx) => {
      const rows: ParkingRow[] = []
      let moved = 0
      for (const id of chunk) {
        const vehicle = checkVehicle(await tx.get<Stored<VehicleDoc>>(collections.vehicles, id), accountId)
        const isChange = vehicle.parkingAuthorized !== input.authorized
        const next: VehicleDoc = isChange
          ? { ...vehicle, parkingAuthorized: input.authorized, lastOperatedAt: operatedAt }
          : vehicle
        if (isChange) {
          await tx.update(collections.vehicles, id, {
            parkingAuthorized: input.authorized,
            lastOperatedAt: operatedAt,
          })
          moved += 1
        }
        const audit: AuditLogDoc = {
          // One record per request and vehicle, so a retried transaction rewrites, never doubles.
          id: `audit-${ctx.requestId}-${id}`,
          action: 'parking.set',
          accountId,
          principalHash: loginPhoneHash,
          sessionHash,
          via: session.kind,
          requestId: ctx.requestId,
          at: operatedAt,
          target: { collection: collections.vehicles, id },
          before: { parkingAuthorized: vehicle.parkingAuthorized, lastOperatedAt: vehicle.lastOperatedAt },
          after: { parkingAuthorized: next.parkingAuthorized, lastOperatedAt: next.lastOperatedAt },
          changed: isChange,
        }
        await tx.set(collections.auditLog, audit.id, { ...audit })
        rows.push(parkingRow(next))
      }
      return { rows, moved }
    })
    changed += outcome.moved
    for (const row of outcome.rows) after.set(row.vehicleId, row)
  }
  return {
    changed,
    unchanged: ids.length - changed,
    operatedAt,
    items: ids.flatMap((id) => {
      const row = after.get(id)
      return row ? [row] : []
    }),
  }
}
