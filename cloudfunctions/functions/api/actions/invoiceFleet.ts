import type { BatchKind } from '../../../core/batchRunner'
import {
  collections,
  type BatchDoc,
  type BatchScalar,
  type InvoiceSettingsDoc,
  type InvoiceTitleDoc,
  type VehicleDoc,
} from '../../../core/documents'
import { settingsOf, settingsView } from '../../../core/invoices/views'
import type { TxStore } from '../../../ports/store'
import type {
  ActionResponses,
  FleetPreviewRow,
  InvoiceSettingsView,
  ParsedRequest,
} from '../../../../types/api'
import { settingsProblems, type InvoiceSettingsValues } from '../../../../types/invoiceRules'
import type { BatchFailure } from '../../../../types/batches'
import { ActionError, type AuthedContext } from '../context'
import { invoiceMessages, queryAll, syncSettings, audit } from './invoiceCommon'
import { settingsAudit, settingsWhere } from './invoiceSettings'
import { titleFields, titleIdFor, type ParsedTitle } from './invoiceTitles'
import { getMany, runFleetBatch, type Stored } from './views'

/** Vehicles per transaction: each costs up to seven document reads and writes. */
export const invoiceFleetChunkSize = 10

type Change = ParsedRequest<'invoiceSettings.fleetApply'>['change']
type Params = { [field: string]: BatchScalar }

/** The change as the batch keeps it: scalars only (BatchDoc.params), no dots in field names. */
export function changeParams(change: Change): Params {
  const title = change.title ? titleFields(change.title) : null
  const s = change.settings ?? {}
  return {
    title_kind: title?.kind ?? null,
    title_name: title?.title ?? null,
    title_taxNumber: title?.taxNumber ?? null,
    title_address: title?.address ?? null,
    title_phone: title?.phone ?? null,
    title_bank: title?.bank ?? null,
    title_bankAccount: title?.bankAccount ?? null,
    singleTrip: s.singleTrip ?? null,
    monthlyMerged: s.monthlyMerged ?? null,
    emailSet: s.email !== undefined,
    email: s.email ?? null,
    autoSend: s.autoSend ?? null,
  }
}

type TitleFields = ReturnType<typeof titleFields>

function titleOfParams(p: Params): TitleFields | null {
  if (p['title_kind'] !== 'personal' && p['title_kind'] !== 'company') return null
  const text = (v: BatchScalar) => (typeof v === 'string' ? v : null)
  return {
    kind: p['title_kind'],
    title: text(p['title_name']) ?? '',
    taxNumber: text(p['title_taxNumber']),
    address: text(p['title_address']),
    phone: text(p['title_phone']),
    bank: text(p['title_bank']),
    bankAccount: text(p['title_bankAccount']),
  }
}

function settingsAfter(before: InvoiceSettingsValues, p: Params): InvoiceSettingsValues {
  const bool = (v: BatchScalar, was: boolean) => (typeof v === 'boolean' ? v : was)
  return {
    singleTrip: bool(p['singleTrip'], before.singleTrip),
    monthlyMerged: bool(p['monthlyMerged'], before.monthlyMerged),
    email: p['emailSet'] === true ? (typeof p['email'] === 'string' ? p['email'] : null) : before.email,
    autoSend: bool(p['autoSend'], before.autoSend),
  }
}

/** Why the change leaves this vehicle inconsistent (its own settings plus the change), or null. */
function problemOf(after: InvoiceSettingsValues): string | null {
  const problems = Object.values(settingsProblems(after))
  return problems.length > 0 ? problems.join('；') : null
}

interface Plan {
  next: InvoiceSettingsDoc
  title: TitleFields | null
  titleId: string | null
  problem: string | null
}

function plan(vehicle: VehicleDoc, before: InvoiceSettingsDoc, p: Params, now: string): Plan {
  const values = settingsAfter(before, p)
  const title = titleOfParams(p)
  const titleId = title ? titleIdFor(vehicle.id, title) : null
  const next: InvoiceSettingsDoc = {
    ...before,
    ...values,
    ...(title && titleId ? { defaultTitle: title.title, defaultTitleId: titleId } : {}),
    updatedAt: now,
  }
  return { next, title, titleId, problem: problemOf(values) }
}

function sameSettings(a: InvoiceSettingsDoc, b: InvoiceSettingsDoc): boolean {
  return (
    JSON.stringify(settingsAudit(a)) === JSON.stringify(settingsAudit(b)) &&
    a.defaultTitleId === b.defaultTitleId
  )
}

function previewValues(doc: InvoiceSettingsDoc) {
  return {
    singleTrip: doc.singleTrip,
    monthlyMerged: doc.monthlyMerged,
    email: doc.email,
    autoSend: doc.autoSend,
    defaultTitle: doc.defaultTitle === '' ? null : doc.defaultTitle,
  }
}

function failure(id: string, label: string, code: BatchFailure['code'], message: string) {
  return { id, result: 'failed' as const, failure: { targetId: id, label, code, message } }
}

/** The invoice kind of fleet batch: applies the change to a chunk of vehicles, each audited. */
function fleetBatch(ctx: AuthedContext): BatchKind<InvoiceSettingsView> {
  const accountId = ctx.identity.accountId
  return {
    kind: 'invoiceSettings.fleetApply',
    chunkSize: invoiceFleetChunkSize,
    matching: (filter, owner) => ({
      collection: collections.invoiceSettings,
      where: settingsWhere(owner, {
        plate: typeof filter['plate'] === 'string' ? filter['plate'] : undefined,
        cardType:
          filter['cardType'] === 'credit' || filter['cardType'] === 'stored' ? filter['cardType'] : undefined,
        title: typeof filter['title'] === 'string' ? filter['title'] : undefined,
      }),
      orderBy: { field: 'plate', direction: 'asc' },
    }),
    async applyChunk(tx: TxStore, ids, batch: BatchDoc) {
      const outcomes = []
      for (const id of ids) {
        const vehicle = await tx.get<Stored<VehicleDoc>>(collections.vehicles, id)
        // a vehicle that left the account meanwhile: its plate is no longer ours to show
        if (!vehicle || vehicle.accountId !== accountId) {
          outcomes.push(failure(id, id, 'NOT_FOUND', invoiceMessages.vehicleGone))
          continue
        }
        if (vehicle.scope !== 'current') {
          outcomes.push(failure(id, vehicle.plate, 'VEHICLE_NOT_CURRENT', invoiceMessages.vehicleNotCurrent))
          continue
        }
        const stored = await tx.get<Stored<InvoiceSettingsDoc>>(collections.invoiceSettings, id)
        const before = stored
          ? {
              ...settingsOf(vehicle, stored, null),
              defaultTitle: stored.defaultTitle,
              defaultTitleId: stored.defaultTitleId,
            }
          : settingsOf(vehicle, null, null)
        const { next, title, titleId, problem } = plan(vehicle, before, batch.params, batch.operatedAt)
        if (problem) {
          outcomes.push(failure(id, vehicle.plate, 'INVALID_INPUT', problem))
          continue
        }
        let titleChanged = false
        let titleDoc: InvoiceTitleDoc | null = null
        if (title && titleId) {
          const existing = await tx.get<Stored<InvoiceTitleDoc>>(collections.invoiceTitles, titleId)
          const wanted: InvoiceTitleDoc = {
            id: titleId,
            accountId,
            vehicleId: vehicle.id,
            createdAt: existing?.createdAt ?? batch.operatedAt,
            ...title,
            isDefault: true,
            updatedAt: existing?.updatedAt ?? batch.operatedAt,
          }
          const same =
            existing &&
            existing.isDefault &&
            (['title', 'taxNumber', 'address', 'phone', 'bank', 'bankAccount'] as const).every(
              (f) => (existing[f] ?? null) === (wanted[f] ?? null),
            )
          titleDoc = same ? existing : { ...wanted, updatedAt: batch.operatedAt }
          if (!same) {
            titleChanged = true
            await tx.set(collections.invoiceTitles, titleId, { ...titleDoc })
            if (before.defaultTitleId && before.defaultTitleId !== titleId) {
              const old = await tx.get<Stored<InvoiceTitleDoc>>(
                collections.invoiceTitles,
                before.defaultTitleId,
              )
              if (old) await tx.update(collections.invoiceTitles, old.id, { isDefault: false })
            }
          }
        }
        const isChange = titleChanged || !stored || !sameSettings(before, next)
        const written = isChange ? next : before
        if (isChange) await tx.set(collections.invoiceSettings, id, { ...written })
        await audit(tx, ctx, {
          // one record per batch and vehicle: a retried call rewrites it, never doubles it
          id: `audit-${batch.id}-${id}`,
          action: 'invoiceSettings.fleetApply',
          target: { collection: collections.invoiceSettings, id },
          before: settingsAudit(before),
          after: settingsAudit(written),
          at: batch.operatedAt,
          batchId: batch.id,
        })
        outcomes.push({
          id,
          result: isChange ? ('changed' as const) : ('unchanged' as const),
          row: settingsView(written, titleDoc),
        })
      }
      return outcomes
    },
  }
}

type Selection = {
  vehicleIds?: string[]
  allMatching?: ParsedRequest<'invoiceSettings.fleetApply'>['allMatching']
}

/** Listed ids must all be the account's current vehicles: a bad id refuses the whole request. */
async function checkIds(ctx: AuthedContext, ids: string[]): Promise<Map<string, Stored<VehicleDoc>>> {
  const found = await getMany<VehicleDoc>(ctx, collections.vehicles, ids)
  for (const id of ids) {
    const vehicle = found.get(id)
    if (!vehicle || vehicle.accountId !== ctx.identity.accountId)
      throw new ActionError('NOT_FOUND', '所选车辆不存在')
    if (vehicle.scope !== 'current')
      throw new ActionError('VEHICLE_NOT_CURRENT', `${vehicle.plate}：${invoiceMessages.vehicleNotCurrent}`)
  }
  return found
}

async function selectedSettings(ctx: AuthedContext, selection: Selection): Promise<InvoiceSettingsDoc[]> {
  await syncSettings(ctx)
  const accountId = ctx.identity.accountId
  if (selection.vehicleIds) {
    const ids = [...new Set(selection.vehicleIds)]
    await checkIds(ctx, ids)
    const docs = await getMany<InvoiceSettingsDoc>(ctx, collections.invoiceSettings, ids)
    return ids.flatMap((id) => docs.get(id) ?? [])
  }
  return queryAll<InvoiceSettingsDoc>(
    ctx,
    collections.invoiceSettings,
    settingsWhere(accountId, selection.allMatching ?? {}),
    {
      field: 'plate',
      direction: 'asc',
    },
  )
}

/** What the change would do to every selected vehicle; writes only the settings sync. */
export async function fleetPreview(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceSettings.fleetPreview'>,
): Promise<ActionResponses['invoiceSettings.fleetPreview']> {
  const docs = await selectedSettings(ctx, input)
  const p = changeParams(input.change)
  const now = ctx.clock.now().toISOString()
  const titleIds = docs.flatMap((d) => (d.defaultTitleId ? [d.defaultTitleId] : []))
  const titles = await getMany<InvoiceTitleDoc>(ctx, collections.invoiceTitles, titleIds)
  const rows: FleetPreviewRow[] = docs.map((before) => {
    const vehicle = {
      id: before.vehicleId,
      accountId: before.accountId,
      plate: before.plate,
      plateColor: before.plateColor,
      cardType: before.cardType,
      scope: before.scope,
    } as VehicleDoc
    const { next, title, titleId, problem } = plan(vehicle, before, p, now)
    const current = before.defaultTitleId ? titles.get(before.defaultTitleId) : undefined
    const titleSame =
      !title ||
      (titleId === before.defaultTitleId &&
        current !== undefined &&
        (['address', 'phone', 'bank', 'bankAccount'] as const).every(
          (f) => (current[f] ?? null) === title[f],
        ))
    return {
      vehicleId: before.vehicleId,
      plate: before.plate,
      plateColor: before.plateColor,
      cardType: before.cardType,
      before: previewValues(before),
      after: previewValues(next),
      changes: problem === null && (!titleSame || !sameSettings(before, next)),
      problem,
    }
  })
  const offset = input.cursor === undefined ? 0 : Number(input.cursor)
  if (!Number.isInteger(offset) || offset < 0 || offset > rows.length)
    throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
  const end = offset + input.limit
  return {
    items: rows.slice(offset, end),
    total: rows.length,
    nextCursor: end < rows.length ? String(end) : null,
    willChange: rows.filter((r) => r.changes).length,
    unchanged: rows.filter((r) => !r.changes && r.problem === null).length,
    problems: rows.filter((r) => r.problem !== null).length,
  }
}

/**
 * Applies a title and/or settings to the selected vehicles: a fleet batch (core/batches.ts) like
 * parking.set. Listed ids are all checked before anything is written; each chunk re-checks its
 * vehicles in its transaction, and one that left the account or stopped being current meanwhile,
 * or whose settings the change would make inconsistent, fails alone. Every vehicle is audited
 * once per batch (before, after); a retried call with the same key applies nothing twice.
 */
export async function fleetApply(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceSettings.fleetApply'>,
): Promise<ActionResponses['invoiceSettings.fleetApply']> {
  const startedAt = ctx.clock.now()
  const accountId = ctx.identity.accountId
  const ids = input.vehicleIds ? [...new Set(input.vehicleIds)] : null
  const filter = input.allMatching ?? {}
  const { progress, rows } = await runFleetBatch(ctx, fleetBatch(ctx), {
    accountId,
    key: input.batchKey,
    continuation: input.continuation,
    startedAt,
    selection: ids
      ? { by: 'ids', ids }
      : {
          by: 'filter',
          filter: {
            plate: filter.plate ?? null,
            cardType: filter.cardType ?? null,
            title: filter.title ?? null,
          },
        },
    params: changeParams(input.change),
    async prepare() {
      await syncSettings(ctx)
      if (!ids)
        return { total: await ctx.store.count(collections.invoiceSettings, settingsWhere(accountId, filter)) }
      await checkIds(ctx, ids)
      return { total: ids.length }
    },
  })
  return { ...progress, items: rows }
}

export type { ParsedTitle }
