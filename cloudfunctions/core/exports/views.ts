import dayjs from 'dayjs'
import { businessTimeZone } from '../businessTime'
import type { ExportRecordView, ExportStatus } from '../../../types/actions/exports'
import type { ExportDoc } from './exportDocuments'
import { exportKindSpec } from './registry'

const statusLabels: Record<ExportStatus, string> = {
  queued: '排队中',
  running: '导出中',
  ready: '导出成功',
  failed: '导出失败',
  expired: '已过期',
}

/** The status users see: a ready file past its 30 days is 已过期 even before the scheduler removes it. */
export function effectiveStatus(doc: ExportDoc, now: Date): ExportStatus {
  if (doc.status === 'ready' && doc.expiresAt !== null && Date.parse(doc.expiresAt) <= now.getTime())
    return 'expired'
  return doc.status
}

/** YYYYMMDD of the export's request, Asia/Shanghai. */
function dayStamp(instant: string): string {
  return dayjs(instant).tz(businessTimeZone).format('YYYYMMDD')
}

/** 充值记录_20261202.xlsx: what the download is saved as. */
export function exportFileName(doc: ExportDoc): string {
  return `${exportKindSpec(doc.kind).label}_${dayStamp(doc.createdAt)}.xlsx`
}

/** recharge-records_20261202.xlsx: the same name in ASCII, for clients that ignore filename*. */
export function exportAsciiFileName(doc: ExportDoc): string {
  return `${exportKindSpec(doc.kind).fileStem}_${dayStamp(doc.createdAt)}.xlsx`
}

/**
 * Content-Disposition of a download: the ASCII name, and the Chinese one encoded as RFC 5987 /
 * RFC 6266 `filename*` (UTF-8, percent-encoded), which browsers prefer.
 */
export function contentDisposition(doc: ExportDoc): string {
  const encoded = encodeURIComponent(exportFileName(doc)).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `attachment; filename="${exportAsciiFileName(doc)}"; filename*=UTF-8''${encoded}`
}

/** One row of 导出记录. */
export function exportRecordView(doc: ExportDoc, now: Date): ExportRecordView {
  const spec = exportKindSpec(doc.kind)
  const status = effectiveStatus(doc, now)
  return {
    id: doc.id,
    kind: doc.kind,
    label: spec.label,
    status,
    statusLabel: statusLabels[status],
    rowCount: status === 'ready' || status === 'expired' ? doc.rowCount : null,
    createdAt: doc.createdAt,
    finishedAt: doc.finishedAt,
    expiresAt: doc.expiresAt,
    filterText: spec.describe(doc.filter),
    fileName: exportFileName(doc),
    canDownload: status === 'ready',
    canReexport: status === 'ready' || status === 'failed' || status === 'expired',
  }
}
