/**
 * What every browser suite stands on: the local server in-process on a temporary database
 * with the suite's clock, the demo data, and Debian's chromium with phone-sized pages whose
 * clock agrees with the server's.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { chromiumFlags, chromiumPath } from '../../tools/browser/chromium'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import type { CaptchaRenderer } from '../../cloudfunctions/core/captchas'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { seedDemo, type DemoLogin, type DemoLogins } from '../../tools/demo/seed'
import { generateSecrets } from '../../tools/server/secrets'
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { createLocalServer, type LocalServer } from '../../tools/server/server'
import type { ApiResult } from '../../types/api'
import type { LoginResult } from '../../types/actions/auth'

const root = resolve(__dirname, '..', '..')
const h5Dir = join(root, 'dist', 'h5')
export const artifacts = join(root, 'test', 'artifacts')
export const STEP_TIMEOUT = 15_000

export interface BrowserWorld {
  server: LocalServer
  secrets: Secrets
  logins: DemoLogins
  /** The server's log lines, for failure messages. */
  serverLog: string[]
  /** A phone-sized page with its own storage, whose clock agrees with the server's. */
  openPhone(): Promise<Page>
  /** The newest SMS code for `phone` in the outbox that is not `after`. */
  waitForCode(phone: string, after: string): Promise<string>
  close(): Promise<void>
}

export async function startBrowserWorld(opts: {
  clock: Clock
  captcha?: CaptchaRenderer
  name: string
}): Promise<BrowserWorld> {
  if (!existsSync(join(h5Dir, 'index.html'))) {
    throw new Error('dist/h5/index.html is missing: run `npm run build:h5` first')
  }
  const executablePath = chromiumPath()
  mkdirSync(artifacts, { recursive: true })
  const dir = mkdtempSync(join(tmpdir(), `etc-browser-${opts.name}-`))
  const secrets = generateSecrets()
  const serverLog: string[] = []
  // load master keys for this world: the KeyService and the virtual card boxes' personalisation agree
  const loadMaster = { dlk: randomBytes(16), dtk: randomBytes(16) }
  const server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock: opts.clock,
    secrets,
    h5Dir,
    port: 0,
    log: (line) => serverLog.push(line),
    captcha: opts.captcha,
    loadKeys: SoftwareKeyService.fromMasterKeys(loadMaster),
    virtualBle: { masterKeys: { mlk: loadMaster.dlk.toString('hex'), mtk: loadMaster.dtk.toString('hex') } },
  })
  const logins = await seedDemo(server.store, secrets, opts.clock.now())
  // launch() runs chromium on a fresh temporary user-data dir and removes it on close.
  const browser: Browser = await chromium.launch({ executablePath, headless: true, args: chromiumFlags })
  const contexts: BrowserContext[] = []

  return {
    server,
    secrets,
    logins,
    serverLog,
    async openPhone() {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      })
      contexts.push(context)
      // The session's expiry is set by the server clock; the app compares it with Date.now().
      await context.clock.install({ time: opts.clock.now() })
      const page = await context.newPage()
      page.setDefaultTimeout(STEP_TIMEOUT)
      return page
    },
    async waitForCode(phone, after) {
      const deadline = Date.now() + STEP_TIMEOUT
      while (Date.now() < deadline) {
        const [latest] = await listOutbox(server.store, 1)
        if (latest && latest.phone === phone && latest.code !== after) return latest.code
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error(`no SMS code reached the outbox for ${phone}; server log:\n${serverLog.join('\n')}`)
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined)
      await browser.close()
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Taro H5 keeps earlier pages of the stack in the DOM, hidden: only the shown ones count. */
export function shown(page: Page, selector: string, hasText?: string | RegExp): Locator {
  return page.locator(selector, hasText === undefined ? {} : { hasText }).filter({ visible: true })
}

/** Taro H5 inputs are custom elements wrapping a real <input>. */
export function inputOf(page: Page, className: string): Locator {
  return shown(page, `.${className} input, input.${className}`).first()
}

// ---- steps every browser suite takes ----

export async function waitShown(page: Page, selector: string, hasText?: string | RegExp): Promise<Locator> {
  const locator = shown(page, selector, hasText).first()
  await locator.waitFor({ state: 'visible' })
  return locator
}

/** What the router answers the browser for one action, observed on the wire. */
export function answerOf<T>(
  page: Page,
  action: string,
  payloadFits: (payload: Record<string, unknown>) => boolean = () => true,
): Promise<ApiResult & { data: T }> {
  return page
    .waitForResponse((res) => {
      if (!res.url().endsWith('/api')) return false
      const envelope = JSON.parse(res.request().postData() ?? '{}') as {
        action?: string
        payload?: Record<string, unknown>
      }
      return envelope.action === action && payloadFits(envelope.payload ?? {})
    })
    .then(async (res) => (await res.json()) as ApiResult & { data: T })
}

/**
 * What `read` answers once it fits (pages update after their api answers), or its last answer
 * after the step timeout, for the caller's expect to report.
 */
export async function settled<T>(read: () => Promise<T> | T, fits: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT
  let last = await read()
  while (!fits(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    last = await read()
  }
  return last
}

export async function settlesTo<T>(read: () => Promise<T> | T, expected: T): Promise<void> {
  expect(await settled(read, (v) => v === expected)).toBe(expected)
}

export function dataOf<T>(result: ApiResult & { data: T }): T {
  if (!result.ok) throw new Error(`api failed: ${result.error.code} ${result.error.message}`)
  return result.data
}

/** Saves a screenshot once the shown Taro page has slid fully into view (no transition running). */
export async function snap(page: Page, name: string): Promise<void> {
  const inView = () =>
    page.evaluate(() => {
      const pages = Array.from(document.querySelectorAll('.taro_page')).filter(
        (e) => getComputedStyle(e).display !== 'none',
      )
      const top = pages[pages.length - 1]
      const moving = document.getAnimations().some((a) => a.playState === 'running')
      return top !== undefined && !moving && Math.abs(top.getBoundingClientRect().x) < 1
    })
  expect(await settled(inView, (ok) => ok)).toBe(true)
  await page.screenshot({ path: join(artifacts, name), fullPage: true })
}

export async function tap(page: Page, selector: string, hasText?: string | RegExp): Promise<void> {
  await (await waitShown(page, selector, hasText)).tap()
}

/**
 * SMS login as a person would: the login page, 用户类型 for a unit, the agreement, the phone, the
 * code from the outbox typed in. Answers what the router answered the browser. Callers that log in
 * more than once move their clock past the per-phone cooldown first.
 */
export async function smsLogin(world: BrowserWorld, page: Page, login: DemoLogin): Promise<LoginResult> {
  await page.goto(`${world.server.url}/`)
  await inputOf(page, 'login-phone').waitFor({ state: 'visible' })
  if (login.userType === 'unit') await tap(page, '.login-switch-type')
  await tap(page, '.login-agree')
  await inputOf(page, 'login-phone').fill(login.phone)
  const [previous] = await listOutbox(world.server.store, 1)
  await tap(page, '.login-send-code')
  const code = await world.waitForCode(login.phone, previous?.phone === login.phone ? previous.code : '')
  await inputOf(page, 'login-code').fill(code)
  const answer = answerOf<LoginResult>(page, 'auth.loginBySms')
  await tap(page, '.login-submit')
  return dataOf(await answer)
}
