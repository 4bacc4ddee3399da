import type { ExportLink, ExportRecordView } from '../../types'

/** 导出记录 rows as exports.list answers them (types/actions/exports.ts). */
export function exportRecord(overrides: Partial<ExportRecordView> = {}): ExportRecordView {
  return {
    id: 'exp-1',
    kind: 'rechargeRecords',
    label: '充值记录',
    status: 'ready',
    statusLabel: '导出成功',
    rowCount: 19801,
    createdAt: '2026-12-02T05:13:44.000Z',
    finishedAt: '2026-12-02T05:13:47.000Z',
    expiresAt: '2027-01-01T05:13:47.000Z',
    filterText: '2026-11-01 至 2026-12-02',
    fileName: '充值记录_20261202.xlsx',
    canDownload: true,
    canReexport: true,
    ...overrides,
  }
}

export const queuedRecord = (overrides: Partial<ExportRecordView> = {}): ExportRecordView =>
  exportRecord({
    status: 'queued',
    statusLabel: '排队中',
    rowCount: null,
    finishedAt: null,
    expiresAt: null,
    canDownload: false,
    canReexport: false,
    ...overrides,
  })

export const expiredRecord = (overrides: Partial<ExportRecordView> = {}): ExportRecordView =>
  exportRecord({ status: 'expired', statusLabel: '已过期', canDownload: false, ...overrides })

/** A bearer link on the local server (H5), as exports.link answers it. */
export function bearerLink(exportId = 'exp-1'): ExportLink {
  return {
    url: `/exports/file/${exportId}?exp=1796212209&sig=${'a'.repeat(43)}`,
    auth: 'bearer',
    fileName: '充值记录_20261202.xlsx',
    expiresAt: '2026-12-02T05:20:00.000Z',
  }
}
