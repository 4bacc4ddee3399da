import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { checkFilePath, FileStorageError, type FileStorage, type StoredFile } from '../../ports/files'

/**
 * The slice of wx-server-sdk's storage this adapter calls (`cloud.uploadFile` & co.), typed from
 * what the installed SDK (4.0.2 over @cloudbase/node-sdk 3.17) does:
 * - uploadFile takes a Buffer or an fs.ReadStream (nothing else: node-sdk checks `instanceof`),
 *   asks CloudBase for upload metadata and PUTs the bytes to COS; it answers the fileID
 *   (cloud://<env>.<bucket>/<cloudPath>);
 * - downloadFile reads the whole file into `fileContent` (a Buffer);
 * - getTempFileURL and deleteFile answer one entry per file with `status` 0 when it worked and a
 *   TCB error number otherwise (-503003 STORAGE_FILE_NONEXIST);
 * - failures of the call itself reject with `{ errCode, errMsg }`.
 */
export interface CloudStorageApi {
  uploadFile(params: { cloudPath: string; fileContent: ReadStream | Buffer }): Promise<{ fileID: string }>
  downloadFile(params: { fileID: string }): Promise<{ fileContent?: Buffer | string }>
  getTempFileURL(params: { fileList: Array<{ fileID: string; maxAge: number }> }): Promise<{
    fileList: Array<{ fileID: string; tempFileURL: string; status: number; errMsg?: string }>
  }>
  deleteFile(params: { fileList: string[] }): Promise<{
    fileList: Array<{ fileID: string; status: number; errMsg?: string }>
  }>
}

/** TCB_ERR_CODE.STORAGE_FILE_NONEXIST as wx-server-sdk reports it per file. */
const fileMissing = -503003

export interface CloudbaseFilesOptions {
  /** Where a file is spooled before upload (the SDK uploads Buffers or file streams only); os.tmpdir(). */
  spoolDir?: string
}

function unavailable(error: unknown): FileStorageError {
  if (error instanceof FileStorageError) return error
  const message =
    typeof error === 'object' && error !== null && 'errMsg' in error
      ? String((error as { errMsg: unknown }).errMsg)
      : error instanceof Error
        ? error.message
        : String(error)
  return new FileStorageError('UNAVAILABLE', `cloud storage: ${message}`)
}

/** HEAD on a temporary URL: the file's length as COS reports it. */
function contentLength(url: string): Promise<number> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD' }, (res) => {
      res.resume()
      const length = Number(res.headers['content-length'])
      if (res.statusCode === 200 && Number.isSafeInteger(length)) resolve(length)
      else if (res.statusCode === 404) reject(new FileStorageError('NOT_FOUND', 'no such file'))
      else reject(new FileStorageError('UNAVAILABLE', `cloud storage answered HEAD with ${res.statusCode}`))
    })
    req.setTimeout(10_000, () => req.destroy(new Error('HEAD timed out')))
    req.on('error', (error) => reject(unavailable(error)))
    req.end()
  })
}

/**
 * FileStorage on CloudBase cloud storage. A write spools the stream to a temporary file (the
 * function's /tmp) and uploads that file as a stream, so memory stays flat whatever the size;
 * the key is the fileID. Files are private to the environment: clients reach one only through a
 * temporary URL the api hands out after its own ownership check.
 */
export function createCloudbaseFiles(
  cloud: CloudStorageApi,
  options: CloudbaseFilesOptions = {},
): FileStorage {
  const spoolDir = options.spoolDir ?? tmpdir()

  async function temporaryUrl(fileKey: string, maxAgeSeconds: number): Promise<string> {
    let answer
    try {
      answer = await cloud.getTempFileURL({ fileList: [{ fileID: fileKey, maxAge: maxAgeSeconds }] })
    } catch (error) {
      throw unavailable(error)
    }
    const entry = answer.fileList.find((f) => f.fileID === fileKey) ?? answer.fileList[0]
    if (!entry) throw new FileStorageError('UNAVAILABLE', 'cloud storage answered no URL')
    if (entry.status === fileMissing) throw new FileStorageError('NOT_FOUND', 'no such file')
    if (entry.status !== 0 || !entry.tempFileURL)
      throw new FileStorageError('UNAVAILABLE', `cloud storage: ${entry.errMsg ?? entry.status}`)
    return entry.tempFileURL
  }

  return {
    async write(path: string, body: Readable): Promise<StoredFile> {
      const cloudPath = checkFilePath(path)
      const spool = join(spoolDir, `etc-upload-${randomUUID()}`)
      try {
        await pipeline(body, createWriteStream(spool, { mode: 0o600 }))
        const sizeBytes = (await stat(spool)).size
        let uploaded
        try {
          uploaded = await cloud.uploadFile({ cloudPath, fileContent: createReadStream(spool) })
        } catch (error) {
          throw unavailable(error)
        }
        if (typeof uploaded?.fileID !== 'string' || uploaded.fileID.length === 0)
          throw new FileStorageError('UNAVAILABLE', 'cloud storage answered no fileID')
        return { fileKey: uploaded.fileID, sizeBytes }
      } finally {
        await rm(spool, { force: true })
      }
    },

    async read(fileKey: string): Promise<Readable> {
      // Ask first: a missing file is NOT_FOUND here, not whatever downloadFile makes of it.
      await temporaryUrl(fileKey, 60)
      let answer
      try {
        answer = await cloud.downloadFile({ fileID: fileKey })
      } catch (error) {
        throw unavailable(error)
      }
      const content = answer.fileContent
      if (content === undefined)
        throw new FileStorageError('UNAVAILABLE', 'cloud storage answered no content')
      return Readable.from([Buffer.isBuffer(content) ? content : Buffer.from(content)])
    },

    async remove(fileKey: string): Promise<void> {
      let answer
      try {
        answer = await cloud.deleteFile({ fileList: [fileKey] })
      } catch (error) {
        throw unavailable(error)
      }
      for (const entry of answer.fileList) {
        if (entry.status !== 0 && entry.status !== fileMissing)
          throw new FileStorageError('UNAVAILABLE', `cloud storage: ${entry.errMsg ?? entry.status}`)
      }
    },

    async size(fileKey: string): Promise<number> {
      return contentLength(await temporaryUrl(fileKey, 60))
    },

    temporaryUrl,
  }
}
