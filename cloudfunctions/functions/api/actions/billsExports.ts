import type { ExportFilter } from '../../../core/exports/exportDocuments'
import { statisticsWindow } from '../../../core/bills/periods'
import type { ParsedRequest } from '../../../../types/api'
import type { AuthedContext } from '../context'
import { detailsWindow } from './bills'
import { billCalendar, billsInput } from './billsScope'
import { refundsFilter, tripsFilter } from './billsTrips'

/**
 * The bills lists' export filters resolved exactly as the lists resolve them (dates defaulted
 * and bounded, bill months cut at the latest visible one), flat as an export keeps them
 * (core/bills/exportKinds.ts reads them back).
 */
type FilterOf<K extends string> = Extract<ParsedRequest<'exports.create'>, { kind: K }>['filter']

const withPlate = (plate: string | undefined): ExportFilter => (plate === undefined ? {} : { plate })

export const billsExportFilters = {
  trips: (ctx: AuthedContext, filter: FilterOf<'trips'>): ExportFilter => {
    const resolved = tripsFilter(ctx, filter)
    return { scene: resolved.scene, ...withPlate(resolved.plate), ...resolved.range }
  },
  billDetails: async (ctx: AuthedContext, filter: FilterOf<'billDetails'>): Promise<ExportFilter> => {
    const window = await detailsWindow(ctx, filter.period, filter.key)
    return {
      scene: filter.scene,
      period: filter.period,
      key: filter.key,
      ...withPlate(filter.plate),
      firstMonth: window.firstMonth,
      lastMonth: window.lastMonth,
    }
  },
  refunds: (ctx: AuthedContext, filter: FilterOf<'refunds'>): ExportFilter => {
    const resolved = refundsFilter(ctx, filter)
    return {
      scene: resolved.scene,
      ...withPlate(resolved.plate),
      tripFrom: resolved.trip?.from ?? null,
      tripTo: resolved.trip?.to ?? null,
      refundFrom: resolved.refund?.from ?? null,
      refundTo: resolved.refund?.to ?? null,
    }
  },
  billStatistics: async (ctx: AuthedContext, filter: FilterOf<'billStatistics'>): Promise<ExportFilter> => {
    const calendar = await billCalendar(ctx)
    const window = await billsInput(() => statisticsWindow(filter, calendar))
    const hidden = window.hiddenMonths
    return {
      period: filter.period,
      from: window.from,
      to: window.to,
      ...withPlate(filter.plate),
      latestMonth: window.latestMonth,
      hiddenFrom: hidden[0] ?? null,
      hiddenTo: hidden[hidden.length - 1] ?? null,
    }
  },
}
