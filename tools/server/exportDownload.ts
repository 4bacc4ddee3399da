import type { IncomingMessage, ServerResponse } from 'node:http'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { runExportJobs } from '../../cloudfunctions/core/exports/jobs'
import { exportFilePathPrefix } from '../../cloudfunctions/core/exports/links'
import { openExportDownload } from '../../cloudfunctions/functions/api/actions/exportsDownload'
import type { FileStorage } from '../../cloudfunctions/ports/files'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { Store } from '../../cloudfunctions/ports/store'

/**
 * Exports on the local server (`npm start`, browser tests): files in `exports/` beside the
 * database, downloads at the signed path exports.link answers (GET /exports/file/<id>?exp=…&sig=…
 * with the session's bearer token: actions/exportsDownload.ts decides), and the jobs run right
 * after each api call, so an export is ready within seconds instead of at the scheduler's next
 * run (CloudBase's scheduler runs the same runExportJobs).
 */

export interface LocalExportsOptions {
  store: Store
  clock: Clock
  secrets: Secrets
  /** The database file; the files go to exports/ in its directory. */
  dbFile: string
  log?: (line: string) => void
}

interface LocalExports {
  files: FileStorage
  /** A run in progress, and whether another was asked for meanwhile. */
  running: Promise<void> | null
  again: boolean
}

/** Time one local run may take before it yields to the next api call's run. */
const runBudgetMs = 20_000

const services = new WeakMap<Store, LocalExports>()

function serviceOf(opts: LocalExportsOptions): LocalExports {
  let service = services.get(opts.store)
  if (!service) {
    service = { files: createLocalFiles(join(dirname(opts.dbFile), 'exports')), running: null, again: false }
    services.set(opts.store, service)
  }
  return service
}

/** The local export files (for tests and seeding); the same storage the downloads read. */
export function localExportFiles(opts: LocalExportsOptions): FileStorage {
  return serviceOf(opts).files
}

/** Runs the queued jobs now; one run at a time, repeated once if asked again meanwhile. */
export function kickExportJobs(opts: LocalExportsOptions): Promise<void> {
  const service = serviceOf(opts)
  if (service.running) {
    service.again = true
    return service.running
  }
  const log = opts.log ?? (() => undefined)
  service.running = (async () => {
    do {
      service.again = false
      try {
        await runExportJobs({ store: opts.store, files: service.files, log }, opts.clock.now(), runBudgetMs)
      } catch (error) {
        // The store may be closing with the server; the next run (or the scheduler) picks the job up.
        log(`exports run failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    } while (service.again)
  })().finally(() => {
    service.running = null
  })
  return service.running
}

function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
  return match ? match[1] : null
}

function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? ''
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
}

async function serveFile(req: IncomingMessage, res: ServerResponse, opts: LocalExportsOptions, path: string) {
  if (req.method !== 'GET') {
    res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' })
    res.end('405 只接受 GET 请求')
    return
  }
  const url = new URL(req.url ?? '/', 'http://local')
  const download = await openExportDownload(
    { store: opts.store, files: serviceOf(opts).files, clock: opts.clock, secrets: opts.secrets },
    { path, query: url.searchParams, token: bearerToken(req), ip: clientIp(req) },
  )
  if (!download.ok) {
    const text = JSON.stringify({ ok: false, error: download.error })
    res.writeHead(download.status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(text)
    return
  }
  res.writeHead(200, download.headers)
  await pipeline(download.body, res)
}

/**
 * The local server's export routes: answers true when it served the request (a file download),
 * false to let the server route it. After every /api call it runs the queued export jobs.
 */
export async function serveExports(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  opts: LocalExportsOptions,
): Promise<boolean> {
  if (path.startsWith(exportFilePathPrefix)) {
    await serveFile(req, res, opts, path)
    return true
  }
  if (path === '/api') res.once('finish', () => void kickExportJobs(opts))
  return false
}
