import type { Readable } from 'node:stream'
import { collections } from '../../../core/documents'
import { xlsxContentType, type ExportDoc } from '../../../core/exports/exportDocuments'
import { checkExportLink, exportIdOfPath, exportLinkKey } from '../../../core/exports/links'
import { contentDisposition, effectiveStatus } from '../../../core/exports/views'
import { FileStorageError, type FileStorage } from '../../../ports/files'
import type { Clock } from '../../../ports/clock'
import type { Secrets } from '../../../ports/secrets'
import type { Store } from '../../../ports/store'
import { errorBody, type ApiErrorBody, type ErrorCode } from '../../../../types/errors'
import { ActionError } from '../context'
import { resolveIdentity } from '../identity'

/**
 * Serves an export file at the signed path exports.link hands to H5 and Alipay
 * (`/exports/file/<id>?exp=…&sig=…`). Answers the file only when all of these hold:
 * - the signature is the server's for this export and its account, and the link has not expired;
 * - the request carries a live session (Authorization: Bearer) whose account is the export's
 *   (a link shown to anyone else downloads nothing; another account's gets NOT_FOUND);
 * - the export is ready and within its 30 days.
 * The local server calls it (tools/server/exportDownload.ts); the api function's HTTP access can
 * call it for the Alipay program.
 */

export interface ExportDownloadDeps {
  store: Store
  files: FileStorage
  clock: Clock
  secrets: Secrets
}

export interface ExportDownloadRequest {
  /** The request path, without the query. */
  path: string
  query: URLSearchParams
  /** The bearer token of the request, if any. */
  token: string | null
  ip: string
}

export type ExportDownload =
  | { ok: true; body: Readable; headers: Record<string, string> }
  | { ok: false; status: number; error: ApiErrorBody }

function refused(code: ErrorCode, message?: string): ExportDownload {
  const error = errorBody(code, message)
  return { ok: false, status: error.status, error }
}

export async function openExportDownload(
  deps: ExportDownloadDeps,
  request: ExportDownloadRequest,
): Promise<ExportDownload> {
  const id = exportIdOfPath(request.path)
  if (!id) return refused('NOT_FOUND')
  const now = deps.clock.now()
  const doc = await deps.store.get<ExportDoc & { [key: string]: unknown }>(collections.exports, id)
  if (!doc) return refused('NOT_FOUND')
  const link = checkExportLink(
    exportLinkKey(deps.secrets.sessionKey),
    doc.id,
    doc.accountId,
    request.query.get('exp'),
    request.query.get('sig'),
    now,
  )
  if (link === 'invalid') return refused('FORBIDDEN', '下载链接无效，请在导出记录中重新下载')
  if (link === 'expired') return refused('FORBIDDEN', '下载链接已过期，请在导出记录中重新下载')
  let accountId: string
  try {
    const identity = await resolveIdentity({
      caller: { platform: 'http', token: request.token, ip: request.ip },
      store: deps.store,
      clock: deps.clock,
      secrets: deps.secrets,
    })
    accountId = identity.accountId
  } catch (error) {
    if (error instanceof ActionError) return refused(error.code, error.userMessage)
    throw error
  }
  // Another account's export answers exactly like one that does not exist.
  if (accountId !== doc.accountId) return refused('NOT_FOUND')
  const status = effectiveStatus(doc, now)
  if (status === 'expired') return refused('EXPORT_EXPIRED')
  if (status !== 'ready' || !doc.fileKey) return refused('EXPORT_NOT_READY')
  let body: Readable
  try {
    body = await deps.files.read(doc.fileKey)
  } catch (error) {
    if (error instanceof FileStorageError) return refused('EXPORT_UNAVAILABLE')
    throw error
  }
  return {
    ok: true,
    body,
    headers: {
      'Content-Type': xlsxContentType,
      'Content-Disposition': contentDisposition(doc),
      ...(doc.sizeBytes !== null ? { 'Content-Length': String(doc.sizeBytes) } : {}),
      // a file of personal data: never cached on the way
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  }
}
