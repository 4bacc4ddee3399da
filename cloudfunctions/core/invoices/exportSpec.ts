import { collections, type InvoiceDoc, type TripDoc, type VehicleDoc } from '../documents'
import type { ExportKindSpec } from '../exports/registry'
import type { ExportFilter } from '../exports/exportDocuments'
import type { Doc } from '../../ports/store'
import { formatYuan } from '../../../types/money'
import {
  invoiceKindLabels,
  invoiceKinds,
  invoiceStatusLabels,
  type InvoiceKind,
} from '../../../types/invoiceRules'
import { invoiceListQuery, type InvoiceListFilter } from './listQuery'
import { invoiceRow } from './views'

function listFilterOf(filter: ExportFilter): InvoiceListFilter {
  const { kind, from, to, vehicleId, plate } = filter
  if (typeof from !== 'string' || typeof to !== 'string')
    throw new Error('export filter lacks its resolved date range')
  if (!invoiceKinds.includes(kind as InvoiceKind)) throw new Error('export filter lacks its invoice kind')
  return {
    kind: kind as InvoiceKind,
    from,
    to,
    vehicleId: typeof vehicleId === 'string' ? vehicleId : null,
    plate: typeof plate === 'string' ? plate : null,
  }
}

/** YYYY-MM-DD HH:mm:ss in Asia/Shanghai (registry's shanghaiTimeText, passed in to avoid a cycle). */
export function invoicesExportSpec(shanghaiTimeText: (instant: string | null) => string): ExportKindSpec {
  return {
    kind: 'invoices',
    label: '已开票记录',
    fileStem: 'invoices',
    columns: [
      { header: '发票类型', width: 10 },
      { header: '车牌号码', width: 12 },
      { header: '发票号码', width: 24 },
      { header: '发票抬头', width: 30 },
      { header: '收款人', width: 36 },
      { header: '出入口站', width: 26 },
      { header: '通行时间', width: 20 },
      { header: '开票时间', width: 20 },
      { header: '发票金额(元)', width: 14 },
      { header: '状态', width: 10 },
    ],
    select: (accountId, filter) => ({
      collection: collections.invoices,
      ...invoiceListQuery(accountId, listFilterOf(filter)),
    }),
    mapper(scope) {
      const plates = new Map<string, VehicleDoc | null>()
      return async (docs: Doc[]) => {
        const invoices = docs as unknown as InvoiceDoc[]
        const tripIds = invoices.flatMap((i) =>
          i.kind === 'singleTrip' && i.tripIds[0] ? [i.tripIds[0]] : [],
        )
        const trips = new Map<string, TripDoc>()
        await Promise.all(
          tripIds.map(async (id) => {
            const trip = await scope.store.get<TripDoc & Doc>(collections.trips, id)
            if (trip) trips.set(id, trip)
          }),
        )
        for (const id of new Set(invoices.map((i) => i.vehicleId)))
          if (id && !plates.has(id))
            plates.set(id, await scope.store.get<VehicleDoc & Doc>(collections.vehicles, id))
        return invoices.map((invoice) => {
          const row = invoiceRow(
            invoice,
            plates.get(invoice.vehicleId) ?? null,
            trips.get(invoice.tripIds[0] ?? '') ?? null,
          )
          const route = row.exitStation
            ? row.entryStation
              ? `${row.entryStation}→${row.exitStation}`
              : row.exitStation
            : ''
          return [
            invoiceKindLabels[row.kind],
            row.plate ?? '',
            row.invoiceNo,
            row.titleName,
            row.payee,
            route,
            shanghaiTimeText(row.passedAt),
            shanghaiTimeText(row.issuedAt),
            formatYuan(row.amount),
            invoiceStatusLabels[row.status],
          ]
        })
      }
    },
    describe: (filter) => {
      const f = listFilterOf(filter)
      return `${invoiceKindLabels[f.kind]} ${f.from} 至 ${f.to}${f.plate ? ` ${f.plate}` : ''}`
    },
  }
}
