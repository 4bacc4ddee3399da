/**
 * 圈存 in the real H5 build, in Debian's chromium: the page finds the local server's virtual card
 * box over ws://…/dev/ble (tools/server/virtualBle.ts), reads the card, asks before loading, runs
 * the load saga against the server's KeyService and shows the receipt. What the page shows is
 * compared with the card itself and the ledger, not with what the page was told.
 */
import type { Clock } from '../../cloudfunctions/ports/clock'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import { collections, type CardDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import type { Doc } from '../../cloudfunctions/ports/store'
import type { LoadView } from '../../types/actions/load'
import { fen, formatYuan } from '../../types/money'
import {
  answerOf,
  dataOf,
  shown,
  settlesTo,
  smsLogin,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
} from './browserWorld'
import { demoLogin } from './demoLogins'
import type { Page } from 'playwright-core'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'

jest.setTimeout(90_000)

const now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld
/** The driver's phone, logged in by the first test (a second SMS login would hit the cooldown). */
let phone: Page | null = null
let storedCard: CardDoc | null = null

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'load' })
}, 60_000)

afterAll(() => world?.close())

test('a driver loads the unloaded amount onto the card through the virtual card box', async () => {
  const { store } = world.server
  const page = await world.openPhone()
  phone = page
  await page.setViewportSize({ width: 375, height: 812 })
  const result = await smsLogin(world, page, demoLogin(world.logins, 'personal'))
  if (result.next !== 'home') throw new Error(`login did not reach home: ${result.next}`)

  const cards = await store.query<CardDoc & Doc>(collections.cards, {
    where: [{ field: 'accountId', op: 'eq', value: result.account.id }],
    limit: 50,
  })
  const card = cards.items.find((c) => c.type === 'stored' && c.status === 'issued')
  if (!card) throw new Error('the demo personal account has no issued stored-value card')
  storedCard = card
  const vehicle = await store.get<VehicleDoc & Doc>(collections.vehicles, card.vehicleId)
  if (!vehicle) throw new Error('the stored-value card has no vehicle')
  const unloaded = await balanceOf(store, { kind: 'cardUnloaded', cardId: card.id })
  expect(unloaded).toBeGreaterThan(0)
  const box = world.server.virtualBle
  if (!box) throw new Error('the browser world runs without virtual card boxes')

  await page.goto(`${world.server.url}/#/packages/load/pages/index/index?cardId=${card.id}`)
  await waitShown(page, '.load-entry__unloaded', formatYuan(unloaded))
  await snap(page, 'load-01-entry.png')
  await tap(page, '.load-entry__next')

  // the scan lists the box holding this card; picking it reads the card
  await tap(page, '.load-device__item', `ETC-OBU ${vehicle.plate}`)
  const dialog = await waitShown(page, '.nut-dialog', '确认圈存')
  const chip = (await box.boxes()).find((b) => b.cardId === card.id)
  if (!chip) throw new Error('no virtual card box holds the card')
  // the chip's own balance, as the card box holds it
  const before = chip.card.state.balance
  const after = fen(before + unloaded)
  await expect(dialog.locator('.load-run__question').innerText()).resolves.toBe(
    `卡内余额 ${formatYuan(fen(before))} 元，圈存金额 ${formatYuan(unloaded)} 元，是否圈存？`,
  )
  await snap(page, 'load-02-confirm.png')

  const confirmed = answerOf<{ load: LoadView }>(page, 'load.confirm')
  await dialog.locator('.nut-dialog-footer-ok').tap()
  const { load } = dataOf(await confirmed)
  expect(load.state).toBe('confirmed')
  expect(load.amount).toBe(unloaded)
  expect(load.balanceAfter).toBe(after)

  await waitShown(page, '.load-run__verdict', '圈存成功')
  await waitShown(page, '.load-run__receipt-amount', formatYuan(unloaded))
  await waitShown(page, '.load-run__receipt', formatYuan(after))
  await snap(page, 'load-03-receipt.png')

  // the money moved once in the ledger, and the chip holds it
  await settlesTo(() => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }), fen(0))
  await settlesTo(() => balanceOf(store, { kind: 'cardLoaded', cardId: card.id }), unloaded)
  expect(chip.card.state.balance).toBe(after)
})

test('充值并圈存: the driver recharges the card in the sandbox, then the load writes it', async () => {
  const page = phone
  const card = storedCard
  if (!page || !card) throw new Error('the first test did not log in')
  const { store } = world.server
  const box = world.server.virtualBle
  const chip = (await box?.boxes())?.find((b) => b.cardId === card.id)
  if (!chip) throw new Error('no virtual card box holds the card')
  // the first test loaded everything: nothing is waiting, so only 充值并圈存 is offered
  await settlesTo(() => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }), fen(0))
  const loadedBefore = await balanceOf(store, { kind: 'cardLoaded', cardId: card.id })
  const before = chip.card.state.balance

  await page.goto(`${world.server.url}/#/packages/load/pages/index/index?cardId=${card.id}`)
  // a fresh page stack: the first test's entry page (still showing its 200.00) must not answer
  await page.reload()
  const chosen = await waitShown(page, '.load-entry__card.load-option--selected')
  await expect(chosen.locator('.load-entry__unloaded').innerText()).resolves.toBe(`¥${formatYuan(fen(0))}`)
  await expect(shown(page, '.load-entry__next').getAttribute('class')).resolves.toContain(
    'nut-button-disabled',
  )
  await tap(page, '.load-entry__pay', '充值并圈存')

  // the recharge page of this card: ¥100 preset, confirm, the sandbox plays the payer
  await waitShown(page, '.money-recharge__target-hint', '支付成功后将继续圈存')
  await waitShown(page, '.money-card-option--selected', card.cardNo.slice(-4))
  await snap(page, 'load-04-pay-recharge.png')
  await tap(page, '.money-recharge__submit')
  const confirm = await waitShown(page, '.nut-dialog', '确认充值')
  await expect(confirm.locator('.money-recharge-confirm__amount').innerText()).resolves.toBe('¥100.00')
  const created = answerOf<{ order: { orderNo: string } }>(page, 'recharge.create')
  await confirm.locator('.nut-dialog-footer-ok').tap()
  const { order } = dataOf(await created)
  const sandbox = await waitShown(page, '.nut-dialog', '使用本地沙箱模拟支付？')
  await sandbox.locator('.nut-dialog-footer-ok').tap()

  // paid: the money waits on the card's unloaded funds until the card is written
  await waitShown(page, '.money-result__title', '充值成功')
  const paid = await store.get<RechargeOrderDoc & Doc>(collections.rechargeOrders, order.orderNo)
  expect(paid).toMatchObject({ status: 'paid', amount: 10_000, target: { kind: 'card', cardId: card.id } })
  await settlesTo(() => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }), fen(10_000))
  expect(chip.card.state.balance).toBe(before)
  await snap(page, 'load-05-pay-result.png')
  await tap(page, '.money-result__continue-load', '继续圈存')

  // a fresh scan and reading after the payment, then the same confirm as any load
  await tap(page, '.load-device__item', chip.name)
  const dialog = await waitShown(page, '.nut-dialog', '确认圈存')
  await expect(dialog.locator('.load-run__question').innerText()).resolves.toBe(
    `卡内余额 ${formatYuan(fen(before))} 元，圈存金额 100.00 元，是否圈存？`,
  )
  await dialog.locator('.nut-dialog-footer-ok').tap()
  await waitShown(page, '.load-run__verdict', '圈存成功')
  await waitShown(page, '.load-run__receipt', formatYuan(fen(before + 10_000)))
  await snap(page, 'load-06-pay-receipt.png')

  expect(chip.card.state.balance).toBe(before + 10_000)
  await settlesTo(() => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }), fen(0))
  await settlesTo(() => balanceOf(store, { kind: 'cardLoaded', cardId: card.id }), fen(loadedBefore + 10_000))
})
