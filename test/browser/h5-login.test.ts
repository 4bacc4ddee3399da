/**
 * The real H5 build in Debian's chromium against the local server (real api router, real
 * sqlite store, demo data): SMS login for a personal and a unit user, and a wrong code.
 * Codes are read from the dev outbox, as a developer would.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { seedDemo } from '../../tools/demo/seed'
import { generateSecrets } from '../../tools/server/secrets'
import { createLocalServer, type LocalServer } from '../../tools/server/server'
import type { ApiResult, LoginResult } from '../../types/api'
import { errorCatalog } from '../../types/errors'
import type { DemoLogin, DemoLogins } from '../../tools/demo/seed'
import { accountsOfPhone, currentPlates, demoLogin } from './demoLogins'

const root = resolve(__dirname, '..', '..')
const h5Dir = join(root, 'dist', 'h5')
const artifacts = join(root, 'test', 'artifacts')

/** Flags from docs/toolchain.md: no sandbox in containers, nothing that phones home. */
const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const STEP_TIMEOUT = 15_000
jest.setTimeout(60_000)

let now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let dir: string
let server: LocalServer
let browser: Browser
let logins: DemoLogins
let secrets: Secrets
const serverLog: string[] = []
const contexts: BrowserContext[] = []

function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error(
      'chromium is not installed: run `bash tools/ensure-browser.sh` (installs chromium and fonts-noto-cjk)',
    )
  }
}

/** A phone-sized page with its own storage, whose clock agrees with the server's. */
async function openPhone(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  contexts.push(context)
  // The session's expiry is set by the server clock; the app checks it against Date.now().
  await context.clock.install({ time: clock.now() })
  const page = await context.newPage()
  page.setDefaultTimeout(STEP_TIMEOUT)
  return page
}

/** Taro H5 inputs are custom elements wrapping a real <input>. */
function inputOf(page: Page, className: string) {
  return page.locator(`.${className} input, input.${className}`).first()
}

async function waitForCode(phone: string, after: string): Promise<string> {
  const deadline = Date.now() + STEP_TIMEOUT
  while (Date.now() < deadline) {
    const [latest] = await listOutbox(server.store, 1)
    if (latest && latest.phone === phone && latest.code !== after) return latest.code
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no SMS code reached the outbox for ${phone}; server log:\n${serverLog.join('\n')}`)
}

async function latestCode(phone: string): Promise<string> {
  const [latest] = await listOutbox(server.store, 1)
  return latest && latest.phone === phone ? latest.code : ''
}

/** Login page up to a code in the outbox: the steps every test shares. */
async function requestCode(page: Page, login: DemoLogin): Promise<string> {
  // Each test asks for a code; move past the per-phone cooldown and the per-caller minute limit.
  now += 2 * 60_000
  await page.goto(`${server.url}/`)
  const phone = inputOf(page, 'login-phone')
  await phone.waitFor({ state: 'visible' })
  if (login.userType === 'unit') await page.locator('.login-switch-type').first().tap()
  await phone.fill(login.phone)
  await page.locator('.login-agree').first().tap()
  const previous = await latestCode(login.phone)
  await page.locator('.login-send-code').first().tap()
  return waitForCode(login.phone, previous)
}

/** Types the code and taps login; answers what the server answered the browser (observed, not mocked). */
async function submitCode(page: Page, code: string): Promise<ApiResult> {
  await inputOf(page, 'login-code').fill(code)
  const answer = page.waitForResponse(
    (res) => res.url().endsWith('/api') && res.request().postData()?.includes('"auth.loginBySms"') === true,
  )
  await page.locator('.login-submit').first().tap()
  return (await (await answer).json()) as ApiResult
}

function loggedInAccount(result: ApiResult): NonNullable<LoginResult['account']> {
  if (!result.ok) throw new Error(`login failed: ${result.error.code} ${result.error.message}`)
  const login = result.data as LoginResult
  if (login.next !== 'home') throw new Error(`login did not reach home: ${login.next}`)
  return login.account
}

beforeAll(async () => {
  if (!existsSync(join(h5Dir, 'index.html'))) {
    throw new Error('dist/h5/index.html is missing: run `npm run build:h5` first')
  }
  const executablePath = chromiumPath()
  mkdirSync(artifacts, { recursive: true })
  dir = mkdtempSync(join(tmpdir(), 'etc-browser-'))
  secrets = generateSecrets()
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock,
    secrets,
    h5Dir,
    port: 0,
    log: (line) => serverLog.push(line),
  })
  logins = await seedDemo(server.store, secrets, clock.now())
  // launch() runs chromium on a fresh temporary user-data dir and removes it on close.
  browser = await chromium.launch({ executablePath, headless: true, args: chromiumFlags })
}, 60_000)

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined)
  await browser?.close()
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('a personal user logs in with an SMS code and sees their vehicles', async () => {
  const login = demoLogin(logins, 'personal')
  const page = await openPhone()
  const code = await requestCode(page, login)
  const account = loggedInAccount(await submitCode(page, code))
  // The phone may reach several accounts; the home page shows the one the login chose.
  expect(await accountsOfPhone(server.store, secrets, login)).toContain(account.id)
  const plates = await currentPlates(server.store, account.id)
  expect(plates.length).toBeGreaterThan(0)

  await page.locator('.home-greeting', { hasText: account.displayName }).first().waitFor({ state: 'visible' })
  for (const plate of plates) {
    await page.locator('.home-vehicle', { hasText: plate }).first().waitFor({ state: 'visible' })
  }
  await page.screenshot({ path: join(artifacts, 'h5-home.png'), fullPage: true })
})

test('a unit agent logs in and sees the fleet of 200 vehicles', async () => {
  const login = demoLogin(logins, 'unit')
  const page = await openPhone()
  const code = await requestCode(page, login)
  const account = loggedInAccount(await submitCode(page, code))
  expect(account.userType).toBe('unit')
  expect(await accountsOfPhone(server.store, secrets, login)).toContain(account.id)
  const plates = await currentPlates(server.store, account.id)
  expect(plates.length).toBe(200)

  await page.locator('.home-greeting', { hasText: account.displayName }).first().waitFor({ state: 'visible' })
  // The home page shows the fleet size and the first vehicles of the list.
  await page
    .getByText(new RegExp(`(^|\\D)${plates.length}(\\D|$)`))
    .first()
    .waitFor({ state: 'visible' })
  await page.locator('.home-vehicle').first().waitFor({ state: 'visible' })
  const shown = await page.locator('.home-vehicle').allInnerTexts()
  expect(shown.length).toBeGreaterThan(0)
  for (const text of shown) expect(plates.some((plate) => text.includes(plate))).toBe(true)
  await page.screenshot({ path: join(artifacts, 'h5-home-unit.png'), fullPage: true })
})

test('a wrong code shows the Chinese error and keeps the user on the login page', async () => {
  const login = demoLogin(logins, 'personal')
  const page = await openPhone()
  const code = await requestCode(page, login)
  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10)
  const result = await submitCode(page, wrong)
  expect(result).toMatchObject({ ok: false, error: { code: 'SMS_CODE_INVALID' } })

  await page.getByText(errorCatalog.SMS_CODE_INVALID.message).first().waitFor({ state: 'visible' })
  expect(await page.locator('.home-greeting').count()).toBe(0)
  await expect(inputOf(page, 'login-phone').isVisible()).resolves.toBe(true)
  await page.screenshot({ path: join(artifacts, 'h5-login-wrong-code.png'), fullPage: true })
})
