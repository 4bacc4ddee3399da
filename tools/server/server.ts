import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import compression from 'compression'
import getRawBody from 'raw-body'
import serveStatic from 'serve-static'
import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { createOutboxSms, listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { maskPhone } from '../../cloudfunctions/core/masking'
import type { Sms } from '../../cloudfunctions/ports/sms'
import { createApi } from '../../cloudfunctions/functions/api/app'
import type { CaptchaRenderer } from '../../cloudfunctions/core/captchas'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { KeyService } from '../../cloudfunctions/ports/keyService'
import type { ApiResult } from '../../types/api'
import { errorBody, type ErrorCode } from '../../types/errors'
import { renderOutboxPage } from './outboxPage'
import { localExportFiles, serveExports } from './exportDownload'
import { localInvoices, serveInvoices } from './invoiceDownload'
import { createScheduler, type SchedulerRun } from '../../cloudfunctions/functions/scheduler/handler'
import {
  alipayNotifyPath,
  cashierPathPrefix,
  startPaymentSandbox,
  type CashierAnswer,
  type PaymentSandbox,
} from './paymentSandbox'
import type { SandboxKeys } from './secrets'
import { createVirtualBle, type VirtualBle } from './virtualBle'
import type { MasterKeys } from '../virtual-card/personalize'

export interface LocalServerOptions {
  dbFile: string
  clock: Clock
  secrets: Secrets
  /** The H5 build to serve (dist/h5). */
  h5Dir: string
  /** 127.0.0.1 unless told otherwise: the local server holds demo personal data and SMS codes. */
  host?: string
  /** 0 picks any free port. */
  port?: number
  log?: (line: string) => void
  /** Graphic captchas; svg-captcha unless told otherwise (tests pass one that records its answer). */
  captcha?: CaptchaRenderer
  /**
   * The payment sandbox (WeChat Pay's cloudPay emulator and a local Alipay OpenAPI gateway, on the
   * server's clock): on unless `false`. `keys`: the Alipay key pairs kept in .local/ by start.ts;
   * fresh ones otherwise.
   */
  paymentSandbox?: false | { keys?: SandboxKeys }
  /**
   * Runs the scheduler's jobs (close expired orders, reconcile the sandbox's statements, pay refunds
   * owed, exports) every this many milliseconds, as CloudBase's timer trigger does. Off unless given
   * (`npm start` gives it; tests drive their clocks and run jobs themselves).
   */
  scheduleEveryMs?: number
  /** The load key service (start.ts: software, from the demo master keys); loads are unavailable without. */
  loadKeys?: KeyService
  /**
   * Virtual card boxes for the H5 build on ws://…/dev/ble (tools/server/virtualBle.ts), their cards
   * personalised from these master keys (hex; the ones `loadKeys` diversifies). Off unless given.
   */
  virtualBle?: { masterKeys: MasterKeys }
}

export interface LocalServer {
  url: string
  port: number
  /** The embedded database the api runs on, for seeding and for tests reading the outbox. */
  store: SqliteStore
  /** The payment sandbox the api pays through (null when turned off), for tests that act as a provider. */
  payments: PaymentSandbox | null
  /** The virtual card boxes H5 reaches over /dev/ble (null unless `virtualBle` was given). */
  virtualBle: VirtualBle | null
  /** One run of the scheduler's jobs now (what `scheduleEveryMs` repeats); needs the payment sandbox. */
  runScheduler(): Promise<SchedulerRun>
  close(): Promise<void>
}

/** Bodies beyond this are refused before parsing; the largest real request is a few hundred bytes. */
export const MAX_BODY_BYTES = 64 * 1024

const OUTBOX_PAGE_SIZE = 50

/** Build outputs named with a content hash (js/app.1a2b3c4d.js): their bytes never change. */
const HASHED_ASSET = /\.[0-9a-f]{8}\.[a-z0-9]+$/i
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** The build's precompressed copies (config/plugins/h5Precompress.ts), best first. */
const PRECOMPRESSED = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
] as const
const PRECOMPRESSED_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  json: 'application/json; charset=utf-8',
}

/** Whether Accept-Encoding lists `encoding` (or `*`) with a non-zero quality. */
function accepts(header: string | undefined, encoding: string): boolean {
  return (header ?? '').split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean)
    return (name === encoding || name === '*') && (!q || Number(q[1]) > 0)
  })
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1] : null
}

function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? ''
  // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d; rate limits should see one form.
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // API answers carry personal data and tokens: never cache them.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  })
  res.end(text)
}

function failure(code: ErrorCode, message?: string): ApiResult {
  return { ok: false, error: errorBody(code, message), requestId: randomUUID() }
}

function isPayloadTooLarge(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    ((error as { type?: unknown }).type === 'entity.too.large' ||
      (error as { status?: unknown }).status === 413)
  )
}

function hostAllowed(req: IncomingMessage, boundHost: string): boolean {
  const host = req.headers.host
  if (!host) return false
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]
  // A DNS-rebinding page could otherwise read the dev outbox (SMS codes) through the browser.
  return ['127.0.0.1', 'localhost', '[::1]', boundHost].includes(name.toLowerCase())
}

/** No Origin (a non-browser client) or one of the local server's own origins. */
function originAllowed(req: IncomingMessage, boundHost: string): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  try {
    const { hostname } = new URL(origin)
    const name = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname
    return ['127.0.0.1', 'localhost', '[::1]', boundHost].includes(name.toLowerCase())
  } catch {
    return false
  }
}

/**
 * The local SMS: each code goes to the outbox (/dev/outbox) and is printed to the server's log
 * as it is sent, so a demo user finds it in the terminal too. The phone is printed masked.
 */
export function printingSms(outbox: Sms, log: (line: string) => void): Sms {
  return {
    async send(message) {
      await outbox.send(message)
      log(`短信验证码 ${message.code} → ${maskPhone(message.phone)}（本地演示，未真实发送）`)
    },
  }
}

/**
 * The local server: the same `api` function code the cloud runs, on an embedded sqlite
 * database, plus the H5 build and developer-only pages (SMS outbox). Not part of any
 * mini-program build.
 */
export async function createLocalServer(opts: LocalServerOptions): Promise<LocalServer> {
  const host = opts.host ?? '127.0.0.1'
  const log = opts.log ?? (() => undefined)
  const store = openSqliteStore(opts.dbFile)
  let sandbox: PaymentSandbox | null = null
  if (opts.paymentSandbox !== false) {
    try {
      sandbox = await startPaymentSandbox({ store, clock: opts.clock, keys: opts.paymentSandbox?.keys, log })
    } catch (error) {
      store.close()
      throw error
    }
  }
  const api = createApi({
    store,
    sms: printingSms(createOutboxSms(store, opts.clock), log),
    clock: opts.clock,
    secrets: opts.secrets,
    captcha: opts.captcha,
    ...(sandbox ? { payments: sandbox.payments } : {}),
    ...(opts.loadKeys ? { loadKeys: opts.loadKeys } : {}),
    invoices: localInvoices({ ...opts, store }),
    // The router logs one line per call it handles, with only known action names and no payload.
    log: (entry) => log(`api ${entry.requestId} ${entry.action} ${entry.outcome} ${entry.ms}ms`),
    logError: (requestId, error) =>
      log(
        `api ${requestId} unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      ),
  })
  const statics = serveStatic(opts.h5Dir, {
    index: ['index.html'],
    dotfiles: 'ignore',
    // Missing files and refused paths (.., dotfiles) fall through to our own 404.
    fallthrough: true,
    setHeaders(res, path) {
      res.setHeader('X-Content-Type-Options', 'nosniff')
      // Hashed files are cached for a year; everything else (index.html names the hashed
      // bundles) is revalidated after each build.
      res.setHeader('Cache-Control', HASHED_ASSET.test(path) ? IMMUTABLE : 'no-cache')
    },
  })
  // Hashed js/css/svg/json with a .br or .gz copy beside them: that copy, as it is.
  const precompressed = serveStatic(opts.h5Dir, {
    index: false,
    dotfiles: 'ignore',
    fallthrough: true,
    setHeaders(res, path) {
      const original = path.replace(/\.(br|gz)$/, '')
      res.setHeader('X-Content-Type-Options', 'nosniff')
      res.setHeader('Content-Type', PRECOMPRESSED_TYPES[original.split('.').pop() ?? ''])
      res.setHeader('Content-Encoding', path.endsWith('.br') ? 'br' : 'gzip')
      res.setHeader('Vary', 'Accept-Encoding')
      res.setHeader('Cache-Control', IMMUTABLE)
    },
  })
  // gzip or brotli, as the browser accepts, for the H5 files (API answers are a few hundred bytes).
  // The middleware only uses node's request and response; its typings name express's.
  const compress = compression({ threshold: 1024 }) as unknown as (
    req: IncomingMessage,
    res: ServerResponse,
    next: () => void,
  ) => void

  /** `logged` is false for answers the server gives itself, before the router sees the request. */
  type Answer = { result: ApiResult; logged: boolean; headers?: Record<string, string> }

  async function answerApi(req: IncomingMessage): Promise<Answer> {
    if (req.method !== 'POST') {
      return {
        result: failure('INVALID_INPUT', '接口只接受 POST 请求'),
        logged: false,
        headers: { Allow: 'POST' },
      }
    }
    let text: string
    try {
      text = await getRawBody(req, { limit: MAX_BODY_BYTES, encoding: 'utf8' })
    } catch (error) {
      if (!isPayloadTooLarge(error)) throw error
      // Drain the rest so the client can read the answer instead of seeing a reset, then hang up.
      req.resume()
      return { result: failure('PAYLOAD_TOO_LARGE'), logged: false, headers: { Connection: 'close' } }
    }
    let envelope: unknown
    try {
      envelope = JSON.parse(text)
    } catch {
      return { result: failure('INVALID_INPUT', '请求内容不是有效的 JSON'), logged: false }
    }
    try {
      const result = await api.handle(envelope, {
        platform: 'http',
        token: bearerToken(req),
        ip: clientIp(req),
      })
      return { result, logged: true }
    } catch (error) {
      // The router promises never to throw; if it does, the client still gets a typed answer.
      const result = failure('INTERNAL')
      log(`api ${result.requestId} router threw: ${String(error)}`)
      return { result, logged: true }
    }
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const { result, logged, headers } = await answerApi(req)
    sendJson(res, result.ok ? 200 : result.error.status, result, headers)
    if (!logged) {
      const outcome = result.ok ? 'ok' : result.error.code
      log(`api ${result.requestId} - ${outcome} ${Math.round(performance.now() - started)}ms`)
    }
  }

  async function handleOutbox(res: ServerResponse, asJson: boolean): Promise<void> {
    const rows = await listOutbox(store, OUTBOX_PAGE_SIZE)
    if (asJson) {
      sendJson(res, 200, { items: rows })
      return
    }
    const html = renderOutboxPage(rows, opts.clock.now())
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    res.end(html)
  }

  /** Reads (and ignores) a body within the limit; false when it was too large (the client is told). */
  async function bodyWithinLimit(req: IncomingMessage): Promise<string | null> {
    try {
      return await getRawBody(req, { limit: MAX_BODY_BYTES, encoding: 'utf8' })
    } catch (error) {
      if (!isPayloadTooLarge(error)) throw error
      req.resume()
      return null
    }
  }

  function sendText(
    res: ServerResponse,
    status: number,
    text: string,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    })
    res.end(text)
  }

  /** POST /sandbox/cashier/<orderNo>: the sandbox payer pays, then the provider notifies (JSON answer). */
  async function handleCashier(
    req: IncomingMessage,
    res: ServerResponse,
    payments: PaymentSandbox,
    path: string,
  ) {
    if (req.method !== 'POST') {
      sendJson(res, 405, failure('INVALID_INPUT', '沙箱收银台只接受 POST 请求'), { Allow: 'POST' })
      return
    }
    if ((await bodyWithinLimit(req)) === null) {
      sendJson(res, 413, failure('PAYLOAD_TOO_LARGE'), { Connection: 'close' })
      return
    }
    let orderNo: string
    try {
      orderNo = decodeURIComponent(path.slice(cashierPathPrefix.length))
    } catch {
      orderNo = ''
    }
    const answer: CashierAnswer = await payments.pay(orderNo)
    if (!answer.ok) {
      const result = failure(answer.code, answer.message)
      sendJson(res, result.ok ? 200 : result.error.status, result)
      return
    }
    const { ok: _ok, ...data } = answer
    sendJson(res, 200, { ok: true, data, requestId: randomUUID() })
  }

  /** POST /alipay/notify: what the alipayNotify function does behind HTTP access (form in, `success`/`fail` out). */
  async function handleAlipayNotify(req: IncomingMessage, res: ServerResponse, payments: PaymentSandbox) {
    if (req.method !== 'POST') {
      sendText(res, 405, 'fail', { Allow: 'POST' })
      return
    }
    const body = await bodyWithinLimit(req)
    if (body === null) {
      sendText(res, 413, 'fail', { Connection: 'close' })
      return
    }
    sendText(res, 200, await payments.alipayNotify(body))
  }

  function notFound(res: ServerResponse): void {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' })
    res.end('404 未找到')
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req, host)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('403 仅限本机访问')
      return
    }
    const path = (req.url ?? '/').split('?')[0]
    // export downloads (GET /exports/file/…); queued exports run after each api call
    if (await serveExports(req, res, path, { ...opts, store, log })) return
    // invoice PDFs (GET /invoices/file/…)
    if (await serveInvoices(req, res, path, { ...opts, store })) return
    if (path === '/api') return handleApi(req, res)
    if (req.method === 'GET' && path === '/dev/outbox') return handleOutbox(res, false)
    if (req.method === 'GET' && path === '/dev/outbox.json') return handleOutbox(res, true)
    if (sandbox && path.startsWith(cashierPathPrefix)) return handleCashier(req, res, sandbox, path)
    if (sandbox && path === alipayNotifyPath) return handleAlipayNotify(req, res, sandbox)
    const compressedOrPlain = () => compress(req, res, () => statics(req, res, () => notFound(res)))
    const type = path.split('.').pop() ?? ''
    const choice = PRECOMPRESSED.find((c) => accepts(req.headers['accept-encoding'], c.encoding))
    if (!choice || !HASHED_ASSET.test(path) || !Object.hasOwn(PRECOMPRESSED_TYPES, type))
      return compressedOrPlain()
    const url = req.url ?? '/'
    req.url = `${path}${choice.suffix}${url.slice(path.length)}`
    precompressed(req, res, () => {
      req.url = url
      compressedOrPlain()
    })
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      log(`server error ${req.method ?? ''} ${(req.url ?? '').split('?')[0]}: ${String(error)}`)
      if (!res.headersSent) {
        sendJson(res, 500, failure('INTERNAL'))
      } else {
        res.destroy()
      }
    })
  })

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(opts.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await sandbox?.close()
    store.close()
    throw error
  }

  const virtualBle = opts.virtualBle
    ? createVirtualBle({ store, masterKeys: opts.virtualBle.masterKeys, log })
    : null
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // browsers let any page open a WebSocket to 127.0.0.1: only our own pages may reach the boxes
    if (!virtualBle || !hostAllowed(req, host) || !originAllowed(req, host)) {
      socket.destroy()
      return
    }
    if (!virtualBle.handleUpgrade(req, socket, head)) socket.destroy()
  })

  const port = (server.address() as AddressInfo).port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  sandbox?.listening(url)
  // the scheduler's jobs on the sandbox's providers and the local export files, as CloudBase runs them
  const scheduler = sandbox
    ? createScheduler({
        store,
        clock: opts.clock,
        gateways: sandbox.payments.gateways,
        files: localExportFiles({ ...opts, store, log }),
        log,
      })
    : null
  let scheduled: Promise<SchedulerRun> | null = null
  const runScheduler = (): Promise<SchedulerRun> => {
    if (!scheduler) return Promise.reject(new Error('the scheduler needs the payment sandbox'))
    scheduled ??= scheduler.run(opts.clock.now()).finally(() => {
      scheduled = null
    })
    return scheduled
  }
  let timer: NodeJS.Timeout | null = null
  if (opts.scheduleEveryMs && scheduler) {
    const tick = () =>
      void runScheduler().then(
        (run) => log(`scheduler ${run.jobs.map((j) => `${j.name}:${j.outcome}`).join(' ')}`),
        (error: unknown) => log(`scheduler failed: ${String(error)}`),
      )
    timer = setInterval(tick, opts.scheduleEveryMs)
    timer.unref()
    setTimeout(tick, 2_000).unref()
  }
  let closing: Promise<void> | null = null
  return {
    url,
    port,
    store,
    payments: sandbox,
    virtualBle,
    runScheduler,
    close() {
      if (timer) clearInterval(timer)
      virtualBle?.close()
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => {
          const stopped = sandbox ? sandbox.close() : Promise.resolve()
          stopped.then(
            () => {
              store.close()
              if (error) reject(error)
              else resolve()
            },
            (stopError: unknown) => {
              store.close()
              reject(error ?? stopError)
            },
          )
        })
        // Keep-alive browser connections would otherwise hold close() open for seconds.
        server.closeAllConnections()
      })
      return closing
    },
  }
}
