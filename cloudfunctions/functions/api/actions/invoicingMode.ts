import { collections, type InvoiceDoc, type InvoicingModeDoc, type VehicleDoc } from '../../../core/documents'
import type { InvoicingModeView, ParsedRequest } from '../../../../types/api'
import { invoicingModeLabels, type InvoicingMode } from '../../../../types/invoiceRules'
import type { TxStore } from '../../../ports/store'
import { ActionError, type AuthedContext } from '../context'
import { audit, auditId, queryAll } from './invoiceCommon'
import { getMany, type Stored } from './views'

/**
 * 开票方式 of stored-value accounts: a recharge is invoiced when paid, or the trips it pays for
 * are; never both, or the same money is invoiced twice. The account chooses, and its first
 * invoice fixes the choice. Accounts without stored-value cards always invoice trips.
 */
export interface ModeState extends InvoicingModeView {
  doc: InvoicingModeDoc | null
}

export async function modeState(ctx: AuthedContext): Promise<ModeState> {
  const accountId = ctx.identity.accountId
  const [storedVehicles, doc] = await Promise.all([
    ctx.store.count(collections.vehicles, [
      { field: 'accountId', op: 'eq', value: accountId },
      { field: 'cardType', op: 'eq', value: 'stored' },
    ]),
    ctx.store.get<Stored<InvoicingModeDoc>>(collections.invoicingModes, accountId),
  ])
  const applies = storedVehicles > 0
  if (doc) return { applies, mode: doc.mode, locked: doc.lockedAt !== null, doc }
  if (!applies) return { applies, mode: null, locked: false, doc: null }
  // Accounts invoiced before the choice existed: what they were invoiced by is their choice.
  const used = await usedMode(ctx)
  return { applies, mode: used, locked: used !== null, doc: null }
}

async function usedMode(ctx: AuthedContext): Promise<InvoicingMode | null> {
  const accountId = ctx.identity.accountId
  const recharge = await ctx.store.count(collections.invoices, [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'kind', op: 'eq', value: 'recharge' },
  ])
  if (recharge > 0) return 'recharge'
  const tripInvoices = await queryAll<InvoiceDoc>(ctx, collections.invoices, [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'kind', op: 'in', value: ['singleTrip', 'monthlyMerged'] },
  ])
  const vehicles = await getMany<VehicleDoc>(
    ctx,
    collections.vehicles,
    tripInvoices.map((i) => i.vehicleId),
  )
  return [...vehicles.values()].some((v) => v.cardType === 'stored') ? 'trip' : null
}

export function modeView(state: ModeState): InvoicingModeView {
  return { mode: state.mode, locked: state.locked, applies: state.applies }
}

/**
 * Checks that an invoice of `needed` may be issued and, in the issuing transaction, fixes the mode.
 * `storedValue`: whether the invoice concerns stored-value money (a recharge, or a stored-value
 * card's trips); credit cards' trips are outside the rule.
 */
export function modeCheck(state: ModeState, needed: InvoicingMode, storedValue: boolean): void {
  if (!storedValue || !state.applies) return
  if (state.mode !== null && state.mode !== needed)
    throw new ActionError(
      'INVOICING_MODE_MISMATCH',
      `本账户开票方式为“${invoicingModeLabels[state.mode]}”，不能${needed === 'trip' ? '按通行' : '按充值'}开票`,
    )
}

export async function lockMode(tx: TxStore, ctx: AuthedContext, needed: InvoicingMode): Promise<void> {
  const accountId = ctx.identity.accountId
  const current = await tx.get<Stored<InvoicingModeDoc>>(collections.invoicingModes, accountId)
  if (current && current.mode !== needed)
    throw new ActionError('INVOICING_MODE_MISMATCH', `本账户开票方式为“${invoicingModeLabels[current.mode]}”`)
  if (current?.lockedAt) return
  const now = ctx.clock.now().toISOString()
  const doc: InvoicingModeDoc = { id: accountId, mode: needed, lockedAt: now, updatedAt: now }
  await tx.set(collections.invoicingModes, accountId, { ...doc })
}

export async function getMode(ctx: AuthedContext): Promise<InvoicingModeView> {
  return modeView(await modeState(ctx))
}

export async function setMode(
  ctx: AuthedContext,
  input: ParsedRequest<'invoiceSettings.setMode'>,
): Promise<InvoicingModeView> {
  const state = await modeState(ctx)
  if (!state.applies)
    throw new ActionError('INVALID_INPUT', '本账户没有储值卡，按通行开票，无需选择开票方式', {
      mode: '无需选择开票方式',
    })
  if (state.locked && state.mode !== input.mode) throw new ActionError('INVOICING_MODE_LOCKED')
  const accountId = ctx.identity.accountId
  const now = ctx.clock.now().toISOString()
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<Stored<InvoicingModeDoc>>(collections.invoicingModes, accountId)
    if (current?.lockedAt && current.mode !== input.mode) throw new ActionError('INVOICING_MODE_LOCKED')
    const next: InvoicingModeDoc = {
      id: accountId,
      mode: input.mode,
      lockedAt: current?.lockedAt ?? (state.locked ? now : null),
      updatedAt: now,
    }
    await tx.set(collections.invoicingModes, accountId, { ...next })
    await audit(tx, ctx, {
      id: auditId(ctx, 'invoiceSettings.setMode', accountId),
      action: 'invoiceSettings.setMode',
      target: { collection: collections.invoicingModes, id: accountId },
      before: { mode: current?.mode ?? state.mode, locked: Boolean(current?.lockedAt) || state.locked },
      after: { mode: next.mode, locked: next.lockedAt !== null },
      at: now,
    })
  })
  return getMode(ctx)
}
