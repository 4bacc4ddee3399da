import { createHash } from 'node:crypto'
import {
  collections,
  type AuditLogDoc,
  type InvoiceSettingsDoc,
  type InvoiceTitleDoc,
  type VehicleDoc,
} from '../../../core/documents'
import { settingsOf, sortTitles } from '../../../core/invoices/views'
import { maxQueryLimit, type Condition, type Doc, type TxStore } from '../../../ports/store'
import { ActionError, type AuthedContext, type InvoicesDeps } from '../context'
import { ownDoc, type Stored } from './views'

/** The hashed session behind a request: pins an audit record to one login without storing it. */
export function sessionHashOf(ctx: AuthedContext): string {
  const { session } = ctx.identity
  return ctx.vault.lookupHash(
    'caller',
    session.kind === 'wechat' ? `wechat:${session.openid}` : `token:${session.sessionId}`,
  )
}

type AuditValues = AuditLogDoc['before']

/** Writes one audit record (who, when, before, after) in the caller's transaction. */
export async function audit(
  tx: TxStore,
  ctx: AuthedContext,
  entry: {
    id: string
    action: string
    target: { collection: string; id: string }
    before: AuditValues
    after: AuditValues
    at: string
    batchId?: string
  },
): Promise<void> {
  const { accountId, loginPhoneHash, session } = ctx.identity
  const changed = JSON.stringify(entry.before) !== JSON.stringify(entry.after)
  const doc: AuditLogDoc = {
    id: entry.id,
    action: entry.action,
    accountId,
    principalHash: loginPhoneHash,
    sessionHash: sessionHashOf(ctx),
    via: session.kind,
    requestId: ctx.requestId,
    at: entry.at,
    target: entry.target,
    before: entry.before,
    after: entry.after,
    changed,
    ...(entry.batchId ? { batchId: entry.batchId } : {}),
  }
  await tx.set(collections.auditLog, doc.id, { ...doc })
}

/** An audit id for a single (non-batch) change: one per request and target. */
export function auditId(ctx: AuthedContext, action: string, targetId: string): string {
  const digest = createHash('sha256').update(`${ctx.requestId}\n${action}\n${targetId}`).digest('hex')
  return `audit-${digest.slice(0, 40)}`
}

export const invoiceMessages = {
  vehicleNotCurrent: '历史车辆无法修改开票设置',
  vehicleGone: '车辆已不在本账户名下',
} as const

/** A current vehicle of the session's account (another account's answers NOT_FOUND). */
export async function ownCurrentVehicle(ctx: AuthedContext, vehicleId: string): Promise<Stored<VehicleDoc>> {
  const vehicle = await ownDoc<VehicleDoc>(ctx, collections.vehicles, vehicleId)
  if (vehicle.scope !== 'current')
    throw new ActionError('VEHICLE_NOT_CURRENT', invoiceMessages.vehicleNotCurrent)
  return vehicle
}

/** Every document matching, paged through the store (an account's fleet: hundreds, not millions). */
export async function queryAll<T>(
  ctx: { store: AuthedContext['store'] },
  collection: string,
  where: Condition[],
  orderBy?: { field: string; direction: 'asc' | 'desc' },
): Promise<Array<Stored<T>>> {
  const out: Array<Stored<T>> = []
  let after: string | undefined
  do {
    const page = await ctx.store.query<Stored<T> & Doc>(collection, {
      where,
      ...(orderBy ? { orderBy } : {}),
      limit: maxQueryLimit,
      after,
    })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}

/** A vehicle's titles, default first then newest. */
export async function vehicleTitles(
  ctx: AuthedContext,
  vehicleId: string,
): Promise<Array<Stored<InvoiceTitleDoc>>> {
  const titles = await queryAll<InvoiceTitleDoc>(ctx, collections.invoiceTitles, [
    { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
    { field: 'vehicleId', op: 'eq', value: vehicleId },
  ])
  return sortTitles(titles)
}

/** The vehicle's settings as stored, or its defaults with its default title. */
export async function vehicleSettings(
  ctx: AuthedContext,
  vehicle: VehicleDoc,
  titles?: InvoiceTitleDoc[],
): Promise<InvoiceSettingsDoc> {
  const stored = await ctx.store.get<Stored<InvoiceSettingsDoc>>(collections.invoiceSettings, vehicle.id)
  const list = titles ?? (await vehicleTitles(ctx, vehicle.id))
  const def = list.find((t) => t.isDefault) ?? null
  return settingsOf(vehicle, stored, def)
}

/**
 * Makes the account's settings documents match its vehicles: one per vehicle, with the vehicle's
 * plate, card type and scope and its default title copied (what the fleet filters query). Writes
 * only what differs, so after the first call it reads and writes nothing else.
 */
export async function syncSettings(ctx: AuthedContext): Promise<void> {
  const accountId = ctx.identity.accountId
  const byAccount: Condition[] = [{ field: 'accountId', op: 'eq', value: accountId }]
  const [vehicles, stored, titles] = await Promise.all([
    queryAll<VehicleDoc>(ctx, collections.vehicles, byAccount),
    queryAll<InvoiceSettingsDoc>(ctx, collections.invoiceSettings, byAccount),
    queryAll<InvoiceTitleDoc>(ctx, collections.invoiceTitles, byAccount),
  ])
  const settingsById = new Map(stored.map((s) => [s.id, s]))
  const defaults = new Map<string, InvoiceTitleDoc>()
  for (const t of sortTitles(titles))
    if (t.isDefault && !defaults.has(t.vehicleId)) defaults.set(t.vehicleId, t)
  const writes: Array<() => Promise<void>> = []
  for (const vehicle of vehicles) {
    const current = settingsById.get(vehicle.id) ?? null
    const next = settingsOf(vehicle, current, defaults.get(vehicle.id) ?? null)
    if (!current) {
      // created only if still missing: a settings change committed meanwhile is never overwritten
      writes.push(() =>
        ctx.store.transaction(async (tx) => {
          if (!(await tx.get(collections.invoiceSettings, vehicle.id)))
            await tx.set(collections.invoiceSettings, vehicle.id, { ...next })
        }),
      )
      continue
    }
    const copied = {
      plate: next.plate,
      plateColor: next.plateColor,
      cardType: next.cardType,
      scope: next.scope,
      defaultTitle: next.defaultTitle,
      defaultTitleId: next.defaultTitleId,
    }
    const stale = (Object.keys(copied) as Array<keyof typeof copied>).some((k) => current[k] !== copied[k])
    // only the copied fields: the settings themselves are the user's, whatever was read
    if (stale) writes.push(() => ctx.store.update(collections.invoiceSettings, vehicle.id, copied))
  }
  for (let i = 0; i < writes.length; i += 20)
    await Promise.all(writes.slice(i, i + 20).map((write) => write()))
}

/** The invoice deps, or INVOICE_PLATFORM_UNAVAILABLE where none are configured. */
export function invoiceDeps(ctx: AuthedContext): InvoicesDeps {
  if (!ctx.invoices) throw new ActionError('INVOICE_PLATFORM_UNAVAILABLE')
  return ctx.invoices
}

/** sha256 of a JSON value, for request fingerprints. */
export function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}
