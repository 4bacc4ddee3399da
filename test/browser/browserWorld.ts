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
import { svgCaptchaRenderer } from '../../cloudfunctions/functions/api/actions/authCaptcha'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { seedDemo, type DemoLogin, type DemoLogins } from '../../tools/demo/seed'
import { generateSecrets } from '../../tools/server/secrets'
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { createLocalServer, type LocalServer } from '../../tools/server/server'
import type { ApiResult } from '../../types/api'
import type { LoginResult } from '../../types/actions/auth'
import type { OperatorLogin } from '../../types/actions/operator'

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
  /**
   * The text of every graphic captcha the server drew, oldest first: the world's renderer is the
   * real svg-captcha one, remembering each picture's text, so a test reads it as a person would
   * (the router still checks every answer).
   */
  captchaTexts: readonly string[]
  /** A phone-sized page with its own storage, whose clock agrees with the server's. */
  openPhone(): Promise<Page>
  /** The newest SMS code for `phone` in the outbox that is not `after`. */
  waitForCode(phone: string, after: string): Promise<string>
  close(): Promise<void>
}

export async function startBrowserWorld(opts: { clock: Clock; name: string }): Promise<BrowserWorld> {
  if (!existsSync(join(h5Dir, 'index.html'))) {
    throw new Error('dist/h5/index.html is missing: run `npm run build:h5` first')
  }
  const executablePath = chromiumPath()
  mkdirSync(artifacts, { recursive: true })
  const dir = mkdtempSync(join(tmpdir(), `etc-browser-${opts.name}-`))
  const secrets = generateSecrets()
  const serverLog: string[] = []
  const captchaTexts: string[] = []
  const captcha: CaptchaRenderer = {
    create() {
      const drawn = svgCaptchaRenderer.create()
      captchaTexts.push(drawn.text)
      return drawn
    },
  }
  // load master keys for this world: the KeyService and the virtual card boxes' personalisation agree
  const loadMaster = { dlk: randomBytes(16), dtk: randomBytes(16) }
  const server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock: opts.clock,
    secrets,
    h5Dir,
    port: 0,
    log: (line) => serverLog.push(line),
    captcha,
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
    captchaTexts,
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

/**
 * The text of the captcha picture `imageClass` once it is on screen, drawn after `drawnBefore`
 * pictures (take `world.captchaTexts.length` before the step that shows a new one).
 */
export async function readCaptcha(
  world: BrowserWorld,
  page: Page,
  imageClass: string,
  drawnBefore: number,
): Promise<string> {
  await shown(page, `img.${imageClass}, .${imageClass} img`).first().waitFor({ state: 'visible' })
  expect(
    await settled(
      () => world.captchaTexts.length,
      (n) => n > drawnBefore,
    ),
  ).toBeGreaterThan(drawnBefore)
  return world.captchaTexts[world.captchaTexts.length - 1]
}

/**
 * Operator login as a person would: the operator login page, login name, password and the captcha
 * read off its picture. `snapAs` saves the filled-in form before 登录. Answers what the router
 * answered the browser (the page then opens the operator's home).
 */
export async function operatorLogin(
  world: BrowserWorld,
  page: Page,
  login: { loginName: string; password: string },
  opts: { snapAs?: string } = {},
): Promise<OperatorLogin> {
  const drawn = world.captchaTexts.length
  await page.goto(`${world.server.url}/#/packages/operator/pages/login/index`)
  await inputOf(page, 'operator-login-name').waitFor({ state: 'visible' })
  const captchaText = await readCaptcha(world, page, 'operator-login-captcha-image', drawn)
  await inputOf(page, 'operator-login-name').fill(login.loginName)
  await inputOf(page, 'operator-login-password').fill(login.password)
  await inputOf(page, 'operator-login-captcha').fill(captchaText)
  if (opts.snapAs) await snap(page, opts.snapAs)
  const answer = answerOf<OperatorLogin>(page, 'operator.login')
  await tap(page, '.operator-login-submit')
  return dataOf(await answer)
}
