/**
 * 用户卡充值 at an outlet (seed 002) in the real H5 build, in Debian's chromium, with the local
 * server's virtual card boxes and payment sandbox: the operator reads the card in the box, enters
 * the amount and shows the code; the card's own driver opens the code's link on a second phone and
 * pays in the sandbox; the operator's page sees the payment by itself and moves on to writing the
 * card. What the pages show is compared with the chip itself and the ledger.
 */
import type { Clock } from '../../cloudfunctions/ports/clock'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import { collections, type CardDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import type { Doc } from '../../cloudfunctions/ports/store'
import type { RechargeLaunch } from '../../types'
import type { OutletRechargeView } from '../../types/actions/outlet'
import type { LoadView } from '../../types/actions/load'
import { fen, formatYuan } from '../../types/money'
import { demoOutletOperator } from '../../tools/demo/seedOperators'
import {
  answerOf,
  dataOf,
  inputOf,
  operatorLogin,
  settlesTo,
  shown,
  smsLogin,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
} from './browserWorld'
import { demoLogin } from './demoLogins'

jest.setTimeout(150_000)

// 10:00 in Beijing: outside the 22:00–02:00 window in which no recharge may be made
const now = Date.parse('2026-12-02T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

const AMOUNT = fen(8_800)

let world: BrowserWorld

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'outlet-recharge' })
}, 60_000)

afterAll(() => world?.close())

test('the operator shows the code, the driver pays it on a second phone, the operator writes the card', async () => {
  const { store } = world.server
  const box = world.server.virtualBle
  if (!box) throw new Error('the browser world runs without virtual card boxes')

  // the driver, logged in on the phone that will scan the code
  const phone = await world.openPhone()
  const login = await smsLogin(world, phone, demoLogin(world.logins, 'personal'))
  if (login.next !== 'home') throw new Error(`login did not reach home: ${login.next}`)
  const cards = await store.query<CardDoc & Doc>(collections.cards, {
    where: [{ field: 'accountId', op: 'eq', value: login.account.id }],
    limit: 50,
  })
  const card = cards.items.find((c) => c.type === 'stored' && c.status === 'issued')
  if (!card) throw new Error('the demo personal account has no issued stored-value card')
  const vehicle = await store.get<VehicleDoc & Doc>(collections.vehicles, card.vehicleId)
  if (!vehicle) throw new Error('the stored-value card has no vehicle')
  const chip = (await box.boxes()).find((b) => b.cardId === card.id)
  if (!chip) throw new Error('no virtual card box holds the card')
  const before = chip.card.state.balance
  const unloadedBefore = await balanceOf(store, { kind: 'cardUnloaded', cardId: card.id })
  const loadedBefore = await balanceOf(store, { kind: 'cardLoaded', cardId: card.id })
  const masked = `${card.cardNo.slice(0, 4)}*****${card.cardNo.slice(-4)}`

  // the operator logs in on the outlet's handset
  const desk = await world.openPhone()
  await operatorLogin(world, desk, demoOutletOperator)

  // 网点工作台 → 用户卡充值 → the box holding the card → 【读卡】
  await waitShown(desk, '.outlet-home__who', demoOutletOperator.name)
  await tap(desk, '.outlet-home-recharge')
  await tap(desk, '.load-device__item', `ETC-OBU ${vehicle.plate}`)
  const info = await waitShown(desk, '.outlet-recharge__card', formatYuan(fen(before)))
  const read = await info.innerText()
  expect(read).toContain(vehicle.plate)
  expect(read).toContain(masked)
  expect(read).toContain('储值卡')
  expect(read).not.toContain(card.cardNo)
  await snap(desk, 'outlet-recharge-01-read.png')

  // the amount, 【在线支付】, the question, then the code
  await inputOf(desk, 'outlet-recharge__amount').fill(formatYuan(AMOUNT))
  await tap(desk, '.outlet-recharge__pay')
  const ask = await waitShown(desk, '.nut-dialog', '确认充值')
  await expect(ask.innerText()).resolves.toContain(
    `向 ${vehicle.plate} 卡（${masked}）充值 ${formatYuan(AMOUNT)} 元？`,
  )
  const created = answerOf<OutletRechargeView>(desk, 'outlet.recharge.create')
  await ask.locator('.nut-dialog-footer-ok').tap()
  const intent = dataOf(await created)
  expect(intent).toMatchObject({ amount: AMOUNT, status: 'awaiting', plate: vehicle.plate, cardNo: masked })
  await waitShown(desk, '.outlet-recharge__status', '等待客户扫码支付')
  const link = await (await waitShown(desk, '.pay-code__link')).innerText()
  expect(link).toBe(`${world.server.url}/#/packages/outlet/pages/pay/index?intent=${intent.intentId}`)
  // the code is drawn: a square of modules
  const qr = await waitShown(desk, '.pay-code__qr')
  const box2 = await qr.boundingBox()
  expect(box2 && Math.abs(box2.width - box2.height)).toBeLessThan(1)
  await snap(desk, 'outlet-recharge-02-code.png')

  // the driver opens the code's link and pays in the sandbox
  await phone.goto(link)
  await waitShown(phone, '.outlet-pay__intent', formatYuan(AMOUNT))
  await expect(shown(phone, '.outlet-pay__intent').first().innerText()).resolves.toContain(masked)
  await snap(phone, 'outlet-recharge-03-pay.png')
  await tap(phone, '.outlet-pay__submit')
  const confirm = await waitShown(phone, '.nut-dialog', '确认支付')
  const order = answerOf<RechargeLaunch>(phone, 'recharge.create')
  await confirm.locator('.nut-dialog-footer-ok').tap()
  const launch = dataOf(await order)
  expect(launch.order).toMatchObject({ amount: AMOUNT, target: { kind: 'card', cardId: card.id } })
  const sandbox = await waitShown(phone, '.nut-dialog', '使用本地沙箱模拟支付？')
  await sandbox.locator('.nut-dialog-footer-ok').tap()
  await waitShown(phone, '.money-result__title', '充值成功')
  const paid = await store.get<RechargeOrderDoc & Doc>(collections.rechargeOrders, launch.order.orderNo)
  expect(paid).toMatchObject({ status: 'paid', amount: AMOUNT })
  await settlesTo(
    () => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }),
    fen(unloadedBefore + AMOUNT),
  )
  await snap(phone, 'outlet-recharge-04-paid.png')

  // the operator's page saw the payment by itself and writes the card on the same box
  await desk.waitForURL(/packages\/outlet\/pages\/card\/index\?task=recharge/, { timeout: 15_000 })
  const load = await waitShown(desk, '.nut-dialog', '确认圈存')
  await expect(load.locator('.load-run__question').innerText()).resolves.toBe(
    `卡内余额 ${formatYuan(fen(before))} 元，圈存金额 ${formatYuan(AMOUNT)} 元，是否圈存？`,
  )
  const confirmed = answerOf<{ load: LoadView }>(desk, 'outlet.load.confirm')
  await load.locator('.nut-dialog-footer-ok').tap()
  expect(dataOf(await confirmed).load).toMatchObject({ state: 'confirmed', amount: AMOUNT })
  await waitShown(desk, '.load-run__verdict', '圈存成功')
  await waitShown(desk, '.load-run__receipt', formatYuan(fen(before + AMOUNT)))
  await snap(desk, 'outlet-recharge-05-written.png')

  // the chip holds it and the ledger moved it once
  expect(chip.card.state.balance).toBe(before + AMOUNT)
  await settlesTo(() => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }), fen(unloadedBefore))
  await settlesTo(() => balanceOf(store, { kind: 'cardLoaded', cardId: card.id }), fen(loadedBefore + AMOUNT))
})
