/**
 * The FileStorage port's rules on both adapters: the local directory, and CloudBase cloud storage
 * through the REAL wx-server-sdk (uploadFile, downloadFile, getTempFileURL, deleteFile) against
 * the emulator, whose COS side checks the upload credentials and the temporary URLs' signatures.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { createCloudbaseFiles } from '../../cloudfunctions/adapters/cloudbase/files'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { FileStorageError, type FileStorage } from '../../cloudfunctions/ports/files'
import { unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { openEmulatedStorage, type StorageEmulator } from '../../tools/cloudbase-emulator/storage'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

let now = Date.parse('2026-12-02T02:00:00Z')

function local(): { files: FileStorage; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'etc-files-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return { files: createLocalFiles(dir), dir }
}

function cloud(): { files: FileStorage; storage: StorageEmulator; spool: string } {
  const spool = mkdtempSync(join(tmpdir(), 'etc-files-spool-'))
  const { emulator, storage, cloud: sdk } = openEmulatedStorage({ now: () => new Date(now) })
  cleanups.push(() => rmSync(spool, { recursive: true, force: true }))
  cleanups.push(() => unregisterEmulator(emulator))
  cleanups.push(() => storage.close())
  return { files: createCloudbaseFiles(sdk, { spoolDir: spool }), storage, spool }
}

const adapters = { local: () => local().files, cloudbase: () => cloud().files } as const

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** A stream of `size` random bytes in chunks, and the bytes. */
function source(size: number, chunk = 64 * 1024): { stream: Readable; bytes: Buffer } {
  const bytes = randomBytes(size)
  const parts: Buffer[] = []
  for (let i = 0; i < size; i += chunk) parts.push(bytes.subarray(i, i + chunk))
  return { stream: Readable.from(parts), bytes }
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'ok'
  } catch (error) {
    return error instanceof FileStorageError ? error.code : String(error)
  }
}

describe.each(Object.keys(adapters) as Array<keyof typeof adapters>)('FileStorage on %s', (name) => {
  test('a written stream reads back byte for byte, with its size; removal is idempotent', async () => {
    const files = adapters[name]()
    const { stream, bytes } = source(3 * 1024 * 1024 + 17)
    const stored = await files.write('exports/acc-1/a-1.xlsx', stream, 'application/octet-stream')
    expect(stored.sizeBytes).toBe(bytes.length)
    expect(await files.size(stored.fileKey)).toBe(bytes.length)
    expect((await bytesOf(await files.read(stored.fileKey))).equals(bytes)).toBe(true)

    await files.remove(stored.fileKey)
    await files.remove(stored.fileKey)
    expect(await code(files.read(stored.fileKey))).toBe('NOT_FOUND')
    expect(await code(files.size(stored.fileKey))).toBe('NOT_FOUND')
  })

  test('a second write under the same path replaces the file', async () => {
    const files = adapters[name]()
    const first = await files.write('x/same.bin', Readable.from([Buffer.from('first')]), 'text/plain')
    const second = await files.write('x/same.bin', Readable.from([Buffer.from('second!')]), 'text/plain')
    expect(second.fileKey).toBe(first.fileKey)
    expect((await bytesOf(await files.read(second.fileKey))).toString()).toBe('second!')
  })

  test('paths outside the rule are refused before anything is written', async () => {
    const files = adapters[name]()
    for (const path of [
      '',
      '/abs.xlsx',
      '../up.xlsx',
      'a/../b.xlsx',
      'a//b.xlsx',
      'a b.xlsx',
      '.hidden',
      'a/\u5145.xlsx',
    ])
      expect(await code(files.write(path, Readable.from([Buffer.from('x')]), 'text/plain'))).toBe(
        'INVALID_PATH',
      )
    expect(await code(files.read('nothing/here.xlsx'))).toBe('NOT_FOUND')
  })

  test('a stream that fails midway leaves nothing readable', async () => {
    const files = adapters[name]()
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 1))
        this.destroy(new Error('source failed'))
      },
    })
    expect(await code(files.write('exports/broken.xlsx', failing, 'text/plain'))).toContain('source failed')
    const key = name === 'local' ? 'exports/broken.xlsx' : 'cloud://none/exports/broken.xlsx'
    expect(await code(files.read(key))).toBe('NOT_FOUND')
  })
})

test('local: files land under the root, written through a temporary name, no URL to hand out', async () => {
  const { files, dir } = local()
  const stored = await files.write('exports/acc-1/f.xlsx', Readable.from([Buffer.from('abc')]), 'text/plain')
  expect(stored.fileKey).toBe('exports/acc-1/f.xlsx')
  expect(readdirSync(join(dir, 'exports', 'acc-1'))).toEqual(['f.xlsx'])
  expect(await files.temporaryUrl(stored.fileKey, 300)).toBeNull()
})

test('cloudbase: uploads are checked by the emulated COS, temporary URLs expire, the spool is cleaned up', async () => {
  const { files, storage, spool } = cloud()
  const stored = await files.write(
    'exports/acc-1/f.xlsx',
    Readable.from([Buffer.from('hello')]),
    'text/plain',
  )
  expect(stored.fileKey).toBe(storage.fileIdOf('exports/acc-1/f.xlsx'))
  expect(storage.paths()).toEqual(['exports/acc-1/f.xlsx'])
  expect(storage.stats.uploads).toBe(1)
  expect(readdirSync(spool)).toEqual([])

  const url = await files.temporaryUrl(stored.fileKey, 300)
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exports\/acc-1\/f\.xlsx\?sign=[0-9a-f]{64}&t=\d+$/)
  expect(await (await fetch(url!)).text()).toBe('hello')
  // a forged signature: its first digit changed (to one it is not, or the URL would be the real one)
  const forged = url!.replace(/sign=(.)/, (_, d: string) => `sign=${d === '0' ? '1' : '0'}`)
  expect(forged).not.toBe(url)
  expect((await fetch(forged)).status).toBe(403)
  now += 301_000
  expect((await fetch(url!)).status).toBe(403)
  expect(await code(files.temporaryUrl('cloud://another-env.bucket/exports/acc-1/f.xlsx', 60))).toBe(
    'NOT_FOUND',
  )
  await files.remove(stored.fileKey)
  expect(storage.paths()).toEqual([])
  expect(storage.stats.deletes).toBe(1)

  // a failed source uploads nothing and leaves no spool file
  const failing = new Readable({
    read() {
      this.destroy(new Error('source failed'))
    },
  })
  expect(await code(files.write('exports/acc-1/g.xlsx', failing, 'text/plain'))).toContain('source failed')
  expect(storage.paths()).toEqual([])
  expect(readdirSync(spool)).toEqual([])
})
