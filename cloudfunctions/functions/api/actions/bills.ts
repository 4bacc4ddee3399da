import { collections, type BillRollupDoc, type VehicleDoc } from '../../../core/documents'
import {
  billDetailRows,
  billTotals,
  detailsCount,
  detailsSelection,
  detailsTotals,
  hiddenSums,
  monthRollupsSelection,
  scanAll,
  statisticsRows,
  statisticsSelection,
  visibleTotals,
} from '../../../core/bills/lists'
import { newLookups } from '../../../core/bills/lookups'
import { statisticsWindow, visibleMonths } from '../../../core/bills/periods'
import { addTotals, rollupTotals, zeroTotals } from '../../../core/bills/rollups'
import type { TripDoc } from '../../../core/documents'
import { fen } from '../../../../types/money'
import {
  billDetailsNotice,
  billMonthNotice,
  monthsBetween,
  monthsOfPeriod,
  type TrendPoint,
  type VehicleTrend,
} from '../../../../types/actions/bills'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { AuthedContext } from '../context'
import { billCalendar, billsInput, billsScope, offsetOf } from './billsScope'
import { ownDoc, queryPage } from './views'

/**
 * 账单统计 (from the rollups; the quarter or year still open loses its hidden months), the trend
 * chart, and 账单明细 (trips keyed on exit time; refunds as rows of their own, netted in totals).
 */

export async function billStatistics(
  ctx: AuthedContext,
  input: ParsedRequest<'bills.statistics'>,
): Promise<ActionResponses['bills.statistics']> {
  const calendar = await billCalendar(ctx)
  const window = await billsInput(() => statisticsWindow(input, calendar))
  const offset = offsetOf(input.cursor)
  const scope = billsScope(ctx)
  const selection = statisticsSelection(scope.accountId, { ...input, from: window.from, to: window.to })
  const [docs, hidden] = await Promise.all([
    scanAll<BillRollupDoc>(ctx.store, selection),
    hiddenSums(scope, input.period, window.hiddenMonths, input.plate),
  ])
  docs.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
  let totals = zeroTotals()
  for (const doc of docs) totals = addTotals(totals, visibleTotals(doc, hidden))
  const page = docs.slice(offset, offset + input.limit)
  return {
    items: await statisticsRows(scope, page, hidden, newLookups()),
    total: docs.length,
    nextCursor: offset + input.limit < docs.length ? `o${offset + input.limit}` : null,
    period: input.period,
    latestMonth: window.latestMonth,
    totals: billTotals(totals),
    notice: billMonthNotice,
  }
}

const maxTrendVehicles = 20

export async function billTrend(
  ctx: AuthedContext,
  input: ParsedRequest<'bills.trend'>,
): Promise<ActionResponses['bills.trend']> {
  if (input.vehicleId !== undefined) await ownDoc<VehicleDoc>(ctx, collections.vehicles, input.vehicleId)
  const calendar = await billCalendar(ctx)
  const window = await billsInput(() =>
    visibleMonths(input.fromMonth, input.toMonth, calendar, { from: 'fromMonth', to: 'toMonth' }),
  )
  const selection = monthRollupsSelection(ctx.identity.accountId, window.firstMonth, window.lastMonth, {
    vehicleId: input.vehicleId,
  })
  const months = new Map(monthsBetween(window.firstMonth, window.lastMonth).map((m) => [m, zeroTotals()]))
  const vehicles = new Map<string, { plate: string; totals: ReturnType<typeof zeroTotals> }>()
  for (const doc of await scanAll<BillRollupDoc>(ctx.store, selection)) {
    const t = rollupTotals(doc)
    months.set(doc.key, addTotals(months.get(doc.key) ?? zeroTotals(), t))
    const v = vehicles.get(doc.vehicleId) ?? { plate: doc.plate, totals: zeroTotals() }
    vehicles.set(doc.vehicleId, { plate: doc.plate, totals: addTotals(v.totals, t) })
  }
  const points: TrendPoint[] = [...months].map(([month, t]) => ({
    month,
    count: t.count,
    amount: t.amount,
    refunded: t.refunded,
    net: fen(t.amount - t.refunded),
  }))
  const ranked = [...vehicles]
    .map(([vehicleId, v]) => ({
      vehicleId,
      plate: v.plate,
      net: fen(v.totals.amount - v.totals.refunded),
      count: v.totals.count,
    }))
    .sort((a, b) => b.net - a.net || (a.plate < b.plate ? -1 : 1))
    .slice(0, maxTrendVehicles)
  const colors = await Promise.all(
    ranked.map((v) =>
      ctx.store.get<VehicleDoc & { [k: string]: unknown }>(collections.vehicles, v.vehicleId),
    ),
  )
  const top: VehicleTrend[] = ranked.map((v, i) => ({ ...v, plateColor: colors[i]?.plateColor ?? '蓝' }))
  return { months: points, vehicles: top, vehicleCount: vehicles.size, latestMonth: window.latestMonth }
}

/** The months a details request covers, cut at the latest visible month. */
export async function detailsWindow(
  ctx: AuthedContext,
  period: ParsedRequest<'bills.details'>['period'],
  key: string,
) {
  const calendar = await billCalendar(ctx)
  const { first, last } = monthsOfPeriod(period, key)
  return billsInput(() => visibleMonths(first, last, calendar, { from: 'key', to: 'key' }))
}

export async function billDetails(
  ctx: AuthedContext,
  input: ParsedRequest<'bills.details'>,
): Promise<ActionResponses['bills.details']> {
  const window = await detailsWindow(ctx, input.period, input.key)
  const scope = billsScope(ctx)
  const filter = {
    scene: input.scene,
    plate: input.plate,
    firstMonth: window.firstMonth,
    lastMonth: window.lastMonth,
  }
  const selection = detailsSelection(scope.accountId, filter)
  const [page, total, totals] = await Promise.all([
    queryPage<TripDoc>(ctx, selection.collection, {
      where: selection.where,
      orderBy: selection.orderBy,
      limit: input.limit,
      after: input.cursor,
    }),
    detailsCount(scope, filter),
    detailsTotals(scope, filter),
  ])
  return {
    items: await billDetailRows(scope, page.items, input.scene, newLookups()),
    total,
    nextCursor: page.nextCursor,
    period: input.period,
    key: input.key,
    latestMonth: window.latestMonth,
    totals,
    refundsNetted: true,
    notice: billDetailsNotice,
  }
}
