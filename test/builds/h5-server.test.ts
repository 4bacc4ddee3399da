/**
 * The local server (tools/server/server.ts) in front of the real H5 build: hashed files are
 * cached for a year and sent brotli- or gzip-compressed (the build's precompressed copies, from
 * config/plugins/h5Precompress.ts), index.html is revalidated on every load.
 */
import fs from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { systemClock } from '../../cloudfunctions/ports/clock'
import { generateSecrets } from '../../tools/server/secrets'
import { createLocalServer, type LocalServer } from '../../tools/server/server'
import { distDir } from './distFiles'

const IMMUTABLE = 'public, max-age=31536000, immutable'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The body as sent, still encoded. */
  raw: Buffer
}

let h5: string
let server: LocalServer
let dbDir: string

function get(urlPath: string, acceptEncoding?: string): Promise<Answer> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding }
    const req = request({ host: hostname, port, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

function decoded(answer: Answer): Buffer {
  const encoding = answer.headers['content-encoding']
  if (encoding === 'br') return zlib.brotliDecompressSync(answer.raw)
  if (encoding === 'gzip') return zlib.gunzipSync(answer.raw)
  return answer.raw
}

/** The scripts and stylesheets index.html loads. */
function entryAssets(): string[] {
  const html = fs.readFileSync(path.join(h5, 'index.html'), 'utf8')
  return [...html.matchAll(/(?:src|href)="(\/(?:js|css)\/[^"]+)"/g)].map((m) => m[1])
}

beforeAll(async () => {
  h5 = distDir('h5')
  dbDir = fs.mkdtempSync(path.join(tmpdir(), 'etc-h5-server-'))
  server = await createLocalServer({
    dbFile: path.join(dbDir, 'etc.sqlite'),
    clock: systemClock,
    secrets: generateSecrets(),
    h5Dir: h5,
    port: 0,
  })
}, 30_000)

afterAll(async () => {
  await server?.close()
  if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true })
})

test('index.html is revalidated on every load', async () => {
  const answer = await get('/', 'gzip, deflate, br')
  expect(answer.status).toBe(200)
  expect(answer.headers['cache-control']).toBe('no-cache')
  expect(decoded(answer).equals(fs.readFileSync(path.join(h5, 'index.html')))).toBe(true)
})

test('index.html loads hashed scripts and stylesheets only', () => {
  const assets = entryAssets()
  expect(assets.some((a) => a.endsWith('.js'))).toBe(true)
  for (const asset of assets) expect(asset).toMatch(/\.[0-9a-f]{8}\.(js|css)$/)
})

test.each([
  ['gzip, deflate, br', 'br'],
  ['gzip', 'gzip'],
  ['br;q=0, gzip;q=1', 'gzip'],
])(
  'hashed assets: immutable for a year, Accept-Encoding %j → %s, the same bytes once decoded',
  async (accept, encoding) => {
    for (const asset of entryAssets()) {
      const answer = await get(asset, accept)
      expect(answer.status).toBe(200)
      expect(answer.headers['cache-control']).toBe(IMMUTABLE)
      // under 1 KB compression is not worth a header; the build keeps no copy either
      const small = fs.statSync(path.join(h5, asset)).size < 1024
      expect(answer.headers['content-encoding']).toBe(small ? undefined : encoding)
      expect(String(answer.headers.vary)).toMatch(/accept-encoding/i)
      expect(answer.headers['content-type']).toMatch(
        asset.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/,
      )
      expect(answer.headers['x-content-type-options']).toBe('nosniff')
      expect(decoded(answer).equals(fs.readFileSync(path.join(h5, asset)))).toBe(true)
    }
  },
)

test('a client that accepts no encoding gets the plain file', async () => {
  const [script] = entryAssets().filter((a) => a.endsWith('.js'))
  for (const accept of [undefined, 'identity']) {
    const answer = await get(script, accept)
    expect(answer.headers['content-encoding']).toBeUndefined()
    expect(answer.headers['cache-control']).toBe(IMMUTABLE)
    expect(answer.raw.equals(fs.readFileSync(path.join(h5, script)))).toBe(true)
  }
})

test('the compressed copies are beside every hashed script', () => {
  const scripts = fs.readdirSync(path.join(h5, 'js')).filter((f) => /\.[0-9a-f]{8}\.js$/.test(f))
  const large = scripts.filter((f) => fs.statSync(path.join(h5, 'js', f)).size >= 1024)
  expect(large.length).toBeGreaterThan(0)
  for (const file of large) {
    expect(fs.existsSync(path.join(h5, 'js', `${file}.br`))).toBe(true)
    expect(fs.existsSync(path.join(h5, 'js', `${file}.gz`))).toBe(true)
  }
})

test('a missing hashed file is still a plain 404', async () => {
  const answer = await get('/js/missing.0123abcd.js', 'br')
  expect(answer.status).toBe(404)
  expect(answer.headers['cache-control']).toBeUndefined()
  expect(decoded(answer).toString('utf8')).toBe('404 未找到')
})

test('H5 chunks: Taro components and NutUI code sit in one chunk each, not copied per page', () => {
  const scripts = fs
    .readdirSync(path.join(h5, 'js'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => fs.readFileSync(path.join(h5, 'js', f), 'utf8'))
  expect(scripts.length).toBeGreaterThan(2)
  for (const marker of ['taro-view-core', 'taro-input-core', 'nut-button'])
    expect([marker, scripts.filter((text) => text.includes(marker)).length]).toEqual([marker, 1])
})
