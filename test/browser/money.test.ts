/**
 * Stored-value funds in the real H5 build, in Debian's chromium, against the local server (real
 * api router, real sqlite store, the payment sandbox playing the payer and the provider's signed
 * notification, demo data): 周涛 recharges 300.00 to his account from 我的 → 储值卡资金服务, pays in
 * the sandbox, sees 充值成功, allocates 100.00 evenly to each of his three cars and finds the order
 * and the three allocations in 历史记录, exports those and downloads the xlsx. What the pages show is compared with what the router
 * answered the browser (observed, never mocked) and with the ledger.
 */
import ExcelJS from 'exceljs'
import type { Page } from 'playwright-core'
import { collections, type CardDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import type { AllocationRecordDoc, RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Condition, Doc } from '../../cloudfunctions/ports/store'
import { zhouTaoDemo } from '../../tools/demo/seedAccounts'
import type { LocalServer } from '../../tools/server/server'
import type {
  AllocationRecordsPage,
  AllocationResult,
  MoneySummary,
  RechargeLaunch,
  RechargeOrderView,
  RechargeRecordsPage,
  StoredCardFunds,
} from '../../types/api'
import type { Page as ApiPage } from '../../types/common'
import { fen, formatYuan, type Fen } from '../../types/money'
import {
  answerOf,
  dataOf,
  inputOf,
  settled,
  settlesTo,
  shown,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
  smsLogin,
} from './browserWorld'

jest.setTimeout(60_000)

// 10:00 in Beijing: outside the 22:00–02:00 window in which no recharge order may be made.
const now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

const RECHARGE = fen(30_000)
const PER_CARD = fen(10_000)

let world: BrowserWorld
let server: LocalServer

/** SMS login as a person would: code from the outbox, typed in; answers the router's login answer. */

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

const yuan = (amount: Fen | number) => formatYuan(amount as Fen)
const money = (amount: Fen | number) => `¥${yuan(amount)}`

/** 卡上未圈存金额 of each card in the allocate page's table, by plate, as shown. */
async function unloadedShown(page: Page, plates: readonly string[]): Promise<string[]> {
  return Promise.all(
    plates.map((plate) =>
      shown(page, '.money-alloc-row', plate).first().locator('.money-alloc-row__unloaded').innerText(),
    ),
  )
}

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'money' })
  ;({ server } = world)
}, 60_000)

afterAll(() => world?.close())

test('recharge 300.00 to the account in the sandbox, allocate 100.00 evenly to three cards, see the records', async () => {
  const login = world.logins.find((l) => l.phone === zhouTaoDemo.phone)
  if (!login) throw new Error(`the demo seed lists no login for ${zhouTaoDemo.phone}`)
  const page = await world.openPhone()
  const result = await smsLogin(world, page, login)
  if (result.next !== 'home') throw new Error(`login did not reach home: ${result.next}`)
  const account = result.account
  expect(account.id).toBe(zhouTaoDemo.accountId)
  await waitShown(page, '.home-greeting', `您好，${account.displayName}`)

  // The demo as the store holds it: three issued stored-value cards, nothing available.
  const vehicles = await all<VehicleDoc>(collections.vehicles, [
    { field: 'accountId', op: 'eq', value: account.id },
  ])
  const cards = await all<CardDoc>(collections.cards, [{ field: 'accountId', op: 'eq', value: account.id }])
  expect(cards.map((c) => [c.type, c.status])).toEqual([
    ['stored', 'issued'],
    ['stored', 'issued'],
    ['stored', 'issued'],
  ])
  const plateOf = (cardId: string) => vehicles.find((v) => v.cardId === cardId)?.plate ?? cardId
  const plates = cards.map((c) => plateOf(c.id))
  const userFunds = () => balanceOf(server.store, { kind: 'userFunds', accountId: account.id })
  const unloadedOf = (cardId: string) => balanceOf(server.store, { kind: 'cardUnloaded', cardId })
  expect(await userFunds()).toBe(0)
  const unloadedBefore = await Promise.all(cards.map((c) => unloadedOf(c.id)))
  expect(unloadedBefore).toEqual(zhouTaoDemo.cars.map((car) => car.unloaded))

  // 我的 → 储值卡资金服务 → 充值
  await tap(page, '.weui-tabbar__item', '我的')
  await (await waitShown(page, '.me-menu-stored', '储值卡资金服务')).scrollIntoViewIfNeeded()
  await snap(page, 'money-01-me.png')
  const opened = answerOf<MoneySummary>(page, 'money.summary')
  await tap(page, '.me-stored-recharge', '充值')
  const summary = dataOf(await opened)
  expect(summary).toMatchObject({ available: 0, storedCards: 3, receivingCards: 3, rechargeOpen: true })
  expect(summary.channels).toContain('alipay')
  await settlesTo(() => shown(page, '.money-funds__available').first().innerText(), money(0))

  // 充值到用户账户, 300.00 typed, 支付宝
  await tap(page, '.money-target-account')
  await inputOf(page, 'money-recharge__custom').fill('300.00')
  await tap(page, '.money-channel-alipay', '支付宝')
  await snap(page, 'money-02-recharge-form.png')
  await tap(page, '.money-recharge__submit')
  const confirm = await waitShown(page, '.nut-dialog', '确认充值')
  await settlesTo(() => confirm.locator('.money-recharge-confirm__amount').innerText(), money(RECHARGE))
  await expect(confirm.locator('.money-recharge-confirm__target').innerText()).resolves.toBe('用户账户')
  await expect(confirm.innerText()).resolves.toContain('支付宝')
  await snap(page, 'money-03-recharge-confirm.png')
  const created = answerOf<RechargeLaunch>(page, 'recharge.create')
  await confirm.locator('.nut-dialog-footer-ok').tap()
  const launch = dataOf(await created)
  const orderNo = launch.order.orderNo
  expect(launch.order).toMatchObject({
    amount: RECHARGE,
    channel: 'alipay',
    status: 'pending',
    target: { kind: 'account' },
  })
  expect(launch.sandboxCashier).toEqual(expect.any(String))
  expect((await server.store.get<RechargeOrderDoc & Doc>(collections.rechargeOrders, orderNo))?.status).toBe(
    'pending',
  )

  // The local sandbox asks before it plays the payer; its POST makes the provider notify the server.
  const sandbox = await waitShown(page, '.nut-dialog', '使用本地沙箱模拟支付？')
  await snap(page, 'money-04-sandbox-prompt.png')
  const paid = page.waitForResponse((res) => res.url().endsWith(launch.sandboxCashier as string))
  await sandbox.locator('.nut-dialog-footer-ok').tap()
  expect((await paid).status()).toBe(200)

  // The result page asks recharge.status until the server says paid.
  await waitShown(page, '.money-result__title', '充值成功')
  await waitShown(page, '.money-result__amount', money(RECHARGE))
  await waitShown(page, '.money-result__order', orderNo)
  const order = await server.store.get<RechargeOrderDoc & Doc>(collections.rechargeOrders, orderNo)
  expect(order).toMatchObject({ status: 'paid', amount: RECHARGE, creditedTo: { kind: 'account' } })
  expect(await userFunds()).toBe(RECHARGE)
  // an account recharge with three cars is not allocated automatically
  expect(await Promise.all(cards.map((c) => unloadedOf(c.id)))).toEqual(unloadedBefore)
  await snap(page, 'money-05-recharge-result.png')

  // 去预分配: 可用余额 300.00, each card's unloaded amount as the ledger holds it
  const funds = answerOf<MoneySummary>(page, 'money.summary')
  const listed = answerOf<ApiPage<StoredCardFunds>>(page, 'money.cards')
  await tap(page, '.money-result__allocate', '去预分配')
  expect(dataOf(await funds).available).toBe(RECHARGE)
  const listedCards = dataOf(await listed).items
  expect(listedCards.map((c) => [c.plate, c.unloaded, c.canReceive]).sort()).toEqual(
    cards.map((c, i) => [plateOf(c.id), unloadedBefore[i], true]).sort(),
  )
  await settlesTo(() => shown(page, '.money-funds__available').first().innerText(), money(RECHARGE))
  await settlesTo(() => shown(page, '.money-alloc-row').count(), 3)
  expect(await unloadedShown(page, plates)).toEqual(unloadedBefore.map(yuan))

  // 平均分配, 100.00 per car
  await tap(page, '.money-mode-even')
  await inputOf(page, 'money-allocate__per-card').fill('100.00')
  await settlesTo(
    () => shown(page, '.money-allocate__total').first().innerText(),
    `本次预分配总金额\n${money(3 * PER_CARD)}`,
  )
  await snap(page, 'money-06-allocate-form.png')
  await tap(page, '.money-allocate__submit')
  const allocConfirm = await waitShown(page, '.nut-dialog', '确认预分配')
  await expect(allocConfirm.innerText()).resolves.toContain('3 辆')
  await expect(allocConfirm.locator('.money-allocate-confirm__total').innerText()).resolves.toBe(
    money(3 * PER_CARD),
  )
  await snap(page, 'money-07-allocate-confirm.png')
  const applied = answerOf<AllocationResult>(page, 'allocation.apply')
  const refreshed = answerOf<ApiPage<StoredCardFunds>>(page, 'money.cards')
  await allocConfirm.locator('.nut-dialog-footer-ok').tap()
  const allocation = dataOf(await applied)
  expect(allocation.total).toBe(3 * PER_CARD)
  expect(allocation.available).toBe(0)
  expect(allocation.parts.map((p) => [p.cardId, p.amount]).sort()).toEqual(
    cards.map((c) => [c.id, PER_CARD]).sort(),
  )

  // The result: three parts, 可用余额 0.00; each card's unloaded amount up by exactly 100.00
  const shownResult = await waitShown(page, '.money-allocate-result', '预分配成功')
  await settlesTo(() => shownResult.locator('.money-allocate-result__part').count(), 3)
  for (const part of allocation.parts) {
    const row = shownResult.locator('.money-allocate-result__part', { hasText: part.plate })
    await expect(row.innerText()).resolves.toContain(money(PER_CARD))
    await expect(row.innerText()).resolves.toContain(part.cardNo)
  }
  await expect(shownResult.locator('.money-allocate-result__available').innerText()).resolves.toContain(
    money(0),
  )
  dataOf(await refreshed)
  const unloadedAfter = unloadedBefore.map((u) => u + PER_CARD)
  expect(await Promise.all(cards.map((c) => unloadedOf(c.id)))).toEqual(unloadedAfter)
  expect(await userFunds()).toBe(0)
  expect(
    await settled(
      () => unloadedShown(page, plates),
      (t) => t.join() === unloadedAfter.map(yuan).join(),
    ),
  ).toEqual(unloadedAfter.map(yuan))
  await settlesTo(() => shown(page, '.money-funds__available').first().innerText(), money(0))
  await snap(page, 'money-08-allocate-result.png')
  await shown(page, '.money-alloc-row').last().scrollIntoViewIfNeeded()
  await snap(page, 'money-09-allocate-unloaded.png')

  // Back to 我的 (through the pages' own 返回), then 历史记录: the recharge tab first
  for (let i = 0; i < 3; i++) await tap(page, '.nav-bar__back')
  await waitShown(page, '.me-menu-stored', '储值卡资金服务')
  const recharges = answerOf<RechargeRecordsPage>(page, 'recharge.list')
  await tap(page, '.me-stored-records', '历史记录')
  const rechargePage = dataOf(await recharges)
  expect(rechargePage.items.map((o: RechargeOrderView) => [o.orderNo, o.status])).toEqual([[orderNo, 'paid']])
  const record = await waitShown(page, '.money-recharge-record', orderNo)
  await expect(record.locator('.money-status').innerText()).resolves.toBe('充值成功')
  await expect(record.innerText()).resolves.toContain(money(RECHARGE))
  await expect(record.innerText()).resolves.toContain('用户账户')
  await snap(page, 'money-10-records-recharge.png')

  // 预分配记录: the three parts of this allocation
  const allocations = answerOf<AllocationRecordsPage>(page, 'allocation.list')
  await tap(page, '.money-records-tab-allocation')
  const allocationPage = dataOf(await allocations)
  expect(allocationPage.total).toBe(3)
  expect(allocationPage.items.map((r) => [r.allocationId, r.cardId, r.amount]).sort()).toEqual(
    cards.map((c) => [allocation.allocationId, c.id, PER_CARD]).sort(),
  )
  const stored = await all<AllocationRecordDoc>(collections.allocationRecords, [
    { field: 'accountId', op: 'eq', value: account.id },
  ])
  expect(stored.map((r) => r.cardId).sort()).toEqual(cards.map((c) => c.id).sort())
  await settlesTo(() => shown(page, '.money-allocation-record').count(), 3)
  for (const plate of plates) {
    const row = await waitShown(page, '.money-allocation-record', plate)
    await expect(row.innerText()).resolves.toContain(money(PER_CARD))
  }
  await snap(page, 'money-11-records-allocation.png')

  // 导出 the 预分配记录 shown: 导出记录 lists the file once the job has written it; 下载 fetches it
  // with the session (an xlsx holding the three rows)
  await tap(page, '.export-button__export', '导出')
  const exportRow = await waitShown(page, '.exports-record', '预分配记录')
  await settlesTo(
    async () => (await exportRow.locator('.exports-record__status').innerText()).trim(),
    '导出成功',
  )
  await expect(exportRow.innerText()).resolves.toContain('3')
  await snap(page, 'money-12-export-records.png')
  const download = page.waitForEvent('download')
  await tap(page, '.exports-record__download', '下载')
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^预分配记录_\d{8}.*\.xlsx$/)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.readFile(await file.path())
  const sheet = workbook.worksheets[0]
  const texts: string[] = []
  sheet.eachRow((row) => texts.push(row.values ? String(row.values) : ''))
  for (const plate of plates) expect(texts.some((t) => t.includes(plate))).toBe(true)
  expect(sheet.rowCount).toBeGreaterThanOrEqual(4)
})
