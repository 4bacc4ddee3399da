import type { Readable } from 'node:stream'
import { exportFilePathPrefix } from '../../../core/exports/links'
import type { Caller } from '../context'
import { openExportDownload, type ExportDownloadDeps } from './exportsDownload'

/**
 * The export download over CloudBase HTTP access, for the Alipay program: GET
 * <HTTP access route>/exports/file/<id>?exp=…&sig=… with the session's bearer token, decided by
 * openExportDownload exactly as on the local server. HTTP access answers a string body, so the
 * file goes base64-encoded (about 1.4 MB for 20,000 rows).
 */

export interface HttpAccessGet {
  httpMethod: string
  /** The request path; the route's own prefix (e.g. /etc) may come before /exports/file/. */
  path?: string
  queryStringParameters?: Record<string, string | undefined> | null
}

export interface HttpAccessAnswer {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded: boolean
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string))
  return Buffer.concat(chunks)
}

/** The answer to a file download, or null when the request is not one (the caller routes it on). */
export async function exportFileOverHttp(
  deps: ExportDownloadDeps,
  event: HttpAccessGet,
  caller: Caller,
): Promise<HttpAccessAnswer | null> {
  const path = event.path ?? ''
  const at = path.indexOf(exportFilePathPrefix)
  if (event.httpMethod.toUpperCase() !== 'GET' || at < 0) return null
  const query = new URLSearchParams()
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {}))
    if (value !== undefined) query.set(name, value)
  const { token, ip } = caller.platform === 'http' ? caller : { token: null, ip: 'unknown' }
  const download = await openExportDownload(deps, { path: path.slice(at), query, token, ip })
  if (!download.ok) {
    return {
      statusCode: download.status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
      body: JSON.stringify({ ok: false, error: download.error }),
      isBase64Encoded: false,
    }
  }
  const body = await bytesOf(download.body)
  const headers = Object.fromEntries(
    Object.entries(download.headers).map(([name, value]) => [name.toLowerCase(), value]),
  )
  return {
    statusCode: 200,
    headers: { ...headers, 'content-length': String(body.length) },
    body: body.toString('base64'),
    isBase64Encoded: true,
  }
}
