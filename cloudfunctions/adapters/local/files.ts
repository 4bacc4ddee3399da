import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { checkFilePath, FileStorageError, type FileStorage, type StoredFile } from '../../ports/files'

/**
 * FileStorage on a directory of this machine (the local server keeps it beside its database).
 * A write goes to a temporary name in the same directory and is renamed into place when the
 * stream ends, so a reader never sees half a file and a failed write leaves none. The key is the
 * path itself.
 */
export function createLocalFiles(root: string): FileStorage {
  const base = resolve(root)

  function fileOf(key: string): string {
    let path: string
    try {
      path = checkFilePath(key)
    } catch {
      throw new FileStorageError('NOT_FOUND', 'no such file')
    }
    const file = resolve(base, ...path.split('/'))
    // checkFilePath already refuses '..'; this keeps any future change of it from escaping the root
    if (!file.startsWith(base + sep)) throw new FileStorageError('NOT_FOUND', 'no such file')
    return file
  }

  async function sizeOf(file: string): Promise<number> {
    try {
      const info = await stat(file)
      if (!info.isFile()) throw new FileStorageError('NOT_FOUND', 'no such file')
      return info.size
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new FileStorageError('NOT_FOUND', 'no such file')
      throw error
    }
  }

  return {
    async write(path: string, body: Readable): Promise<StoredFile> {
      const file = join(base, ...checkFilePath(path).split('/'))
      await mkdir(dirname(file), { recursive: true })
      const temporary = `${file}.${randomUUID()}.partial`
      try {
        await pipeline(body, createWriteStream(temporary, { mode: 0o600 }))
        await rename(temporary, file)
      } catch (error) {
        await rm(temporary, { force: true })
        throw error
      }
      return { fileKey: path, sizeBytes: await sizeOf(file) }
    },

    async read(fileKey: string): Promise<Readable> {
      const file = fileOf(fileKey)
      await sizeOf(file)
      return createReadStream(file)
    },

    async remove(fileKey: string): Promise<void> {
      let file: string
      try {
        file = fileOf(fileKey)
      } catch {
        return
      }
      await rm(file, { force: true })
    },

    size(fileKey: string): Promise<number> {
      return sizeOf(fileOf(fileKey))
    },

    async temporaryUrl(): Promise<string | null> {
      return null
    },
  }
}
