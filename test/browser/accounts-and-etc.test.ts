/**
 * Accounts and ETC management in the real H5 build, in Debian's chromium, against the local
 * server (real api router, real sqlite store, demo data): every login way (SMS personal, SMS
 * unit, nickname + graphic captcha), first-login binding, account switching, vehicles, cards,
 * tags and batch parking authorization. What the pages show is compared with what the router
 * answered the browser (observed, never mocked) and with what the store holds.
 */
import type { Page } from 'playwright-core'
import {
  collections,
  type AuditLogDoc,
  type CardDoc,
  type StatusListRecordDoc,
  type TagDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import { shanghaiDay } from '../../cloudfunctions/core/businessTime'
import { residentIdCheckChar } from '../../cloudfunctions/core/idNumbers'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import { maskCardNo, maskPersonalName } from '../../cloudfunctions/core/masking'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { Condition, Doc } from '../../cloudfunctions/ports/store'
import type { DemoLogin, DemoLogins } from '../../tools/demo/seed'
import { demoNicknames } from '../../tools/demo/seedAccounts'
import type { LocalServer } from '../../tools/server/server'
import type { AccountSummary, LoginResult } from '../../types/api'
import type { Page as ApiPage } from '../../types/common'
import { errorCatalog } from '../../types/errors'
import { formatYuan } from '../../types/money'
import {
  answerOf,
  dataOf,
  inputOf,
  readCaptcha as readCaptchaOf,
  settled,
  settlesTo,
  shown,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
  smsLogin as loginBySms,
} from './browserWorld'
import { accountsOfPhone, currentPlates, demoLogin } from './demoLogins'

jest.setTimeout(60_000)

let now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld
let server: LocalServer
let logins: DemoLogins
let secrets: Secrets

async function openLogin(page: Page, userType: DemoLogin['userType']): Promise<void> {
  await page.goto(`${server.url}/`)
  await inputOf(page, 'login-phone').waitFor({ state: 'visible' })
  if (userType === 'unit') await tap(page, '.login-switch-type')
  await tap(page, '.login-agree')
}

/** SMS login as a person would: code from the outbox, typed in; answers the router's login answer. */
async function smsLogin(page: Page, login: DemoLogin): Promise<LoginResult> {
  // Move past the per-phone cooldown and the per-caller minute limit of earlier tests.
  now += 2 * 60_000
  return loginBySms(world, page, login)
}

/** Reads the driver login's captcha picture (the renderer's last text) once it is on screen. */
const readCaptcha = (page: Page, drawnBefore: number) =>
  readCaptchaOf(world, page, 'login-captcha-image', drawnBefore)

/** Nickname + password + graphic captcha; answers the router's login answer. */
async function nicknameLogin(
  page: Page,
  userType: DemoLogin['userType'],
  nickname: string,
  password: string,
): Promise<LoginResult> {
  now += 2 * 60_000
  await openLogin(page, userType)
  const drawn = world.captchaTexts.length
  await tap(page, '.login-tab-nickname')
  const text = await readCaptcha(page, drawn)
  await inputOf(page, 'login-nickname').fill(nickname)
  await inputOf(page, 'login-password').fill(password)
  await inputOf(page, 'login-captcha').fill(text)
  const answer = answerOf<LoginResult>(page, 'auth.loginByNickname')
  await tap(page, '.login-submit')
  return dataOf(await answer)
}

function homeAccount(login: LoginResult): AccountSummary {
  if (login.next !== 'home') throw new Error(`login did not reach home: ${login.next}`)
  return login.account
}

async function openTab(page: Page, label: string): Promise<void> {
  await tap(page, '.weui-tabbar__item', label)
}

async function all<T>(collection: string, where: Condition[]): Promise<T[]> {
  const out: T[] = []
  let after: string | undefined
  do {
    const page = await server.store.query<T & Doc>(collection, { where, limit: 200, after })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}

/** Name and ID of a demo login that must bind, as the seed's label describes them. */
function bindingProof(login: DemoLogin): { name: string; idType: string; idNumber: string } {
  const match = /信息校验：(\S+) \/ (\S+) ([0-9A-Z]+)/.exec(login.label)
  if (!match) throw new Error(`the demo label does not describe the binding: ${login.label}`)
  return { name: match[1], idType: match[2], idNumber: match[3] }
}

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'accounts' })
  ;({ server, logins, secrets } = world)
}, 60_000)

afterAll(() => world?.close())

test('nickname + captcha: a wrong captcha shows the Chinese error and a new picture, then login', async () => {
  const page = await world.openPhone()
  now += 2 * 60_000
  await openLogin(page, 'personal')
  let drawn = world.captchaTexts.length
  await tap(page, '.login-tab-nickname')
  const first = await readCaptcha(page, drawn)
  const firstSrc = await shown(page, 'img.login-captcha-image, .login-captcha-image img')
    .first()
    .getAttribute('src')
  await inputOf(page, 'login-nickname').fill(demoNicknames.zhangwei.nickname)
  await inputOf(page, 'login-password').fill(demoNicknames.zhangwei.password)
  // A misread picture: same length, every character different.
  const misread = [...first].map((c) => (c === '2' ? '3' : '2')).join('')
  await inputOf(page, 'login-captcha').fill(misread)
  drawn = world.captchaTexts.length
  const refused = answerOf<never>(page, 'auth.loginByNickname')
  await tap(page, '.login-submit')
  expect(await refused).toMatchObject({ ok: false, error: { code: 'CAPTCHA_INVALID' } })
  await waitShown(page, '.login-message', errorCatalog.CAPTCHA_INVALID.message)

  // The failed try used the captcha up: the page shows a new picture and clears the input.
  const second = await readCaptcha(page, drawn)
  const secondSrc = await settled(
    () => shown(page, 'img.login-captcha-image, .login-captcha-image img').first().getAttribute('src'),
    (src) => src !== firstSrc,
  )
  expect(secondSrc).not.toBe(firstSrc)
  await expect(inputOf(page, 'login-captcha').inputValue()).resolves.toBe('')
  await snap(page, 'accounts-captcha-wrong.png')

  await inputOf(page, 'login-captcha').fill(second)
  const answer = answerOf<LoginResult>(page, 'auth.loginByNickname')
  await tap(page, '.login-submit')
  const account = homeAccount(dataOf(await answer))
  expect(account.userType).toBe('personal')
  await waitShown(page, '.home-greeting', `您好，${account.displayName}`)
})

test('SMS personal login, then 我的 → 切换账号 switches to another account of the same phone', async () => {
  const login = demoLogin(logins, 'personal')
  const page = await world.openPhone()
  const first = homeAccount(await smsLogin(page, login))
  await waitShown(page, '.home-greeting', `您好，${first.displayName}`)

  await openTab(page, '我的')
  await waitShown(page, '.me__name', first.displayName)
  const listed = answerOf<{ accounts: AccountSummary[]; current: AccountSummary | null }>(
    page,
    'auth.accounts',
  )
  await tap(page, '.me-switch-account')
  const { accounts, current } = dataOf(await listed)
  // The accounts the router offers are those the phone reaches in the store, and there is a choice.
  expect(accounts.map((a) => a.id).sort()).toEqual(
    (await accountsOfPhone(server.store, secrets, login)).sort(),
  )
  expect(current?.id).toBe(first.id)
  expect(accounts.length).toBeGreaterThan(1)
  for (const account of accounts) await waitShown(page, '.account-item', account.displayName)
  await waitShown(page, '.account-item', first.displayName).then((row) =>
    expect(row.locator('.account-current').innerText()).resolves.toBe('当前账号'),
  )
  await snap(page, 'accounts-switch.png')

  const other = accounts.find((a) => a.id !== first.id) as AccountSummary
  const switched = answerOf<LoginResult>(page, 'auth.switchAccount')
  await tap(page, '.account-item', other.displayName)
  expect(homeAccount(dataOf(await switched)).id).toBe(other.id)
  await waitShown(page, '.home-greeting', `您好，${other.displayName}`)
  expect(await shown(page, '.home-greeting', first.displayName).count()).toBe(0)
  // The session now reads the other account's vehicles.
  const plates = await currentPlates(server.store, other.id)
  if (plates.length > 0) await waitShown(page, '.home-vehicle', plates[0])
  await snap(page, 'accounts-switched-home.png')
})

test('first SMS login of an unbound phone: 信息校验 refuses a wrong ID, accepts the right one', async () => {
  const login = logins.find((l) => l.userType === 'personal' && l.label.includes('首次登录需信息校验'))
  if (!login) throw new Error('the demo seed has no personal phone that must bind')
  const proof = bindingProof(login)
  const page = await world.openPhone()
  expect((await smsLogin(page, login)).next).toBe('bind')

  await waitShown(page, '.bind-verify', '系统已全面升级')
  await waitShown(page, '.bind-id-type', proof.idType)
  // A well-formed ID number (valid check digit) that is not the holder's.
  const first17 =
    proof.idNumber.slice(0, 14) + String((Number(proof.idNumber.slice(14, 17)) + 2) % 1000).padStart(3, '0')
  const wrongId = first17 + residentIdCheckChar(first17)
  expect(wrongId).not.toBe(proof.idNumber)
  await inputOf(page, 'bind-name').fill(proof.name)
  await inputOf(page, 'bind-id-number').fill(wrongId)
  const refused = answerOf<never>(page, 'auth.bind')
  await tap(page, '.bind-submit')
  expect(await refused).toMatchObject({ ok: false, error: { code: 'BINDING_MISMATCH' } })
  await waitShown(page, '.bind-message', errorCatalog.BINDING_MISMATCH.message)
  await snap(page, 'accounts-bind-wrong.png')

  await inputOf(page, 'bind-id-number').fill(proof.idNumber)
  const accepted = answerOf<LoginResult>(page, 'auth.bind')
  await tap(page, '.bind-submit')
  let result = dataOf(await accepted)
  if (result.next === 'chooseAccount') {
    const chosen = answerOf<LoginResult>(page, 'auth.switchAccount')
    await tap(page, '.account-item', result.accounts[0].displayName)
    await tap(page, '.bind-login')
    result = dataOf(await chosen)
  }
  const account = homeAccount(result)
  // The account the holder proved, reached through this phone; names are shown masked.
  expect(await accountsOfPhone(server.store, secrets, login)).toContain(account.id)
  expect(account.displayName).toBe(maskPersonalName(proof.name))
  await waitShown(page, '.home-greeting', `您好，${account.displayName}`)
  await snap(page, 'accounts-bound-home.png')
})

test('SMS unit login: the vehicles tab counts the fleet, loads more on scroll and opens a vehicle', async () => {
  const login = demoLogin(logins, 'unit')
  const page = await world.openPhone()
  const account = homeAccount(await smsLogin(page, login))
  expect(account.userType).toBe('unit')
  await waitShown(page, '.home-greeting', account.displayName)
  const plates = await currentPlates(server.store, account.id)
  // The list's default filter (seed §2.5.1): current vehicles whose card is issued.
  const issued = await server.store.count(collections.vehicles, [
    { field: 'accountId', op: 'eq', value: account.id },
    { field: 'scope', op: 'eq', value: 'current' },
    { field: 'cardStatus', op: 'eq', value: 'issued' },
  ])

  // The home page asks for 50 vehicles; the vehicles tab pages by 20.
  const firstPage = answerOf<ApiPage<{ plate: string }>>(page, 'vehicles.list', (p) => p.limit === 20)
  await openTab(page, '车辆')
  const { total, items } = dataOf(await firstPage)
  expect(total).toBe(issued)
  expect(total).toBeLessThanOrEqual(plates.length)
  await waitShown(page, '.list-with-filters__total', `共 ${total} 条`)
  await settlesTo(() => shown(page, '.vehicles-item').count(), items.length)
  expect(items.length).toBeLessThan(total)

  // Scrolling to the bottom asks for the next page and appends it.
  const secondPage = answerOf<ApiPage<{ plate: string }>>(
    page,
    'vehicles.list',
    (p) => p.cursor !== undefined,
  )
  await page.mouse.wheel(0, 20_000)
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
  const more = dataOf(await secondPage)
  await settlesTo(() => shown(page, '.vehicles-item').count(), items.length + more.items.length)
  const texts = await shown(page, '.vehicles-item').allInnerTexts()
  const expected = [...items, ...more.items].map((v) => v.plate)
  texts.forEach((text, i) => expect(text).toContain(expected[i]))
  for (const plate of expected) expect(plates).toContain(plate)

  await shown(page, '.vehicles-item').first().tap()
  const detail = await waitShown(page, '.etc-vehicle-detail', '车辆信息')
  await expect(detail.innerText()).resolves.toContain(expected[0])
  await snap(page, 'etc-vehicle-detail.png')
})

test('通行卡管理: credit and stored tabs, balances hidden until 显示, card detail with 状态名单记录', async () => {
  const page = await world.openPhone()
  const { nickname, password } = demoNicknames.zhangwei
  const account = homeAccount(await nicknameLogin(page, 'personal', nickname, password))
  await waitShown(page, '.home-greeting', account.displayName)
  const cards = await all<CardDoc>(collections.cards, [{ field: 'accountId', op: 'eq', value: account.id }])
  const issued = (type: CardDoc['type']) => cards.filter((c) => c.type === type && c.status === 'issued')
  expect(issued('credit').length).toBeGreaterThan(0)
  expect(issued('stored').length).toBeGreaterThan(0)

  await openTab(page, '我的')
  await tap(page, '.me-menu-cards')
  for (const card of issued('credit')) await waitShown(page, '.etc-card-row', maskCardNo(card.cardNo))
  await settlesTo(() => shown(page, '.etc-card-row').count(), issued('credit').length)

  await tap(page, '.etc-cards-tab-stored')
  const stored = issued('stored')
  for (const card of stored) await waitShown(page, '.etc-card-row', maskCardNo(card.cardNo))
  await settlesTo(() => shown(page, '.etc-card-row').count(), stored.length)
  expect(await shown(page, '.etc-card-balance__mask').count()).toBe(2 * stored.length)
  expect(await shown(page, '.etc-card-balance__balance').count()).toBe(0)

  await tap(page, '.etc-card-show-balance', '显示')
  for (const card of stored) {
    if (card.type !== 'stored') continue
    const row = shown(page, '.etc-card-row', maskCardNo(card.cardNo)).first()
    await settlesTo(
      () => row.locator('.etc-card-balance__balance').innerText(),
      `¥${formatYuan(card.balance)}`,
    )
    const unloaded = await balanceOf(server.store, { kind: 'cardUnloaded', cardId: card.id })
    await expect(row.locator('.etc-card-balance__unloaded').innerText()).resolves.toBe(
      `¥${formatYuan(unloaded)}`,
    )
  }
  expect(await shown(page, '.etc-card-balance__mask').count()).toBe(0)
  await snap(page, 'etc-cards.png')

  // The credit card with the longest status-list history, as the store holds it.
  const records = await all<StatusListRecordDoc>(collections.statusListRecords, [
    { field: 'accountId', op: 'eq', value: account.id },
  ])
  const withRecords = issued('credit')
    .map((card) => ({ card, records: records.filter((r) => r.cardId === card.id) }))
    .sort((a, b) => b.records.length - a.records.length)[0]
  expect(withRecords.records.length).toBeGreaterThan(0)
  await tap(page, '.etc-cards-tab-credit')
  const row = await waitShown(page, '.etc-card-row', maskCardNo(withRecords.card.cardNo))
  const statusList = answerOf<{ total: number; from: string; to: string }>(page, 'cards.statusList')
  await row.locator('.etc-card-row__detail').tap()
  await waitShown(page, '.etc-card-info', maskCardNo(withRecords.card.cardNo))
  await waitShown(page, '.etc-section-title', '状态名单记录')
  // 近1年 by default: the records whose Shanghai start day falls in the range the server applied
  const applied = dataOf(await statusList)
  const inRange = withRecords.records.filter((r) => {
    const day = shanghaiDay(new Date(r.startAt))
    return day >= applied.from && day <= applied.to
  })
  expect(applied.total).toBe(inRange.length)
  await waitShown(page, '.etc-card-detail .list-with-filters__total', `共 ${inRange.length} 条`)
  withRecords.records = inRange
  const open = withRecords.records.filter((r) => r.endAt === null).length
  await settlesTo(() => shown(page, '.etc-status-row', '名单中').count(), open)
  for (const reason of new Set(withRecords.records.map((r) => r.reason))) {
    await waitShown(page, '.etc-status-row__reason', reason)
  }
  await snap(page, 'etc-card-detail.png')
})

test('标签管理: the list shows the issued tags and a tag detail its brand, model and outlet', async () => {
  const page = await world.openPhone()
  const { nickname, password } = demoNicknames.zhangwei
  const account = homeAccount(await nicknameLogin(page, 'personal', nickname, password))
  await waitShown(page, '.home-greeting', account.displayName)
  const tags = (
    await all<TagDoc>(collections.tags, [{ field: 'accountId', op: 'eq', value: account.id }])
  ).filter((t) => t.status === 'issued')
  expect(tags.length).toBeGreaterThan(0)

  await openTab(page, '我的')
  await tap(page, '.me-menu-tags')
  for (const tag of tags) await waitShown(page, '.etc-tag-row', maskCardNo(tag.tagNo))
  await settlesTo(() => shown(page, '.etc-tag-row').count(), tags.length)

  const tag = tags[0]
  await tap(page, '.etc-tag-row', maskCardNo(tag.tagNo))
  const detail = await waitShown(page, '.etc-tag-detail', maskCardNo(tag.tagNo))
  const text = await detail.innerText()
  for (const value of [tag.brand, tag.model, tag.outlet]) expect(text).toContain(value)
  await snap(page, 'etc-tag-detail.png')
})

test('拓展授权管理: batch off two vehicles, then on again; the store and the audit log agree', async () => {
  const login = demoLogin(logins, 'unit')
  const page = await world.openPhone()
  const account = homeAccount(await smsLogin(page, login))
  await waitShown(page, '.home-greeting', account.displayName)

  const listed = answerOf<ApiPage<{ vehicleId: string; plate: string; authorized: boolean }>>(
    page,
    'parking.list',
  )
  await openTab(page, '我的')
  await tap(page, '.me-menu-parking')
  const { items, total } = dataOf(await listed)
  await waitShown(page, '.etc-parking .list-with-filters__total', `共 ${total} 条`)
  // Two vehicles the store has authorized, as listed.
  const picked = items.filter((r) => r.authorized).slice(0, 2)
  expect(picked).toHaveLength(2)
  const vehicleOf = (id: string) => server.store.get<VehicleDoc & Doc>(collections.vehicles, id)
  for (const row of picked) expect((await vehicleOf(row.vehicleId))?.parkingAuthorized).toBe(true)

  const rowOf = (plate: string) => shown(page, '.etc-parking-row', plate).first()
  for (const row of picked) await rowOf(row.plate).locator('.etc-parking-select').tap()
  await waitShown(page, '.etc-parking__count', '已选 2 辆')

  const audits = async (vehicleId: string) =>
    (
      await all<AuditLogDoc>(collections.auditLog, [{ field: 'accountId', op: 'eq', value: account.id }])
    ).filter((a) => a.target.id === vehicleId)

  async function batch(authorized: boolean) {
    const verb = authorized ? '开启' : '关闭'
    const before = await Promise.all(picked.map((r) => audits(r.vehicleId)))
    await tap(page, authorized ? '.etc-parking-batch-on' : '.etc-parking-batch-off')
    const dialog = await waitShown(page, '.nut-dialog', `确定为选中的 2 辆车${verb}拓展授权吗？`)
    await expect(dialog.innerText()).resolves.toContain(`批量授权${verb}`)
    if (!authorized) await snap(page, 'etc-parking-confirm.png')
    const answer = answerOf<{ changed: number }>(page, 'parking.set')
    await tap(page, '.nut-dialog-footer-ok')
    expect(dataOf(await answer).changed).toBe(2)
    await waitShown(page, '.etc-parking-result', `已${verb}拓展授权 2 辆`)
    for (const row of picked) {
      await settlesTo(
        () => rowOf(row.plate).locator('.etc-parking-row__state').innerText(),
        authorized ? '已开启授权' : '未开启授权',
      )
      const vehicle = await vehicleOf(row.vehicleId)
      expect(vehicle?.parkingAuthorized).toBe(authorized)
    }
    const after = await Promise.all(picked.map((r) => audits(r.vehicleId)))
    picked.forEach((row, i) => {
      const fresh = after[i].filter((a) => !before[i].some((b) => b.id === a.id))
      expect(fresh).toHaveLength(1)
      expect(fresh[0]).toMatchObject({
        action: 'parking.set',
        changed: true,
        before: { parkingAuthorized: !authorized },
        after: { parkingAuthorized: authorized },
      })
    })
  }

  await batch(false)
  await snap(page, 'etc-parking.png')
  // The batch cleared the selection: pick the same two again and switch them back on.
  await waitShown(page, '.etc-parking__count', '已选 0 辆')
  for (const row of picked) await rowOf(row.plate).locator('.etc-parking-select').tap()
  await waitShown(page, '.etc-parking__count', '已选 2 辆')
  await batch(true)
  await snap(page, 'etc-parking-on.png')
})
