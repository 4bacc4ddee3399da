import { collections, type InvoiceSettingsDoc, type InvoiceTitleDoc } from '../../../core/documents'
import { settingsView, titleKindOf, titleView } from '../../../core/invoices/views'
import type { Condition } from '../../../ports/store'
import type { ActionResponses, FleetFilter, ParsedRequest } from '../../../../types/api'
import type { AuthedContext } from '../context'
import {
  audit,
  auditId,
  ownCurrentVehicle,
  queryAll,
  syncSettings,
  vehicleSettings,
  vehicleTitles,
} from './invoiceCommon'
import { getMany, queryPage, type Stored } from './views'

/** The fleet filter as store conditions on invoiceSettings (current vehicles only). */
export function settingsWhere(accountId: string, filter: FleetFilter): Condition[] {
  const where: Condition[] = [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'scope', op: 'eq', value: 'current' },
  ]
  if (filter.cardType) where.push({ field: 'cardType', op: 'eq', value: filter.cardType })
  if (filter.title !== undefined) where.push({ field: 'defaultTitle', op: 'eq', value: filter.title })
  if (filter.plate) where.push({ field: 'plate', op: 'eq', value: filter.plate })
  return where
}

export function settingsAudit(doc: InvoiceSettingsDoc) {
  return {
    singleTrip: doc.singleTrip,
    monthlyMerged: doc.monthlyMerged,
    email: doc.email,
    autoSend: doc.autoSend,
    defaultTitle: doc.defaultTitle,
  }
}

/** Default titles of the settings rows (their names are shown masked when personal). */
async function defaultTitles(ctx: AuthedContext, docs: InvoiceSettingsDoc[]) {
  return getMany<InvoiceTitleDoc>(
    ctx,
    collections.invoiceTitles,
    docs.flatMap((d) => (d.defaultTitleId ? [d.defaultTitleId] : [])),
  )
}

/** 开票设置查询: current vehicles by plate, with their settings and default title. */
export async function listSettings(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceSettings.list'>,
): Promise<ActionResponses['invoiceSettings.list']> {
  // the first page brings the settings documents in line with the vehicles (new vehicles, plates)
  if (!input.cursor) await syncSettings(ctx)
  const where = settingsWhere(ctx.identity.accountId, input)
  const [page, total] = await Promise.all([
    queryPage<InvoiceSettingsDoc>(ctx, collections.invoiceSettings, {
      where,
      orderBy: { field: 'plate', direction: 'asc' },
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.invoiceSettings, where),
  ])
  const titles = await defaultTitles(ctx, page.items)
  return {
    items: page.items.map((d) =>
      settingsView(d, d.defaultTitleId ? (titles.get(d.defaultTitleId) ?? null) : null),
    ),
    total,
    nextCursor: page.nextCursor,
  }
}

export async function getSettings(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceSettings.get'>,
): Promise<ActionResponses['invoiceSettings.get']> {
  const vehicle = await ownCurrentVehicle(ctx, input.vehicleId)
  const titles = await vehicleTitles(ctx, vehicle.id)
  const settings = await vehicleSettings(ctx, vehicle, titles)
  const def = titles.find((t) => t.isDefault) ?? null
  return { settings: settingsView(settings, def), titles: titles.map(titleView) }
}

/** Replaces one vehicle's settings; audited with before and after. */
export async function setSettings(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceSettings.set'>,
): Promise<ActionResponses['invoiceSettings.set']> {
  const vehicle = await ownCurrentVehicle(ctx, input.vehicleId)
  const titles = await vehicleTitles(ctx, vehicle.id)
  const def = titles.find((t) => t.isDefault) ?? null
  const now = ctx.clock.now().toISOString()
  const saved = await ctx.store.transaction(async (tx) => {
    const stored = await tx.get<Stored<InvoiceSettingsDoc>>(collections.invoiceSettings, vehicle.id)
    const before = await vehicleSettings(ctx, vehicle, titles)
    const base = stored ?? before
    const next: InvoiceSettingsDoc = {
      ...base,
      singleTrip: input.singleTrip,
      monthlyMerged: input.monthlyMerged,
      email: input.email,
      autoSend: input.autoSend,
      updatedAt: now,
    }
    await tx.set(collections.invoiceSettings, vehicle.id, { ...next })
    await audit(tx, ctx, {
      id: auditId(ctx, 'invoiceSettings.set', vehicle.id),
      action: 'invoiceSettings.set',
      target: { collection: collections.invoiceSettings, id: vehicle.id },
      before: settingsAudit(base),
      after: settingsAudit(next),
      at: now,
    })
    return next
  })
  return settingsView(saved, def)
}

/**
 * Distinct names of company default titles over the current vehicles (the fleet page's 当前抬头
 * filter). Personal titles are names of people, shown masked everywhere, so they are not offered.
 */
export async function titleNames(ctx: AuthedContext): Promise<ActionResponses['invoiceSettings.titleNames']> {
  await syncSettings(ctx)
  const accountId = ctx.identity.accountId
  const [docs, titles] = await Promise.all([
    queryAll<InvoiceSettingsDoc>(ctx, collections.invoiceSettings, settingsWhere(accountId, {})),
    queryAll<InvoiceTitleDoc>(ctx, collections.invoiceTitles, [
      { field: 'accountId', op: 'eq', value: accountId },
    ]),
  ])
  const company = new Set(titles.filter((t) => titleKindOf(t) === 'company').map((t) => t.id))
  const names = new Set<string>()
  for (const d of docs) if (d.defaultTitleId && company.has(d.defaultTitleId)) names.add(d.defaultTitle)
  return { names: [...names].sort() }
}
