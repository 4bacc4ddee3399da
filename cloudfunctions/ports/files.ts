import type { Readable } from 'node:stream'

/**
 * Where generated files live (exports now; invoice PDFs later): cloud storage on CloudBase, a
 * directory of the local server's data on this machine. Files are written once under a path the
 * caller chooses and read back by the key the write answered (on CloudBase the fileID, locally
 * the path), so callers keep the key, never a storage-specific address.
 *
 * Rules both adapters keep:
 * - paths are relative, '/'-separated, of [A-Za-z0-9._-] segments (no '..', nothing absolute):
 *   they become cloud paths and file names as they are;
 * - `write` consumes the stream to its end and answers only once the file is durable; a failed
 *   write leaves nothing readable under the path;
 * - `remove` of a missing file succeeds (removal is retried by schedulers);
 * - `read` and `size` of a missing file fail with NOT_FOUND.
 */
export interface StoredFile {
  /** What `read`, `remove`, `size` and `temporaryUrl` take. */
  fileKey: string
  sizeBytes: number
}

export interface FileStorage {
  write(path: string, body: Readable, contentType: string): Promise<StoredFile>
  read(fileKey: string): Promise<Readable>
  remove(fileKey: string): Promise<void>
  size(fileKey: string): Promise<number>
  /**
   * A URL that anyone holding it may GET for about `maxAgeSeconds` (CloudBase's getTempFileURL),
   * or null where the storage has no such URLs (the local directory: the local server streams).
   */
  temporaryUrl(fileKey: string, maxAgeSeconds: number): Promise<string | null>
}

export class FileStorageError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'INVALID_PATH' | 'UNAVAILABLE',
    message: string,
  ) {
    super(message)
    this.name = 'FileStorageError'
  }
}

const segment = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/

/** Refuses anything but a relative path of plain segments (the rule above); answers it unchanged. */
export function checkFilePath(path: string): string {
  const parts = path.split('/')
  if (path.length === 0 || path.length > 512 || !parts.every((p) => segment.test(p) && p !== '..'))
    throw new FileStorageError('INVALID_PATH', `file path not allowed: ${JSON.stringify(path)}`)
  return path
}
