import { z } from 'zod'
import { batchKeySchema } from '../batches'
import { cursorSchema, pageLimitSchema, type Page } from '../common'
import { idSchema } from './etc'
import { moneyRequestSchemas } from './money'
import { billsRequestSchemas } from './bills'
import { invoicesRequestSchemas } from './invoices'

/**
 * Exports (导出 / 导出记录, seed 001 §2.6–2.8): every list can be exported as an xlsx file. An
 * export is a background job (cloudfunctions/core/exports): `exports.create` queues it with the
 * list's current filter and answers at once; the scheduler (locally: the local server, right
 * away) writes the file; 导出记录 lists the jobs with type, row count, time and status. A file
 * stays downloadable for 30 days, only by the account that asked, and 重新导出 makes a new one
 * with the same filter. Conventions as in types/actions/etc.ts.
 */

type Instant = string

/** What can be exported; each kind is one list and exports exactly its rows and filter. */
export const exportKinds = [
  'rechargeRecords',
  'allocationRecords',
  'trips',
  'billDetails',
  'refunds',
  'billStatistics',
  'invoices',
] as const
export type ExportKind = (typeof exportKinds)[number]

/** queued → running → ready (downloadable 30 days) → expired; or failed after the last attempt. */
export type ExportStatus = 'queued' | 'running' | 'ready' | 'failed' | 'expired'

/** Days a finished file stays downloadable (seed: 导出记录的有效期为30天). */
export const exportValidDays = 30
/** Seconds an `exports.link` answer may be used. */
export const exportLinkSeconds = 300
/** Exports of one account not yet finished (queued or running) at any time. */
export const maxActiveExports = 3
/** Rows one export may hold (a fleet's year of records is about 20,000). */
export const maxExportRows = 50_000

/**
 * A list's request without its paging, checked by the list's own schema (fields, messages and
 * refinements alike): an export accepts exactly the filters its list accepts.
 */
function listFilter<S extends z.ZodObject>(list: S) {
  const { cursor: _cursor, limit: _limit, ...fields } = list.shape
  return z
    .object(fields as Omit<S['shape'], 'cursor' | 'limit'>)
    .strict()
    .superRefine((value, ctx) => {
      const checked = list.safeParse(value)
      if (checked.success) return
      for (const issue of checked.error.issues)
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
    })
}

/** The filter of each kind: its list's request without cursor and limit. */
export const exportFilterSchemas = {
  rechargeRecords: listFilter(moneyRequestSchemas['recharge.list']),
  allocationRecords: listFilter(moneyRequestSchemas['allocation.list']),
  trips: listFilter(billsRequestSchemas['trips.list']),
  billDetails: listFilter(billsRequestSchemas['bills.details']),
  refunds: listFilter(billsRequestSchemas['refunds.list']),
  billStatistics: listFilter(billsRequestSchemas['bills.statistics']),
  invoices: listFilter(invoicesRequestSchemas['invoices.list']),
} as const satisfies Record<ExportKind, z.ZodType>

export type ExportFilterInput<K extends ExportKind> = z.input<(typeof exportFilterSchemas)[K]>

function createRequest<K extends ExportKind>(kind: K) {
  return z.object({ key: batchKeySchema, kind: z.literal(kind), filter: exportFilterSchemas[kind] }).strict()
}

export const exportsRequestSchemas = {
  /**
   * Queues an export of the list `kind` with `filter` (what the list shows now). The same `key`
   * answers the export it already made (never a second one); another request under it is refused.
   * Refused when the filter selects no row (EXPORT_EMPTY) or too many (EXPORT_TOO_LARGE), while
   * the account has maxActiveExports unfinished (EXPORT_BUSY), or too often (RATE_LIMITED).
   */
  'exports.create': z.discriminatedUnion(
    'kind',
    [
      createRequest('rechargeRecords'),
      createRequest('allocationRecords'),
      createRequest('trips'),
      createRequest('billDetails'),
      createRequest('refunds'),
      createRequest('billStatistics'),
      createRequest('invoices'),
    ],
    { error: '不支持的导出类型' },
  ),
  /** 导出记录, newest first. */
  'exports.list': z.object({ cursor: cursorSchema, limit: pageLimitSchema }).strict(),
  /** 重新导出: a new export of the same kind and filter (same limits and idempotency as create). */
  'exports.reexport': z.object({ key: batchKeySchema, exportId: idSchema }).strict(),
  /**
   * Where to download a ready file, valid exportLinkSeconds. `auth: 'bearer'`: a path on the
   * api's host that answers only with the same account's session in the Authorization header
   * (H5, Alipay); `auth: 'none'`: a cloud storage temporary URL (WeChat), handed out after the
   * same ownership check.
   */
  'exports.link': z.object({ exportId: idSchema }).strict(),
} as const

// ---------------------------------------------------------------- responses

/** One row of 导出记录. */
export interface ExportRecordView {
  id: string
  kind: ExportKind
  /** 业务类型: 充值记录 / 预分配记录 / … */
  label: string
  status: ExportStatus
  /** 排队中 / 导出中 / 导出成功 / 导出失败 / 已过期 */
  statusLabel: string
  /** 导出量: rows in the file, once it is written. */
  rowCount: number | null
  /** 导出时间. */
  createdAt: Instant
  finishedAt: Instant | null
  /** Until when the file can be downloaded (finish + 30 days). */
  expiresAt: Instant | null
  /** The filter in words, e.g. 2024-12-01 至 2024-12-13. */
  filterText: string
  /** e.g. 充值记录_20261202.xlsx */
  fileName: string
  canDownload: boolean
  canReexport: boolean
}

export interface ExportRecordsPage extends Page<ExportRecordView> {
  /** 导出记录的有效期为30天，请及时下载相关记录文件。 */
  notice: string
}

export interface ExportLink {
  /** bearer: a path to append to the api's base (H5: same origin); none: an absolute URL. */
  url: string
  auth: 'bearer' | 'none'
  fileName: string
  expiresAt: Instant
}

export interface ExportsResponses {
  'exports.create': ExportRecordView
  'exports.list': ExportRecordsPage
  'exports.reexport': ExportRecordView
  'exports.link': ExportLink
}
