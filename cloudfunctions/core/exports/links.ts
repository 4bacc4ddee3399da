import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/**
 * Download links of export files on the api's own host (H5 and Alipay): a path that names the
 * export, its expiry and an HMAC over both and the account, keyed by a key derived from the
 * session key (no secret of its own to provision). The link alone downloads nothing: the request
 * must also carry a session of the same account (checked where the file is served).
 */

/** The path prefix the local server (and the api's HTTP access) serves files under. */
export const exportFilePathPrefix = '/exports/file/'

/** The HMAC key of links, derived from the session key (HKDF-SHA256, its own label). */
export function exportLinkKey(sessionKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionKey, new Uint8Array(0), 'etc/export-download-link/v1', 32))
}

function signature(key: Buffer, exportId: string, accountId: string, exp: number): string {
  return createHmac('sha256', key).update(`${exportId}\n${accountId}\n${exp}`).digest('base64url')
}

/** `/exports/file/<id>?exp=<unix seconds>&sig=<hmac>`, valid until `expiresAt`. */
export function signedExportPath(key: Buffer, exportId: string, accountId: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000)
  const sig = signature(key, exportId, accountId, exp)
  return `${exportFilePathPrefix}${encodeURIComponent(exportId)}?exp=${exp}&sig=${sig}`
}

export type LinkCheck = 'ok' | 'expired' | 'invalid'

/** Whether `exp` and `sig` are what signedExportPath made for this export and account, and not past. */
export function checkExportLink(
  key: Buffer,
  exportId: string,
  accountId: string,
  exp: string | null,
  sig: string | null,
  now: Date,
): LinkCheck {
  if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[A-Za-z0-9_-]{43}$/.test(sig)) return 'invalid'
  const expected = Buffer.from(signature(key, exportId, accountId, Number(exp)))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid'
  return Number(exp) * 1000 <= now.getTime() ? 'expired' : 'ok'
}

/** The export id of a request path under exportFilePathPrefix, or null. */
export function exportIdOfPath(path: string): string | null {
  if (!path.startsWith(exportFilePathPrefix)) return null
  let id: string
  try {
    id = decodeURIComponent(path.slice(exportFilePathPrefix.length))
  } catch {
    return null
  }
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null
}
