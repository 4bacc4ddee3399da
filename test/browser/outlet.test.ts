/**
 * The outlet operator's 未圈存 → 圈存 (seed 003) in the real H5 build, in Debian's chromium, with the
 * local server's virtual card boxes: an outlet load whose MAC2 was issued but never written to the
 * card is found in 充值记录, reset after the page read the card (the server authenticates the
 * reading), and loaded again on the same box. What the pages show is compared with the chip itself
 * and the ledger.
 */
import type { Clock } from '../../cloudfunctions/ports/clock'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import { collections, type CardDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import type { LoadDoc } from '../../cloudfunctions/core/load/loadDocuments'
import type { Doc } from '../../cloudfunctions/ports/store'
import type { ActionName, ActionRequest, ActionResponse, ApiResult } from '../../types'
import type { LoadView } from '../../types/actions/load'
import { fen, formatYuan } from '../../types/money'
import { demoOutletOperator } from '../../tools/demo/seedOperators'
import type { VirtualCard } from '../../tools/virtual-card/card'
import {
  answerOf,
  dataOf,
  inputOf,
  operatorLogin,
  settled,
  settlesTo,
  shown,
  snap,
  startBrowserWorld,
  tap,
  waitShown,
  type BrowserWorld,
} from './browserWorld'

jest.setTimeout(120_000)

const now = Date.parse('2026-12-02T10:00:00+08:00')
const clock: Clock = { now: () => new Date(now) }

let world: BrowserWorld

beforeAll(async () => {
  world = await startBrowserWorld({ clock, name: 'outlet' })
}, 60_000)

afterAll(() => world?.close())

/** The api over HTTP, as the outlet's handset reaches it. */
async function api<A extends ActionName>(
  action: A,
  payload: ActionRequest<A>,
  token: string | null = null,
): Promise<ActionResponse<A>> {
  const res = await fetch(`${world.server.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ action, payload }),
  })
  return dataOf((await res.json()) as ApiResult & { data: ActionResponse<A> })
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase()

/** An APDU to the chip as the handset sends it; the reply must end 9000. */
function sendOk(card: VirtualCard, apdu: string): string {
  const reply = hex(card.transceive(Uint8Array.from(Buffer.from(apdu, 'hex'))))
  if (!reply.endsWith('9000')) throw new Error(`card refused ${apdu}: ${reply}`)
  return reply
}

test('an outlet resets a load the card never got (the holder’s own PIN) and loads it again on the virtual card box', async () => {
  const { store } = world.server
  const box = world.server.virtualBle
  if (!box) throw new Error('the browser world runs without virtual card boxes')

  // a demo stored-value card with unloaded funds, in its box
  let found: { cardId: string; unloaded: number } | null = null
  for (const b of await box.boxes()) {
    const unloaded = await balanceOf(store, { kind: 'cardUnloaded', cardId: b.cardId })
    if (unloaded > 0) {
      found = { cardId: b.cardId, unloaded }
      break
    }
  }
  if (!found) throw new Error('no demo stored-value card with unloaded funds')
  const card = await store.get<CardDoc & Doc>(collections.cards, found.cardId)
  if (!card) throw new Error('no card')
  const vehicle = await store.get<VehicleDoc & Doc>(collections.vehicles, card.vehicleId)
  if (!vehicle) throw new Error('the stored-value card has no vehicle')
  const chip = (await box.boxes()).find((b) => b.cardId === card.id)
  if (!chip) throw new Error('no virtual card box holds the card')

  // the outlet's handset, from Node: MAC2 issued, then the card lost before the credit
  const captchaId = (await api('auth.captcha', {})).captchaId
  const desk = await api('operator.login', {
    loginName: demoOutletOperator.loginName,
    password: demoOutletOperator.password,
    captchaId,
    captchaText: world.captchaTexts[world.captchaTexts.length - 1],
  })
  const started = await api(
    'outlet.load.start',
    { key: 'b-outlet-browser-0001', cardNo: card.cardNo },
    desk.token,
  )
  const recordId = started.load.loadId
  const amount = started.load.amount
  expect(amount).toBe(found.unloaded)
  chip.card.reset()
  sendOk(chip.card, '00A40000023F00')
  sendOk(chip.card, '00A40000021001')
  const initReply = sendOk(chip.card, started.initApdu)
  await api('outlet.load.init', { loadId: recordId, response: initReply }, desk.token)
  const record = await api('outlet.records.detail', { recordId }, desk.token)
  expect(record).toMatchObject({ state: 'loaded', proven: false, canReset: true })

  // the holder chose a PIN of their own: the reading asks for it once the default is refused
  const HOLDER_PIN = '135790'
  chip.card.setPin(HOLDER_PIN)
  const before = chip.card.state.balance
  const unloadedBefore = await balanceOf(store, { kind: 'cardUnloaded', cardId: card.id })
  const loadedBefore = await balanceOf(store, { kind: 'cardLoaded', cardId: card.id })
  expect(unloadedBefore).toBe(amount)

  // the operator logs in on the phone
  const page = await world.openPhone()
  await page.setViewportSize({ width: 375, height: 812 })
  await operatorLogin(world, page, demoOutletOperator, { snapAs: 'outlet-01-login.png' })

  // 网点工作台 → 充值记录: plate, colour, 查询
  await waitShown(page, '.outlet-home__who', demoOutletOperator.name)
  await snap(page, 'outlet-02-home.png')
  await tap(page, '.outlet-home-records')
  await inputOf(page, 'outlet-records-plate').fill(vehicle.plate)
  await tap(page, '.outlet-records-color .nut-radio', new RegExp(`^${vehicle.plateColor}色$`))
  await tap(page, '.outlet-records-search')
  const row = await waitShown(page, `.outlet-record-${recordId}`, '已圈存')
  await expect(row.innerText()).resolves.toContain(formatYuan(amount))
  await snap(page, 'outlet-03-records.png')

  // the detail: 未圈存, after the question
  await row.tap()
  await waitShown(page, '.outlet-record__info', '已圈存')
  await snap(page, 'outlet-04-record.png')
  await tap(page, '.outlet-record-reset')
  const ask = await waitShown(page, '.nut-dialog', '确定将充值记录改为【未圈存】的状态吗？')
  await snap(page, 'outlet-05-ask.png')
  await ask.locator('.nut-dialog-footer-ok').tap()

  // the box holding the card: the page reads it and the server authenticates the reading
  const reset = answerOf<unknown>(page, 'outlet.records.reset')
  await tap(page, '.load-device__item', `ETC-OBU ${vehicle.plate}`)
  // the issuer's default went once and was refused: the customer types theirs
  await waitShown(page, '.load-pin__prompt', '请输入通行卡密码，还可尝试 2 次')
  expect(chip.card.state.pinTriesLeft).toBe(2)
  await snap(page, 'outlet-05b-pin.png')
  await inputOf(page, 'load-pin__input').fill(HOLDER_PIN)
  await tap(page, '.load-pin__ok')
  dataOf(await reset)
  expect(chip.card.state.pinTriesLeft).toBe(3)
  const done = await waitShown(page, '.nut-dialog', '修改圈存状态成功！请进行圈存操作')
  await snap(page, 'outlet-06-reset.png')
  expect((await api('outlet.records.detail', { recordId }, desk.token)).state).toBe('not_loaded')
  expect(chip.card.state.balance).toBe(before)
  await done.locator('.nut-dialog-footer-ok').tap()

  // 圈存 of the record on the same box
  const dialog = await waitShown(page, '.nut-dialog', '确认圈存')
  await expect(dialog.locator('.load-run__question').innerText()).resolves.toBe(
    `卡内余额 ${formatYuan(fen(before))} 元，圈存金额 ${formatYuan(amount)} 元，是否圈存？`,
  )
  await snap(page, 'outlet-07-confirm.png')
  const confirmed = answerOf<{ load: LoadView }>(page, 'outlet.load.confirm')
  await dialog.locator('.nut-dialog-footer-ok').tap()
  const { load } = dataOf(await confirmed)
  expect(load.state).toBe('confirmed')
  expect(load.amount).toBe(amount)
  await waitShown(page, '.load-run__verdict', '圈存成功')
  await waitShown(page, '.load-run__receipt', formatYuan(fen(before + amount)))
  await snap(page, 'outlet-08-loaded.png')

  // the chip holds it (the 圈存 sent the PIN the reading proved, asking nothing and spending no
  // try), the record is 未圈存 and loaded again, the ledger moved once
  expect(chip.card.state.balance).toBe(before + amount)
  expect(chip.card.state.pinTriesLeft).toBe(3)
  const after = await api('outlet.records.detail', { recordId }, desk.token)
  expect(after).toMatchObject({ state: 'not_loaded', reloadedBy: load.loadId, canReload: false })
  const reload = await store.get<LoadDoc & Doc>(collections.loads, load.loadId)
  expect(reload).toMatchObject({ state: 'confirmed', reloadOf: recordId })
  await settlesTo(
    () => balanceOf(store, { kind: 'cardUnloaded', cardId: card.id }),
    fen(unloadedBefore - amount),
  )
  await settlesTo(() => balanceOf(store, { kind: 'cardLoaded', cardId: card.id }), fen(loadedBefore + amount))

  // 完成: back at the record, which now says 未圈存
  await tap(page, '.load-run__leave', '完成')
  await waitShown(page, '.outlet-record__info', '未圈存')
  expect(
    await settled(
      () => shown(page, '.outlet-record-reset').count(),
      (n) => n === 0,
    ),
  ).toBe(0)
  await snap(page, 'outlet-09-record-after.png')
})
