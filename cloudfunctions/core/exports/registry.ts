import dayjs from 'dayjs'
import { businessTimeZone } from '../businessTime'
import { collections } from '../documents'
import type { AllocationRecordDoc, RechargeOrderDoc } from '../money/moneyDocuments'
import {
  allocationRecordsQuery,
  allocationRecordViews,
  rechargeOrderViews,
  rechargeRecordsQuery,
  type CardLabelCache,
  type RecordsScope,
} from '../money/records'
import type { Condition, Doc, Query } from '../../ports/store'
import type { DateRange } from '../../../types/dateRange'
import type { ExportKind } from '../../../types/actions/exports'
import type { RechargeOrderView } from '../../../types/actions/money'
import { rechargeStatusLabels } from '../../../types/moneyRules'
import { formatYuan } from '../../../types/money'
import type { ExportFilter } from './exportDocuments'
import { billDetailsExport, billStatisticsExport, refundsExport, tripsExport } from '../bills/exportKinds'
import { invoicesExportSpec } from '../invoices/exportSpec'

/**
 * What each exportable list is as a file: its name, its columns (the seed's headers), the query
 * its list pages through for a filter, and how a page of its documents becomes rows. A list that
 * gains an export adds one entry here; the jobs, the actions, 导出记录 and the download need
 * nothing else. Cells are text exactly as the list shows them: money as yuan (formatYuan), times
 * in Asia/Shanghai, card numbers masked.
 */
export interface ExportColumn {
  header: string
  /** Column width in characters. */
  width: number
}

export interface ExportSelection {
  collection: string
  where: Condition[]
  orderBy: NonNullable<Query['orderBy']>
}

export interface ExportKindSpec {
  kind: ExportKind
  /** 业务类型 in 导出记录 and the start of the file name: 充值记录. */
  label: string
  /** ASCII name for storage paths and the plain `filename` of downloads: recharge-records. */
  fileStem: string
  columns: readonly ExportColumn[]
  /** The list's own query for this (resolved) filter. */
  select(accountId: string, filter: ExportFilter): ExportSelection
  /**
   * A mapper for one export: a page of documents in, its rows out (lookups kept across pages).
   * `filter` is the export's resolved filter, for rows that depend on more than the documents.
   */
  mapper(scope: RecordsScope, filter: ExportFilter): (docs: Doc[]) => Promise<string[][]>
  /** The filter in words: 2024-12-01 至 2024-12-13. */
  describe(filter: ExportFilter): string
}

/** YYYY-MM-DD HH:mm:ss in Asia/Shanghai, as the lists show times. */
export function shanghaiTimeText(instant: string | null): string {
  return instant ? dayjs(instant).tz(businessTimeZone).format('YYYY-MM-DD HH:mm:ss') : ''
}

/** The date range of a money records filter (both ends resolved when the export was queued). */
function dateRangeOf(filter: ExportFilter): DateRange {
  const { from, to } = filter
  if (typeof from !== 'string' || typeof to !== 'string')
    throw new Error('export filter lacks its resolved date range')
  return { from, to }
}

const describeRange = (filter: ExportFilter): string => {
  const { from, to } = dateRangeOf(filter)
  return `${from} 至 ${to}`
}

function placeText(place: RechargeOrderView['target']): string {
  return place.kind === 'account' ? '用户账户' : `${place.plate} ${place.cardNo}`
}

const rechargeRecords: ExportKindSpec = {
  kind: 'rechargeRecords',
  label: '充值记录',
  fileStem: 'recharge-records',
  columns: [
    { header: '订单编号', width: 26 },
    { header: '用户账号', width: 26 },
    { header: '充值时间', width: 20 },
    { header: '充值来源', width: 14 },
    { header: '充值金额(元)', width: 14 },
    { header: '充值交易流水号', width: 34 },
    { header: '状态', width: 10 },
  ],
  select: (accountId, filter) => ({
    collection: collections.rechargeOrders,
    ...rechargeRecordsQuery(accountId, dateRangeOf(filter)),
  }),
  mapper(scope) {
    const cache: CardLabelCache = new Map()
    return async (docs) => {
      const views = await rechargeOrderViews(scope, docs as unknown as RechargeOrderDoc[], cache)
      return views.map((view) => [
        view.orderNo,
        placeText(view.target),
        shanghaiTimeText(view.createdAt),
        view.source,
        formatYuan(view.amount),
        view.providerTradeNo ?? '',
        rechargeStatusLabels[view.status],
      ])
    }
  },
  describe: describeRange,
}

const allocationRecords: ExportKindSpec = {
  kind: 'allocationRecords',
  label: '预分配记录',
  fileStem: 'allocation-records',
  columns: [
    { header: '车牌号码', width: 14 },
    { header: 'ETC通行卡卡号', width: 20 },
    { header: '预分配时间', width: 20 },
    { header: '预分配金额(元)', width: 16 },
    { header: '数据来源', width: 14 },
  ],
  select: (accountId, filter) => ({
    collection: collections.allocationRecords,
    ...allocationRecordsQuery(accountId, dateRangeOf(filter)),
  }),
  mapper(scope) {
    const cache: CardLabelCache = new Map()
    return async (docs) => {
      const views = await allocationRecordViews(scope, docs as unknown as AllocationRecordDoc[], cache)
      return views.map((view) => [
        view.plate,
        view.cardNo,
        shanghaiTimeText(view.at),
        formatYuan(view.amount),
        view.source,
      ])
    }
  },
  describe: describeRange,
}

/** Every exportable list, by kind. */
export const exportRegistry: Readonly<Record<ExportKind, ExportKindSpec>> = {
  rechargeRecords,
  allocationRecords,
  invoices: invoicesExportSpec(shanghaiTimeText),
  trips: tripsExport,
  billDetails: billDetailsExport,
  refunds: refundsExport,
  billStatistics: billStatisticsExport,
}

export function exportKindSpec(kind: ExportKind): ExportKindSpec {
  const spec = exportRegistry[kind]
  if (!spec) throw new Error(`unknown export kind ${String(kind)}`)
  return spec
}
