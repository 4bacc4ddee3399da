import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'

/**
 * Download links of export files on the api's own host (H5 and Alipay): a path that names the
 * export, its expiry and an HMAC over both and the account, keyed by a key derived from the
 * session key (no secret of its own to provision). The link alone downloads nothing: the request
 * must also carry a session of the same account (checked where the file is served).
 */

/** The path prefix the local server (and the api's HTTP access) serves files under. */
export const exportFilePathPrefix = '/exports/file/'

/**
 * Every kind of file served this way (exports, invoice PDFs): its path prefix and its own key
 * label, so a link made for one kind never opens a file of another.
 */
export const fileLinkKinds = {
  export: { prefix: '/exports/file/', label: 'etc/export-download-link/v1' },
  invoice: { prefix: '/invoices/file/', label: 'etc/invoice-download-link/v1' },
} as const
export type FileLinkKind = keyof typeof fileLinkKinds

/** The HMAC key of a kind's links, derived from the session key (HKDF-SHA256, the kind's label). */
export function fileLinkKey(sessionKey: Uint8Array, kind: FileLinkKind): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionKey, new Uint8Array(0), fileLinkKinds[kind].label, 32))
}

/** The HMAC key of export links. */
export function exportLinkKey(sessionKey: Uint8Array): Buffer {
  return fileLinkKey(sessionKey, 'export')
}

function signature(key: Buffer, exportId: string, accountId: string, exp: number): string {
  return createHmac('sha256', key).update(`${exportId}\n${accountId}\n${exp}`).digest('base64url')
}

/** `<prefix><id>?exp=<unix seconds>&sig=<hmac>`, valid until `expiresAt` (key: fileLinkKey of the kind). */
export function signedFilePath(
  kind: FileLinkKind,
  key: Buffer,
  id: string,
  accountId: string,
  expiresAt: Date,
): string {
  const exp = Math.floor(expiresAt.getTime() / 1000)
  const sig = signature(key, id, accountId, exp)
  return `${fileLinkKinds[kind].prefix}${encodeURIComponent(id)}?exp=${exp}&sig=${sig}`
}

/** `/exports/file/<id>?exp=<unix seconds>&sig=<hmac>`, valid until `expiresAt`. */
export function signedExportPath(key: Buffer, exportId: string, accountId: string, expiresAt: Date): string {
  return signedFilePath('export', key, exportId, accountId, expiresAt)
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

/** The id of a request path under the kind's prefix, or null. */
export function fileIdOfPath(kind: FileLinkKind, path: string): string | null {
  const prefix = fileLinkKinds[kind].prefix
  if (!path.startsWith(prefix)) return null
  let id: string
  try {
    id = decodeURIComponent(path.slice(prefix.length))
  } catch {
    return null
  }
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null
}

/** The export id of a request path under exportFilePathPrefix, or null. */
export function exportIdOfPath(path: string): string | null {
  return fileIdOfPath('export', path)
}
