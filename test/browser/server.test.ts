/**
 * The local server's HTTP layer over real sockets: body limits, typed errors, bearer tokens,
 * static files, the dev outbox and the access log. The api router and the sqlite store are
 * the real ones on a temporary database.
 */
import { request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import type { Clock } from '../../cloudfunctions/ports/clock'
import { seedDemo } from '../../tools/demo/seed'
import { generateSecrets } from '../../tools/server/secrets'
import { createLocalServer, MAX_BODY_BYTES, type LocalServer } from '../../tools/server/server'
import type { ApiResult } from '../../types/api'
import type { DemoLogins } from '../../tools/demo/seed'
import { demoLogin } from './demoLogins'

const START = Date.parse('2026-11-20T10:00:00+08:00')

let dir: string
let server: LocalServer
let logins: DemoLogins
const logLines: string[] = []
let now = START
const clock: Clock = { now: () => new Date(now) }

/** Raw request: fetch() would normalise `..` away before it reaches the server. */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

async function postApi(
  body: string,
  token?: string,
): Promise<{ status: number; result: ApiResult; contentType: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const res = await fetch(`${server.url}/api`, { method: 'POST', headers, body })
  return {
    status: res.status,
    result: (await res.json()) as ApiResult,
    contentType: res.headers.get('content-type'),
  }
}

function call(action: string, payload: unknown, token?: string) {
  return postApi(JSON.stringify({ action, payload }), token)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'etc-server-'))
  const h5Dir = join(dir, 'h5')
  mkdirSync(join(h5Dir, 'js'), { recursive: true })
  writeFileSync(join(h5Dir, 'index.html'), '<!doctype html><title>ETC</title><div id="app"></div>')
  writeFileSync(join(h5Dir, 'js', 'app.1a2b.js'), 'console.log("app")')
  writeFileSync(join(h5Dir, '.env'), 'HIDDEN=1')
  // Beside the served folder: must never be reachable.
  writeFileSync(join(dir, 'outside.txt'), 'TOP-SECRET-OUTSIDE')
  const secrets = generateSecrets()
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock,
    secrets,
    h5Dir,
    port: 0,
    log: (line) => logLines.push(line),
  })
  logins = await seedDemo(server.store, secrets, clock.now())
}, 60_000)

afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('static files', () => {
  test('/ answers index.html and assets carry their content type', async () => {
    const index = await fetch(`${server.url}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await index.text()).toContain('<div id="app">')

    const js = await fetch(`${server.url}/js/app.1a2b.js`)
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toMatch(/^(application|text)\/javascript/)
  })

  test.each(['/missing.js', '/../outside.txt', '/%2e%2e/outside.txt', '/js/..%2f..%2foutside.txt', '/.env'])(
    '%s is a 404 and leaks nothing',
    async (path) => {
      const res = await rawGet(path)
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('TOP-SECRET-OUTSIDE')
      expect(res.body).not.toContain('HIDDEN')
    },
  )

  test('a foreign Host header (DNS rebinding) is refused', async () => {
    const res = await rawGet('/dev/outbox.json', { host: 'evil.example:80' })
    expect(res.status).toBe(403)
  })
})

describe('POST /api', () => {
  test('a body over 64 KB answers a typed 413', async () => {
    const big = JSON.stringify({ action: 'account.me', payload: { pad: 'x'.repeat(MAX_BODY_BYTES) } })
    const before = logLines.length
    const { status, result } = await postApi(big)
    expect(status).toBe(413)
    expect(logLines.slice(before)).toEqual([expect.stringMatching(/ - PAYLOAD_TOO_LARGE \d+ms$/)])
    expect(result).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE', status: 413 } })
    expect(result.requestId).toEqual(expect.any(String))
  })

  test('broken JSON answers a typed INVALID_INPUT', async () => {
    const { status, result, contentType } = await postApi('{"action": "account.me", ')
    expect(status).toBe(400)
    expect(contentType).toMatch(/^application\/json/)
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', status: 400 } })
    if (!result.ok) expect(result.error.message).toMatch(/[\u4e00-\u9fff]/)
  })

  test('GET /api is refused with a typed error', async () => {
    const res = await fetch(`${server.url}/api`)
    expect(res.status).toBe(400)
    expect(res.headers.get('allow')).toBe('POST')
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  test('account.me without a token is 401 UNAUTHENTICATED', async () => {
    const { status, result } = await call('account.me', {})
    expect(status).toBe(401)
    expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED', status: 401 } })
  })

  test('SMS login end to end: one log line per call without personal data, code in /dev/outbox', async () => {
    const personal = demoLogin(logins, 'personal')
    now += 120_000

    const before = logLines.length
    const sent = await call('auth.sendSmsCode', { phone: personal.phone, userType: 'personal' })
    expect(sent.status).toBe(200)
    expect(sent.result.ok).toBe(true)

    // the api log line, plus the demo's printed code (masked phone) that npm start shows
    const all = logLines.slice(before)
    const added = all.filter((line) => line.includes(sent.result.requestId))
    expect(added).toHaveLength(1)
    expect(added[0]).toMatch(/ auth\.sendSmsCode ok \d+ms$/)
    for (const line of all) expect(line).not.toContain(personal.phone)

    const [message] = await listOutbox(server.store, 1)
    expect(message.phone).toBe(personal.phone)
    const code = message.code
    expect(code).toMatch(/^\d{6}$/)
    expect(added[0]).not.toContain(code)

    const page = await fetch(`${server.url}/dev/outbox`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('短信发件箱')
    expect(html).toContain(code)
    expect(html).toContain('http-equiv="refresh"')

    const json = (await (await fetch(`${server.url}/dev/outbox.json`)).json()) as {
      items: { code: string }[]
    }
    expect(json.items[0].code).toBe(code)

    const login = await call('auth.loginBySms', { phone: personal.phone, code, userType: 'personal' })
    expect(login.status).toBe(200)
    if (!login.result.ok) throw new Error(`login failed: ${JSON.stringify(login.result.error)}`)
    const token = (login.result.data as { token?: string }).token
    expect(token).toEqual(expect.any(String))
    const loginLine = logLines[logLines.length - 1]
    expect(loginLine).toMatch(/ auth\.loginBySms ok \d+ms$/)
    expect(loginLine).not.toContain(code)
    expect(loginLine).not.toContain(personal.phone)

    const me = await call('account.me', {}, token)
    expect(me.status).toBe(200)
    expect(me.result).toMatchObject({ ok: true, data: { account: { userType: 'personal' } } })
    expect(logLines[logLines.length - 1]).not.toContain(token as string)
  })

  test('an unknown action is logged as "unknown", never with what the client sent', async () => {
    const { status, result } = await call('13800138000', {})
    expect(status).toBe(404)
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ACTION' } })
    const line = logLines[logLines.length - 1]
    expect(line).toMatch(/ unknown UNKNOWN_ACTION \d+ms$/)
    expect(line).not.toContain('13800138000')
  })
})
