import type { Readable } from 'node:stream'
import { collections, type InvoiceDoc } from '../../../core/documents'
import { checkExportLink, fileIdOfPath, fileLinkKey } from '../../../core/exports/links'
import { pdfFileName } from '../../../core/invoices/views'
import { FileStorageError } from '../../../ports/files'
import { errorBody, type ErrorCode } from '../../../../types/errors'
import type { ExportDownload, ExportDownloadRequest } from './exportsDownload'
import { ActionError, type InvoicesDeps } from '../context'
import { resolveIdentity } from '../identity'
import type { Clock } from '../../../ports/clock'
import type { Secrets } from '../../../ports/secrets'
import type { Store } from '../../../ports/store'

/**
 * Serves an invoice PDF at the signed path invoices.link hands to H5 and Alipay
 * (`/invoices/file/<id>?exp=…&sig=…`), under the same rules as export files
 * (actions/exportsDownload.ts, the same link signing in core/exports/links.ts with its own key):
 * the signature is the server's for this invoice and its account and not expired, and the request
 * carries a live session of that account; another account's invoice answers NOT_FOUND.
 */
export interface InvoiceDownloadDeps {
  store: Store
  clock: Clock
  secrets: Secrets
  invoices: Pick<InvoicesDeps, 'files'>
}

function refused(code: ErrorCode, message?: string): ExportDownload {
  const error = errorBody(code, message)
  return { ok: false, status: error.status, error }
}

export async function openInvoiceDownload(
  deps: InvoiceDownloadDeps,
  request: ExportDownloadRequest,
): Promise<ExportDownload> {
  const id = fileIdOfPath('invoice', request.path)
  if (!id) return refused('NOT_FOUND')
  const doc = await deps.store.get<InvoiceDoc & { [key: string]: unknown }>(collections.invoices, id)
  if (!doc) return refused('NOT_FOUND')
  const link = checkExportLink(
    fileLinkKey(deps.secrets.sessionKey, 'invoice'),
    doc.id,
    doc.accountId,
    request.query.get('exp'),
    request.query.get('sig'),
    deps.clock.now(),
  )
  if (link === 'invalid') return refused('FORBIDDEN', '下载链接无效，请在发票详情中重新打开')
  if (link === 'expired') return refused('FORBIDDEN', '下载链接已过期，请在发票详情中重新打开')
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
  if (accountId !== doc.accountId) return refused('NOT_FOUND')
  // invoices.link made the PDF before handing out the link; a re-issue since clears it
  if (!doc.pdfKey) return refused('CONFLICT', '发票状态已变更，请在发票详情中重新打开')
  let body: Readable
  try {
    body = await deps.invoices.files.read(doc.pdfKey)
  } catch (error) {
    if (error instanceof FileStorageError)
      return refused('INVOICE_PLATFORM_UNAVAILABLE', '发票文件暂时无法下载，请稍后再试')
    throw error
  }
  const name = pdfFileName(doc)
  return {
    ok: true,
    body,
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="invoice-${doc.invoiceNo}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  }
}
