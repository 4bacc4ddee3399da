import { beijingTime, shanghaiDay } from '../businessTime'
import type { BillRollupDoc, TripDoc } from '../documents'
import type { ExportFilter } from '../exports/exportDocuments'
import type { ExportKindSpec } from '../exports/registry'
import { formatYuan } from '../../../types/money'
import type { TripScene } from '../../../types/enums'
import type { DateRange } from '../../../types/dateRange'
import {
  billPeriodLabels,
  billSceneLabels,
  monthsBetween,
  refundSceneLabels,
  tripSceneLabels,
  type BillPeriod,
  type BillSceneFilter,
  type RefundScene,
} from '../../../types/actions/bills'
import type { PlateColor } from '../../../types/enums'
import {
  billDetailRows,
  detailsSelection,
  hiddenSums,
  refundRows,
  refundsSelection,
  statisticsRows,
  statisticsSelection,
  tripRows,
  tripsSelection,
  type DetailsFilter,
  type HiddenSums,
  type RefundsFilter,
  type StatisticsFilter,
  type TripsFilter,
} from './lists'
import { newLookups } from './lookups'

/**
 * The bills lists as export kinds (core/exports/registry.ts lists them): each selects with its
 * list's own query and maps each page with its list's own row builder, keeping its lookups across
 * pages, so a file holds exactly the rows the list pages through and never more than a page of
 * documents at a time. Filters are stored resolved (functions/api/actions/exports.ts): dates and
 * the visible bill months as they were when the export was queued.
 */

/** YYYY-MM-DD HH:mm:ss in Asia/Shanghai, as registry.ts's shanghaiTimeText (no value import: a cycle). */
function shanghaiTimeText(instant: string): string {
  return beijingTime(new Date(instant)).format('YYYY-MM-DD HH:mm:ss')
}

function text(filter: ExportFilter, key: string): string {
  const value = filter[key]
  if (typeof value !== 'string') throw new Error(`export filter lacks ${key}`)
  return value
}

function optional(filter: ExportFilter, key: string): string | undefined {
  const value = filter[key]
  return typeof value === 'string' ? value : undefined
}

function rangeOf(filter: ExportFilter, from: string, to: string): DateRange | null {
  const f = optional(filter, from)
  const t = optional(filter, to)
  return f !== undefined && t !== undefined ? { from: f, to: t } : null
}

export function plateText(plate: string, color: PlateColor): string {
  return `${plate}【${color}】`
}

function stations(entry: string | null, exit: string): string {
  return entry ? `${entry} ${exit}` : exit
}

const plateSuffix = (filter: ExportFilter) => {
  const plate = optional(filter, 'plate')
  return plate ? ` ${plate}` : ''
}

export const tripsFilterOf = (filter: ExportFilter): TripsFilter => ({
  scene: text(filter, 'scene') as TripScene,
  plate: optional(filter, 'plate'),
  range: { from: text(filter, 'from'), to: text(filter, 'to') },
})

export const tripsExport: ExportKindSpec = {
  kind: 'trips',
  label: '通行流水',
  fileStem: 'trips',
  columns: [
    { header: '车牌号码', width: 18 },
    { header: '通行时间', width: 20 },
    { header: '扣款日期', width: 12 },
    { header: 'ETC通行卡卡号', width: 20 },
    { header: '收费金额(元)', width: 14 },
    { header: '优惠金额(元)', width: 14 },
    { header: '出入口站点', width: 36 },
  ],
  select: (accountId, filter) => tripsSelection(accountId, tripsFilterOf(filter)),
  mapper(scope) {
    const lookups = newLookups()
    return async (docs) =>
      (await tripRows(scope, docs as unknown as TripDoc[], lookups)).map((row) => [
        plateText(row.plate, row.plateColor),
        shanghaiTimeText(row.exitAt),
        row.deductionDate,
        row.cardNo,
        formatYuan(row.amount),
        formatYuan(row.discount),
        stations(row.entryStation, row.exitStation),
      ])
  },
  describe: (filter) => {
    const f = tripsFilterOf(filter)
    return `${tripSceneLabels[f.scene]} ${f.range.from} 至 ${f.range.to}${plateSuffix(filter)}`
  },
}

export const detailsFilterOf = (filter: ExportFilter): DetailsFilter => ({
  scene: text(filter, 'scene') as BillSceneFilter,
  plate: optional(filter, 'plate'),
  firstMonth: text(filter, 'firstMonth'),
  lastMonth: text(filter, 'lastMonth'),
})

export const billDetailsExport: ExportKindSpec = {
  kind: 'billDetails',
  label: '账单明细',
  fileStem: 'bill-details',
  columns: [
    { header: '车牌号码', width: 18 },
    { header: '通行时间', width: 20 },
    { header: '扣款日期', width: 12 },
    { header: 'ETC通行卡卡号', width: 20 },
    { header: '出入口站点', width: 36 },
    { header: '账单类型', width: 12 },
    { header: '交易金额（元）', width: 14 },
  ],
  select: (accountId, filter) => detailsSelection(accountId, detailsFilterOf(filter)),
  mapper(scope, filter) {
    const lookups = newLookups()
    return async (docs) => {
      const scene = detailsFilterOf(filter).scene
      return (await billDetailRows(scope, docs as unknown as TripDoc[], scene, lookups)).map((row) => [
        plateText(row.plate, row.plateColor),
        shanghaiTimeText(row.exitAt),
        row.deductionDate,
        row.cardNo,
        stations(row.entryStation, row.exitStation),
        row.sceneLabel,
        formatYuan(row.amount),
      ])
    }
  },
  describe: (filter) => {
    const f = detailsFilterOf(filter)
    const scene = f.scene === 'all' ? '全部' : billSceneLabels[f.scene]
    return `${f.firstMonth} 至 ${f.lastMonth} ${scene}${plateSuffix(filter)}`
  },
}

export const refundsFilterOf = (filter: ExportFilter): RefundsFilter => ({
  scene: text(filter, 'scene') as RefundScene,
  plate: optional(filter, 'plate'),
  trip: rangeOf(filter, 'tripFrom', 'tripTo'),
  refund: rangeOf(filter, 'refundFrom', 'refundTo'),
})

export const refundsExport: ExportKindSpec = {
  kind: 'refunds',
  label: '退费记录',
  fileStem: 'refunds',
  columns: [
    { header: '车牌号码', width: 18 },
    { header: '出入口收费站', width: 36 },
    { header: '通行时间', width: 20 },
    { header: '退费日期', width: 20 },
    { header: '退款金额(元)', width: 14 },
    { header: '退款状态', width: 10 },
  ],
  select: (accountId, filter) => refundsSelection(accountId, refundsFilterOf(filter)),
  mapper(scope) {
    const lookups = newLookups()
    return async (docs) =>
      (await refundRows(scope, docs as unknown as TripDoc[], lookups)).map((row) => [
        plateText(row.plate, row.plateColor),
        stations(row.entryStation, row.exitStation),
        shanghaiTimeText(row.tripAt),
        shanghaiDay(new Date(row.refundAt)),
        formatYuan(row.amount),
        row.statusLabel,
      ])
  },
  describe: (filter) => {
    const f = refundsFilterOf(filter)
    const parts = [refundSceneLabels[f.scene]]
    if (f.trip) parts.push(`通行时间 ${f.trip.from} 至 ${f.trip.to}`)
    if (f.refund) parts.push(`退费日期 ${f.refund.from} 至 ${f.refund.to}`)
    return parts.join(' ') + plateSuffix(filter)
  },
}

export const statisticsFilterOf = (filter: ExportFilter): StatisticsFilter & { hiddenMonths: string[] } => {
  const hidden = rangeOf(filter, 'hiddenFrom', 'hiddenTo')
  return {
    period: text(filter, 'period') as BillPeriod,
    from: text(filter, 'from'),
    to: text(filter, 'to'),
    plate: optional(filter, 'plate'),
    hiddenMonths: hidden ? monthsBetween(hidden.from, hidden.to) : [],
  }
}

export const billStatisticsExport: ExportKindSpec = {
  kind: 'billStatistics',
  label: '账单统计',
  fileStem: 'bill-statistics',
  columns: [
    { header: '车牌号码', width: 18 },
    { header: '统计时间', width: 16 },
    { header: 'ETC通行卡卡号', width: 20 },
    { header: '总金额(元)', width: 14 },
  ],
  select: (accountId, filter) => statisticsSelection(accountId, statisticsFilterOf(filter)),
  mapper(scope, filter) {
    const lookups = newLookups()
    let hidden: Promise<HiddenSums> | null = null
    return async (docs) => {
      const f = statisticsFilterOf(filter)
      hidden ??= hiddenSums(scope, f.period, f.hiddenMonths, f.plate)
      const rows = await statisticsRows(scope, docs as unknown as BillRollupDoc[], await hidden, lookups)
      return rows.map((row) => [
        plateText(row.plate, row.plateColor),
        row.periodLabel,
        row.cardNo,
        formatYuan(row.net),
      ])
    }
  },
  describe: (filter) => {
    const f = statisticsFilterOf(filter)
    return `${billPeriodLabels[f.period]} ${f.from} 至 ${f.to}${plateSuffix(filter)}`
  },
}
