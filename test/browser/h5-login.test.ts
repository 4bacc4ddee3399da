/**
 * The real H5 build in Debian's chromium against the local server (real api router, real
 * sqlite store, demo data): SMS login for a personal and a unit user, and a wrong code.
 * Codes are read from the dev outbox, as a developer would.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { LocalServer } from '../../tools/server/server'
import type { ApiResult, LoginResult } from '../../types/api'
import { errorCatalog } from '../../types/errors'
import type { DemoLogin, DemoLogins } from '../../tools/demo/seed'
import { artifacts, inputOf, startBrowserWorld, type BrowserWorld } from './browserWorld'
import { accountsOfPhone, currentPlates, demoLogin } from './demoLogins'

jest.setTimeout(60_000)

let now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld
let server: LocalServer
let logins: DemoLogins
let secrets: Secrets

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
  return world.waitForCode(login.phone, previous)
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
  world = await startBrowserWorld({ clock, name: 'login' })
  ;({ server, logins, secrets } = world)
}, 60_000)

afterAll(() => world?.close())

test('a personal user logs in with an SMS code and sees their vehicles', async () => {
  const login = demoLogin(logins, 'personal')
  const page = await world.openPhone()
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
  const page = await world.openPhone()
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
  const page = await world.openPhone()
  const code = await requestCode(page, login)
  const wrong = code.slice(0, 5) + String((Number(code[5]) + 1) % 10)
  const result = await submitCode(page, wrong)
  expect(result).toMatchObject({ ok: false, error: { code: 'SMS_CODE_INVALID' } })

  await page.getByText(errorCatalog.SMS_CODE_INVALID.message).first().waitFor({ state: 'visible' })
  expect(await page.locator('.home-greeting').count()).toBe(0)
  await expect(inputOf(page, 'login-phone').isVisible()).resolves.toBe(true)
  await page.screenshot({ path: join(artifacts, 'h5-login-wrong-code.png'), fullPage: true })
})
