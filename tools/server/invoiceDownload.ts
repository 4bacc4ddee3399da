import type { IncomingMessage, ServerResponse } from 'node:http'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { createLocalInvoicePlatform } from '../../cloudfunctions/adapters/local/invoicePlatform'
import { createOutboxMail } from '../../cloudfunctions/adapters/local/outboxMail'
import { fileLinkKinds } from '../../cloudfunctions/core/exports/links'
import { openInvoiceDownload } from '../../cloudfunctions/functions/api/actions/invoicesDownload'
import type { InvoicesDeps } from '../../cloudfunctions/functions/api/context'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { Store } from '../../cloudfunctions/ports/store'

/**
 * Invoices on the local server (`npm start`, browser tests): the local invoice platform (numbers
 * and PDFs made here), PDFs in `invoices/` beside the database, e-mail into the dev outbox, and
 * the PDF downloads at the signed path invoices.link answers (GET /invoices/file/<id>?exp=…&sig=…
 * with the session's bearer token: actions/invoicesDownload.ts decides).
 */
export interface LocalInvoicesOptions {
  store: Store
  clock: Clock
  secrets: Secrets
  dbFile: string
}

const services = new WeakMap<Store, InvoicesDeps>()

export function localInvoices(opts: LocalInvoicesOptions): InvoicesDeps {
  let deps = services.get(opts.store)
  if (!deps) {
    deps = {
      platform: createLocalInvoicePlatform(),
      files: createLocalFiles(join(dirname(opts.dbFile), 'invoices')),
      mail: createOutboxMail(opts.store, opts.clock),
    }
    services.set(opts.store, deps)
  }
  return deps
}

function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return match ? match[1] : null
}

function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? ''
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
}

/** Serves GET /invoices/file/…; answers false for any other path. */
export async function serveInvoices(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  opts: LocalInvoicesOptions,
): Promise<boolean> {
  if (!path.startsWith(fileLinkKinds.invoice.prefix)) return false
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('405 只接受 GET 请求')
    return true
  }
  const url = new URL(req.url ?? '/', 'http://local')
  const download = await openInvoiceDownload(
    { store: opts.store, clock: opts.clock, secrets: opts.secrets, invoices: localInvoices(opts) },
    { path, query: url.searchParams, token: bearerToken(req), ip: clientIp(req) },
  )
  if (!download.ok) {
    const text = JSON.stringify({ ok: false, error: download.error })
    res.writeHead(download.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
    })
    res.end(text)
    return true
  }
  res.writeHead(200, download.headers)
  await pipeline(download.body, res)
  return true
}
