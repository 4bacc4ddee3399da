import { collections } from '../../../core/documents'
import type { ExportDoc, ExportFilter } from '../../../core/exports/exportDocuments'
import { exportLinkKey, signedExportPath } from '../../../core/exports/links'
import { exportKindSpec } from '../../../core/exports/registry'
import {
  existingExport,
  ExportRequestError,
  queueExport,
  type ExportRequest,
} from '../../../core/exports/requests'
import { effectiveStatus, exportFileName, exportRecordView } from '../../../core/exports/views'
import type { Condition } from '../../../ports/store'
import {
  exportLinkSeconds,
  exportValidDays,
  maxExportRows,
  type ExportKind,
} from '../../../../types/actions/exports'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { ActionError, type AuthedContext } from '../context'
import { moneyRecordsRange } from './money'
import { billsExportFilters } from './billsExports'
import { appliedDateRange } from './dateFilter'
import { oneYearSpan } from '../../../../types/dateRange'
import { ownDoc, queryPage } from './views'

/**
 * Exports of lists (types/actions/exports.ts; the jobs and the registry are core/exports). Rules:
 * - the filter is the list's: validated by the list's schema, then resolved as the list resolves
 *   it (dates defaulted and checked against the server's clock), and kept so; 重新导出 reuses it;
 * - a create answers at once with the queued export; the same key answers the export it made and
 *   queues nothing (before any other check, so a retry is never refused);
 * - nothing is queued for a filter with no rows or more than maxExportRows, while the account has
 *   its maximum of unfinished exports, or too often (core/exports/requests.ts);
 * - exports of other accounts answer NOT_FOUND, like ids that do not exist;
 * - a download link needs a ready file: H5/Alipay get a signed path that also demands the same
 *   account's session (actions/exportsDownload.ts serves it), WeChat a cloud storage temporary URL.
 */

type ExportFilterOf<K extends ExportKind> = Extract<ParsedRequest<'exports.create'>, { kind: K }>['filter']

/** Each kind's filter resolved exactly as its list action resolves it. */
const resolveFilter: {
  [K in ExportKind]: (ctx: AuthedContext, filter: ExportFilterOf<K>) => ExportFilter | Promise<ExportFilter>
} = {
  rechargeRecords: (ctx, filter) => ({ ...filter, ...moneyRecordsRange(ctx, filter) }),
  allocationRecords: (ctx, filter) => ({ ...filter, ...moneyRecordsRange(ctx, filter) }),
  invoices: (ctx, filter) => ({ ...filter, ...appliedDateRange(ctx, filter, oneYearSpan) }),
  ...billsExportFilters,
}

function refusal(error: unknown): never {
  if (!(error instanceof ExportRequestError)) throw error
  if (error.code === 'KEY_REUSED') throw new ActionError('REQUEST_KEY_REUSED')
  if (error.code === 'BUSY') throw new ActionError('EXPORT_BUSY', error.message)
  throw new ActionError('RATE_LIMITED', error.message)
}

async function queue(ctx: AuthedContext, request: ExportRequest): Promise<ActionResponses['exports.create']> {
  const now = ctx.clock.now()
  try {
    const existing = await existingExport(ctx.store, request)
    if (existing) return exportRecordView(existing, now)
  } catch (error) {
    refusal(error)
  }
  const { collection, where } = exportKindSpec(request.kind).select(request.accountId, request.filter)
  const rows = await ctx.store.count(collection, where)
  if (rows === 0) throw new ActionError('EXPORT_EMPTY')
  if (rows > maxExportRows)
    throw new ActionError(
      'EXPORT_TOO_LARGE',
      `符合条件的记录有${rows}条，单次最多导出${maxExportRows}条，请缩小查询范围后分批导出`,
    )
  let queued: { doc: ExportDoc; created: boolean }
  try {
    queued = await queueExport(ctx.store, request, now)
  } catch (error) {
    refusal(error)
  }
  if (queued.created) ctx.exports?.queued?.()
  return exportRecordView(queued.doc, now)
}

export async function createExport(
  ctx: AuthedContext,
  input: ParsedRequest<'exports.create'>,
): Promise<ActionResponses['exports.create']> {
  const resolve = resolveFilter[input.kind] as (
    ctx: AuthedContext,
    filter: typeof input.filter,
  ) => ExportFilter | Promise<ExportFilter>
  return queue(ctx, {
    accountId: ctx.identity.accountId,
    key: input.key,
    kind: input.kind,
    filter: await resolve(ctx, input.filter),
  })
}

export async function listExports(
  ctx: AuthedContext,
  input: ParsedRequest<'exports.list'>,
): Promise<ActionResponses['exports.list']> {
  const where: Condition[] = [{ field: 'accountId', op: 'eq', value: ctx.identity.accountId }]
  const [page, total] = await Promise.all([
    queryPage<ExportDoc>(ctx, collections.exports, {
      where,
      orderBy: { field: 'createdAt', direction: 'desc' },
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.exports, where),
  ])
  const now = ctx.clock.now()
  return {
    items: page.items.map((doc) => exportRecordView(doc, now)),
    total,
    nextCursor: page.nextCursor,
    notice: `导出记录的有效期为${exportValidDays}天，请及时下载相关记录文件。`,
  }
}

export async function reexport(
  ctx: AuthedContext,
  input: ParsedRequest<'exports.reexport'>,
): Promise<ActionResponses['exports.reexport']> {
  const source = await ownDoc<ExportDoc>(ctx, collections.exports, input.exportId)
  const request: ExportRequest = {
    accountId: ctx.identity.accountId,
    key: input.key,
    kind: source.kind,
    filter: source.filter,
    sourceId: source.id,
  }
  // A repeated key answers what it made, even once the source has moved on.
  if (source.status === 'queued' || source.status === 'running') {
    const made = await existingExport(ctx.store, request).catch(refusal)
    if (made) return exportRecordView(made, ctx.clock.now())
    throw new ActionError('EXPORT_BUSY', '该导出任务尚未完成，无需重新导出')
  }
  return queue(ctx, request)
}

export async function exportLink(
  ctx: AuthedContext,
  input: ParsedRequest<'exports.link'>,
): Promise<ActionResponses['exports.link']> {
  const doc = await ownDoc<ExportDoc>(ctx, collections.exports, input.exportId)
  const now = ctx.clock.now()
  const status = effectiveStatus(doc, now)
  if (status === 'expired') throw new ActionError('EXPORT_EXPIRED')
  if (status !== 'ready' || !doc.fileKey) throw new ActionError('EXPORT_NOT_READY')
  const expiresAt = new Date(now.getTime() + exportLinkSeconds * 1000)
  const fileName = exportFileName(doc)
  if (ctx.caller.platform === 'wechat') {
    // The WeChat program downloads from cloud storage: a temporary URL, after the check above.
    const files = ctx.exports?.files
    let url: string | null = null
    try {
      url = files ? await files.temporaryUrl(doc.fileKey, exportLinkSeconds) : null
    } catch {
      url = null
    }
    if (!url) throw new ActionError('EXPORT_UNAVAILABLE')
    return { url, auth: 'none', fileName, expiresAt: expiresAt.toISOString() }
  }
  const key = exportLinkKey(ctx.secrets.sessionKey)
  return {
    url: signedExportPath(key, doc.id, ctx.identity.accountId, expiresAt),
    auth: 'bearer',
    fileName,
    expiresAt: expiresAt.toISOString(),
  }
}
