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
  settlesTo,
  smsLogin,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
} from './browserWorld'
import { demoLogin } from './demoLogins'

jest.setTimeout(90_000)

const now = Date.parse('2026-11-20T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'load' })
}, 60_000)

afterAll(() => world?.close())

test('a driver loads the unloaded amount onto the card through the virtual card box', async () => {
  const { store } = world.server
  const page = await world.openPhone()
  await page.setViewportSize({ width: 375, height: 812 })
  const result = await smsLogin(world, page, demoLogin(world.logins, 'personal'))
  if (result.next !== 'home') throw new Error(`login did not reach home: ${result.next}`)

  const cards = await store.query<CardDoc & Doc>(collections.cards, {
    where: [{ field: 'accountId', op: 'eq', value: result.account.id }],
    limit: 50,
  })
  const card = cards.items.find((c) => c.type === 'stored' && c.status === 'issued')
  if (!card) throw new Error('the demo personal account has no issued stored-value card')
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
