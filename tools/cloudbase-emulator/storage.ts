/**
 * CloudBase cloud storage for the emulator: answers the storage requests the real wx-server-sdk →
 * @cloudbase/node-sdk sends through `request()` (install.ts routes `storage.*` actions of an
 * emulated environment here), and plays COS and the CDN on a local HTTP server, because node-sdk
 * PUTs uploads to the URL the metadata names and downloads from the temporary URL with its own
 * HTTP client. Files live in memory; the server listens on 127.0.0.1 only.
 *
 * Where each behaviour comes from:
 *   [sdk]     read from the installed wx-server-sdk 4.0.2 and @cloudbase/node-sdk 3.17.2
 *   [docs]    CloudBase's storage documentation
 *   [assumed] our best guess; CloudBase's backend is not public
 *
 * - [sdk] uploadFile: `storage.getUploadMetadata` { path, method: 'put' } → data { url, token,
 *   authorization, fileId, cosFileId }; then PUT of the bytes to `url` with headers Signature,
 *   authorization, x-cos-security-token, x-cos-meta-fileid and key; COS answers an empty body on
 *   success and an XML <Error> otherwise. [assumed] the PUT is refused unless those headers are the
 *   ones the metadata gave for that path, within 10 minutes.
 * - [sdk] getTempFileURL: `storage.batchGetDownloadUrl` { file_list: [{ fileid, max_age }] } →
 *   data.download_list [{ fileID, tempFileURL, code, maxAge }], code 'SUCCESS' or an error code
 *   (wx-server-sdk turns it into `status`); downloadFile GETs that URL (after encodeURI).
 * - [sdk] deleteFile: `storage.batchDeleteFile` { fileid_list } → data.delete_list [{ fileID, code }].
 * - [docs] fileIDs read cloud://<env>.<bucket>/<cloudPath>; a temporary URL stops working after
 *   max_age seconds. [assumed] a missing file answers STORAGE_FILE_NONEXIST per entry; an expired
 *   or tampered URL answers 403, a missing file 404.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CloudStorageApi } from '../../cloudfunctions/adapters/cloudbase/files'
import { CloudbaseEmulator, type EmulatorResponse } from './emulator'
import { registerEmulator, wxServerSdk } from './install'

/** Answers the SDK's `storage.*` requests of one environment (install.ts routes them). */
export interface StorageApiHandler {
  handle(params: Record<string, unknown>): Promise<EmulatorResponse>
}

interface StoredObject {
  bytes: Buffer
  fileId: string
}

interface PendingUpload {
  authorization: string
  token: string
  cosFileId: string
  until: number
}

const uploadWindowMs = 10 * 60_000

function cosError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version='1.0' encoding='utf-8' ?>\n<Error>\n<Code>${code}</Code>\n<Message>${message}</Message>\n<RequestId>${randomUUID()}</RequestId>\n<TraceId>${randomUUID()}</TraceId>\n</Error>`
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export class StorageEmulator implements StorageApiHandler {
  readonly bucket: string
  readonly stats = { uploads: 0, downloads: 0, deletes: 0, refused: 0 }
  private readonly objects = new Map<string, StoredObject>()
  private readonly pending = new Map<string, PendingUpload>()
  private readonly signingKey = randomBytes(32)
  private server: Server | null = null
  private base: Promise<string> | null = null

  constructor(
    readonly envId: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.bucket = `7465-${envId}-1300000000`
  }

  // ---- what tests look at ----

  /** Cloud paths of the stored files, sorted. */
  paths(): string[] {
    return [...this.objects.keys()].sort()
  }

  bytesOf(cloudPath: string): Buffer | null {
    return this.objects.get(cloudPath)?.bytes ?? null
  }

  fileIdOf(cloudPath: string): string {
    return `cloud://${this.envId}.${this.bucket}/${cloudPath}`
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = null
    this.base = null
    if (!server) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }

  // ---- the SDK's requests ----

  async handle(params: Record<string, unknown>): Promise<EmulatorResponse> {
    const requestId = randomUUID()
    switch (params.action) {
      case 'storage.getUploadMetadata': {
        const cloudPath = typeof params.path === 'string' ? params.path : ''
        if (!cloudPath || cloudPath.startsWith('/'))
          return { requestId, code: 'INVALID_PARAM', message: 'invalid cloudPath' }
        const upload: PendingUpload = {
          authorization: `q-sign-algorithm=sha1&q-signature=${randomBytes(20).toString('hex')}`,
          token: randomBytes(24).toString('base64url'),
          cosFileId: randomBytes(16).toString('hex'),
          until: this.now().getTime() + uploadWindowMs,
        }
        this.pending.set(cloudPath, upload)
        return {
          requestId,
          data: {
            url: `${await this.baseUrl()}/${cloudPath}`,
            token: upload.token,
            authorization: upload.authorization,
            fileId: this.fileIdOf(cloudPath),
            cosFileId: upload.cosFileId,
            download_url: '',
          },
        }
      }
      case 'storage.batchGetDownloadUrl': {
        const list = Array.isArray(params.file_list)
          ? (params.file_list as Array<Record<string, unknown>>)
          : []
        const base = await this.baseUrl()
        const download_list = list.map((entry) => {
          const fileID = String(entry.fileid ?? '')
          const cloudPath = this.pathOf(fileID)
          const maxAge = Number(entry.max_age ?? 86400)
          if (cloudPath === null || !this.objects.has(cloudPath))
            return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', maxAge }
          const t = Math.floor(this.now().getTime() / 1000) + maxAge
          const sign = this.sign(cloudPath, t)
          return { fileID, tempFileURL: `${base}/${cloudPath}?sign=${sign}&t=${t}`, code: 'SUCCESS', maxAge }
        })
        return { requestId, data: { download_list } }
      }
      case 'storage.batchDeleteFile': {
        const list = Array.isArray(params.fileid_list) ? (params.fileid_list as unknown[]).map(String) : []
        const delete_list = list.map((fileID) => {
          const cloudPath = this.pathOf(fileID)
          if (cloudPath === null || !this.objects.delete(cloudPath))
            return { fileID, code: 'STORAGE_FILE_NONEXIST' }
          this.stats.deletes += 1
          return { fileID, code: 'SUCCESS' }
        })
        return { requestId, data: { delete_list } }
      }
      default:
        return {
          requestId,
          code: 'INVALID_PARAM',
          message: `unknown storage action ${String(params.action)}`,
        }
    }
  }

  // ---- COS and the CDN ----

  private pathOf(fileId: string): string | null {
    const prefix = `cloud://${this.envId}.${this.bucket}/`
    return fileId.startsWith(prefix) ? fileId.slice(prefix.length) : null
  }

  private sign(cloudPath: string, t: number): string {
    return createHmac('sha256', this.signingKey).update(`${cloudPath}\n${t}`).digest('hex')
  }

  private baseUrl(): Promise<string> {
    this.base ??= new Promise<string>((resolve, reject) => {
      const server = createServer((req, res) => {
        this.serve(req, res).catch(() => {
          if (!res.headersSent) cosError(res, 500, 'InternalError', 'emulated COS failed')
          else res.destroy()
        })
      })
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        server.unref()
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
      })
      this.server = server
    })
    return this.base
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const cloudPath = decodeURIComponent(url.pathname.slice(1))
    if (req.method === 'PUT') {
      const upload = this.pending.get(cloudPath)
      const header = (name: string) => String(req.headers[name] ?? '')
      const genuine =
        upload !== undefined &&
        upload.until > this.now().getTime() &&
        sameText(header('authorization'), upload.authorization) &&
        sameText(header('x-cos-security-token'), upload.token) &&
        sameText(header('x-cos-meta-fileid'), upload.cosFileId)
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      if (!genuine) {
        this.stats.refused += 1
        return cosError(
          res,
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match',
        )
      }
      this.pending.delete(cloudPath)
      this.objects.set(cloudPath, { bytes: Buffer.concat(chunks), fileId: this.fileIdOf(cloudPath) })
      this.stats.uploads += 1
      res.writeHead(200, { 'Content-Length': 0 })
      res.end()
      return
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const t = Number(url.searchParams.get('t'))
      const sign = url.searchParams.get('sign') ?? ''
      if (!Number.isSafeInteger(t) || !sameText(sign, this.sign(cloudPath, t))) {
        this.stats.refused += 1
        return cosError(res, 403, 'AccessDenied', 'Request has invalid signature')
      }
      if (t * 1000 < this.now().getTime()) {
        this.stats.refused += 1
        return cosError(res, 403, 'AccessDenied', 'Request has expired')
      }
      const object = this.objects.get(cloudPath)
      if (!object) return cosError(res, 404, 'NoSuchKey', 'The specified key does not exist.')
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': object.bytes.length,
      })
      if (req.method === 'HEAD') {
        res.end()
        return
      }
      this.stats.downloads += 1
      res.end(object.bytes)
      return
    }
    cosError(res, 405, 'MethodNotAllowed', 'The specified method is not allowed')
  }
}

/**
 * An emulated environment with cloud storage, and the storage calls (`uploadFile`, `downloadFile`,
 * `getTempFileURL`, `deleteFile`) of a real wx-server-sdk instance bound to it.
 */
export function openEmulatedStorage(options: { emulator?: CloudbaseEmulator; now?: () => Date } = {}): {
  emulator: CloudbaseEmulator
  storage: StorageEmulator
  cloud: CloudStorageApi
} {
  const emulator = options.emulator ?? new CloudbaseEmulator()
  const storage = new StorageEmulator(emulator.envId, options.now)
  emulator.storage = storage
  registerEmulator(emulator)
  const sdk = wxServerSdk() as ReturnType<typeof wxServerSdk> & {
    createNewInstance(config: { env: string }): CloudStorageApi
  }
  return { emulator, storage, cloud: sdk.createNewInstance({ env: emulator.envId }) }
}
