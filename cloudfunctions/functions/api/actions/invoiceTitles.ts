import { createHash } from 'node:crypto'
import {
  collections,
  type InvoiceSettingsDoc,
  type InvoiceTitleDoc,
  type VehicleDoc,
} from '../../../core/documents'
import { settingsOf, sortTitles, titleKindOf, titleView } from '../../../core/invoices/views'
import type { TxStore } from '../../../ports/store'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { maxTitlesPerVehicle } from '../../../../types/invoiceRules'
import { ActionError, type AuthedContext } from '../context'
import { audit, auditId, ownCurrentVehicle, vehicleTitles } from './invoiceCommon'
import { ownDoc, type Stored } from './views'

export type ParsedTitle = ParsedRequest<'invoiceTitles.save'>['title']

/** A title's fields as stored. */
export function titleFields(
  title: ParsedTitle,
): Pick<InvoiceTitleDoc, 'kind' | 'title' | 'taxNumber' | 'address' | 'phone' | 'bank' | 'bankAccount'> {
  if (title.kind === 'personal')
    return {
      kind: 'personal',
      title: title.name,
      taxNumber: null,
      address: null,
      phone: null,
      bank: null,
      bankAccount: null,
    }
  return {
    kind: 'company',
    title: title.name,
    taxNumber: title.taxNumber,
    address: title.address,
    phone: title.phone,
    bank: title.bank,
    bankAccount: title.bankAccount,
  }
}

/** The same buyer (kind, name, tax number) on one vehicle is one title: its id says so. */
export function titleIdFor(
  vehicleId: string,
  title: Pick<InvoiceTitleDoc, 'title' | 'taxNumber'> & { kind?: string },
): string {
  const digest = createHash('sha256')
    .update(`${vehicleId}\n${title.kind ?? ''}\n${title.title}\n${title.taxNumber ?? ''}`)
    .digest('hex')
  return `it-${digest.slice(0, 32)}`
}

function auditValues(title: InvoiceTitleDoc | null) {
  if (!title) return { title: null, taxNumber: null, isDefault: null }
  return { title: title.title, taxNumber: title.taxNumber, isDefault: title.isDefault }
}

/**
 * Writes the vehicle's titles after a change, in one transaction with its settings document (its
 * default title copied there): every title change of a vehicle writes that document, so two
 * concurrent changes of one vehicle conflict and one retries, instead of leaving two defaults.
 */
async function commitTitles(
  ctx: AuthedContext,
  vehicle: VehicleDoc,
  seen: InvoiceTitleDoc[],
  next: InvoiceTitleDoc[],
  removed: InvoiceTitleDoc | null,
  action: string,
): Promise<InvoiceTitleDoc[]> {
  const now = ctx.clock.now().toISOString()
  return ctx.store.transaction(async (tx: TxStore) => {
    const settings = await tx.get<Stored<InvoiceSettingsDoc>>(collections.invoiceSettings, vehicle.id)
    for (const title of next) {
      const before = seen.find((t) => t.id === title.id) ?? null
      if (before && JSON.stringify(before) === JSON.stringify(title)) continue
      await tx.set(collections.invoiceTitles, title.id, { ...title })
      await audit(tx, ctx, {
        id: auditId(ctx, action, title.id),
        action,
        target: { collection: collections.invoiceTitles, id: title.id },
        before: auditValues(before),
        after: auditValues(title),
        at: now,
      })
    }
    if (removed) {
      await tx.remove(collections.invoiceTitles, removed.id)
      await audit(tx, ctx, {
        id: auditId(ctx, action, removed.id),
        action,
        target: { collection: collections.invoiceTitles, id: removed.id },
        before: auditValues(removed),
        after: auditValues(null),
        at: now,
      })
    }
    const def = next.find((t) => t.isDefault) ?? null
    await tx.set(collections.invoiceSettings, vehicle.id, { ...settingsOf(vehicle, settings, def) })
    return sortTitles(next)
  })
}

/** Exactly one default while the vehicle has titles: `preferred`, else the current one, else the newest. */
function withOneDefault(titles: InvoiceTitleDoc[], preferred: string | null): InvoiceTitleDoc[] {
  const keep = preferred ?? titles.find((t) => t.isDefault)?.id ?? sortTitles(titles)[0]?.id ?? null
  return titles.map((t) => ({ ...t, isDefault: t.id === keep }))
}

export async function listTitles(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceTitles.list'>,
): Promise<ActionResponses['invoiceTitles.list']> {
  await ownDoc<VehicleDoc>(ctx, collections.vehicles, input.vehicleId)
  return { items: (await vehicleTitles(ctx, input.vehicleId)).map(titleView) }
}

/**
 * Adds or edits a title. A title with the same buyer (kind, name, credit code) as another of the
 * vehicle is that title (edited, not doubled). The first title becomes the default.
 */
export async function saveTitle(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceTitles.save'>,
): Promise<ActionResponses['invoiceTitles.save']> {
  const vehicle = await ownCurrentVehicle(ctx, input.vehicleId)
  const seen = await vehicleTitles(ctx, vehicle.id)
  const fields = titleFields(input.title)
  const now = ctx.clock.now().toISOString()
  let edited: InvoiceTitleDoc | undefined
  if (input.id !== undefined) {
    const existing = seen.find((t) => t.id === input.id)
    // a title of another vehicle or account is one that does not exist here
    if (!existing) throw new ActionError('NOT_FOUND', '发票抬头不存在')
    edited = existing
  } else {
    edited = seen.find(
      (t) => titleKindOf(t) === fields.kind && t.title === fields.title && t.taxNumber === fields.taxNumber,
    )
    if (!edited && seen.length >= maxTitlesPerVehicle) throw new ActionError('INVOICE_TITLE_LIMIT')
  }
  const saved: InvoiceTitleDoc = edited
    ? { ...edited, ...fields, updatedAt: now }
    : {
        id: titleIdFor(vehicle.id, fields),
        accountId: vehicle.accountId,
        vehicleId: vehicle.id,
        ...fields,
        isDefault: false,
        createdAt: now,
        updatedAt: now,
      }
  const others = seen.filter((t) => t.id !== saved.id)
  // isDefault true: this one; false on the default: the newest other (a lone title stays default)
  const preferred =
    input.isDefault === true
      ? saved.id
      : input.isDefault === false && saved.isDefault && others.length > 0
        ? sortTitles(others.map((t) => ({ ...t, isDefault: false })))[0].id
        : null
  const next = withOneDefault([...others, saved], preferred)
  const titles = await commitTitles(ctx, vehicle, seen, next, null, 'invoiceTitles.save')
  const result = titles.find((t) => t.id === saved.id)
  if (!result) throw new ActionError('CONFLICT')
  return titleView(result)
}

export async function removeTitle(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceTitles.remove'>,
): Promise<ActionResponses['invoiceTitles.remove']> {
  const title = await ownDoc<InvoiceTitleDoc>(ctx, collections.invoiceTitles, input.id)
  const vehicle = await ownCurrentVehicle(ctx, title.vehicleId)
  const seen = await vehicleTitles(ctx, vehicle.id)
  const rest = withOneDefault(
    seen.filter((t) => t.id !== title.id),
    null,
  )
  const titles = await commitTitles(ctx, vehicle, seen, rest, title, 'invoiceTitles.remove')
  return { items: titles.map(titleView) }
}

export async function setDefaultTitle(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceTitles.setDefault'>,
): Promise<ActionResponses['invoiceTitles.setDefault']> {
  const title = await ownDoc<InvoiceTitleDoc>(ctx, collections.invoiceTitles, input.id)
  const vehicle = await ownCurrentVehicle(ctx, title.vehicleId)
  const seen = await vehicleTitles(ctx, vehicle.id)
  const titles = await commitTitles(
    ctx,
    vehicle,
    seen,
    withOneDefault(seen, title.id),
    null,
    'invoiceTitles.setDefault',
  )
  return { items: titles.map(titleView) }
}
