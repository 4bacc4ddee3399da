/**
 * Stored-value money through the `api` entry and the payment notification path, on both Store
 * adapters: recharge orders with WeChat Pay through the REAL wx-server-sdk against the CloudBase
 * emulator's merchant (the sandbox plays the payer and the callback), exactly-once credits, the
 * automatic allocation, pre-allocation, records, and every refusal with "nothing changed".
 */
import {
  parseWechatPayNotification,
  wechatPayCallbackSource,
} from '../../cloudfunctions/adapters/wechatPay/notification'
import { WechatPayGateway } from '../../cloudfunctions/adapters/wechatPay/wechatPayGateway'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type CardDoc } from '../../cloudfunctions/core/documents'
import { balanceOf, type LedgerAccount } from '../../cloudfunctions/core/ledger'
import { verifyLedger } from '../../cloudfunctions/core/ledger/verify'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { acceptPaymentNotification } from '../../cloudfunctions/core/money/notifications'
import { payDueRefunds } from '../../cloudfunctions/core/money/refunds'
import { workBudget } from '../../cloudfunctions/core/money/workBudget'
import { createApi } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { openEmulatedCloudPay, type CloudPayEmulator } from '../../tools/cloudbase-emulator/cloudPay'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import type { ApiResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import {
  adapters,
  apiCalls,
  readAll,
  seedDemoPerSuite,
  TestClock,
  wechatCallers,
  type Adapter,
} from './seededDemo'

const start = new Date('2026-11-30T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('money', start)
const ZHANG = 'acc-p-01-zhangwei' // one stored-value car (浙AD35288, 已发行): 可用 21.00, unloaded 200.00
const ZHANG_CARD_PLATE = '浙AD35288'
const UNIT = 'acc-u-shunda' // a fleet with many stored-value cars: 可用 12,880.00
const OUYANG = 'acc-p-03-ouyangnana'

const worlds: Array<{ close(): void }> = []
afterEach(() => {
  while (worlds.length) worlds.pop()?.close()
})

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const pay = openEmulatedCloudPay({ now: () => clock.now() })
  worlds.push(store, { close: () => unregisterEmulator(pay.emulator as CloudbaseEmulator) })
  const gateway = new WechatPayGateway(pay.cloudPay, {
    subMchId: pay.merchant.subMchId,
    envId: pay.emulator.envId,
  })
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    payments: { gateways: { wechat: gateway } },
  })
  const { call, ok } = apiCalls(api)
  const as = wechatCallers(store, clock, 'money')
  /** What payNotify does with WeChat's callback for a paid order. */
  const notify = (event: Record<string, unknown>, source: string | undefined = wechatPayCallbackSource) =>
    acceptPaymentNotification(store, gateway, parseWechatPayNotification(event, source), clock.now(), {
      confirmWithQuery: true,
    })
  const balance = (account: LedgerAccount) => balanceOf(store, account)
  return { store, clock, call, ok, as, merchant: pay.merchant as CloudPayEmulator, notify, balance, gateway }
}

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
}

const moneyCollections = [
  collections.rechargeOrders,
  collections.rechargeKeys,
  collections.allocations,
  collections.allocationRecords,
  collections.ledgerTransfers,
  collections.ledgerBalances,
]
async function moneySnapshot(store: Store): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of moneyCollections) out[name] = await readAll(store, name)
  return out
}

async function expectSoundLedger(store: Store) {
  const report = await verifyLedger(store)
  expect(report.mismatches).toEqual([])
  expect(report.malformed).toEqual([])
  expect(report.negative).toEqual([])
  expect(report.totalDebits).toBe(report.totalCredits)
}

const key = (n: number) => `key-${String(n).padStart(8, '0')}`

describe.each(adapters)('stored-value money on %s', (adapter) => {
  test('summary: available balance from the ledger, the WeChat channel, the window open at 10:00', async () => {
    const w = await makeWorld(adapter)
    const summary = await w.ok('money.summary', {}, await w.as(ZHANG))
    expect(summary).toMatchObject({
      available: 2100,
      storedCards: 1,
      receivingCards: 1,
      rechargeOpen: true,
      channels: ['wechat'],
      limits: { min: 1, max: 10_000_000 },
    })
    const cards = await w.ok('money.cards', {}, await w.as(ZHANG))
    expect(cards.items).toEqual([
      expect.objectContaining({
        plate: ZHANG_CARD_PLATE,
        unloaded: 20000,
        canReceive: true,
        status: 'issued',
      }),
    ])
    expect(cards.items[0].cardNo).toMatch(/\*{4}/)
  })

  test('an account recharge with one stored-value car goes to its card, once, however often WeChat calls', async () => {
    const w = await makeWorld(adapter)
    const zhang = await w.as(ZHANG)
    const [card] = (await w.ok('money.cards', {}, zhang)).items
    const created = await w.ok(
      'recharge.create',
      { key: key(1), target: { kind: 'account' }, amount: 10000, channel: 'wechat' },
      zhang,
    )
    expect(created.order).toMatchObject({
      status: 'pending',
      amount: 10000,
      channel: 'wechat',
      target: { kind: 'account' },
    })
    expect(created.launch.provider).toBe('wechat')
    expect(created.sandboxCashier).toBeNull()
    // The merchant holds the order with the payer WeChat identified, not one from the request.
    expect(w.merchant.order(created.order.orderNo)).toMatchObject({
      amount: 10000,
      payerOpenid: (zhang as { openid: string }).openid,
    })

    // Polling before paying changes nothing.
    expect((await w.ok('recharge.status', { orderNo: created.order.orderNo }, zhang)).status).toBe('pending')

    w.merchant.pay(created.order.orderNo)
    const event = w.merchant.callbackEvent(created.order.orderNo, { casing: 'snake', amountAs: 'string' })
    const results = await Promise.all([w.notify(event), w.notify(event), w.notify(event)])
    expect(results.map((r) => r.ack)).toEqual([true, true, true])
    expect(results.filter((r) => r.outcome === 'credited')).toHaveLength(1)

    expect(await w.balance({ kind: 'cardUnloaded', cardId: card.cardId })).toBe(30000)
    expect(await w.balance({ kind: 'userFunds', accountId: ZHANG })).toBe(2100)
    const status = await w.ok('recharge.status', { orderNo: created.order.orderNo }, zhang)
    expect(status).toMatchObject({
      status: 'paid',
      creditedTo: { kind: 'card', cardId: card.cardId, plate: ZHANG_CARD_PLATE },
    })
    expect(status.providerTradeNo).toMatch(/^4200000/)

    const allocations = await w.ok('allocation.list', {}, zhang)
    expect(allocations.items).toEqual([
      expect.objectContaining({
        cardId: card.cardId,
        amount: 10000,
        source: '充值自动分配',
        plate: ZHANG_CARD_PLATE,
      }),
    ])
    const recharges = await w.ok('recharge.list', {}, zhang)
    expect(recharges.items.map((o) => [o.orderNo, o.status, o.source])).toEqual([
      [created.order.orderNo, 'paid', '微信小程序'],
    ])
    await expectSoundLedger(w.store)
  })

  test('a fleet recharge stays in the account; the result page’s poll credits a payment WeChat never notified', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    const created = await w.ok(
      'recharge.create',
      { key: key(2), target: { kind: 'account' }, amount: 1, channel: 'wechat' },
      unit,
    )
    w.merchant.pay(created.order.orderNo)
    const polled = await w.ok('recharge.status', { orderNo: created.order.orderNo }, unit)
    expect(polled).toMatchObject({ status: 'paid', creditedTo: { kind: 'account' } })
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288001)
    // The callback arriving afterwards is a duplicate: acknowledged, nothing more.
    const late = await w.notify(w.merchant.callbackEvent(created.order.orderNo))
    expect(late).toEqual({ ack: true, outcome: 'already_credited' })
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288001)
    await expectSoundLedger(w.store)
  })

  test('a recharge straight to a card credits that card', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    const cards = await w.ok('money.cards', { limit: 50 }, unit)
    const target = cards.items.find((c) => c.canReceive)!
    const before = await w.balance({ kind: 'cardUnloaded', cardId: target.cardId })
    const created = await w.ok(
      'recharge.create',
      { key: key(3), target: { kind: 'card', cardId: target.cardId }, amount: 5000, channel: 'wechat' },
      unit,
    )
    expect(created.order.target).toMatchObject({ kind: 'card', plate: target.plate })
    w.merchant.pay(created.order.orderNo)
    expect((await w.notify(w.merchant.callbackEvent(created.order.orderNo))).outcome).toBe('credited')
    expect(await w.balance({ kind: 'cardUnloaded', cardId: target.cardId })).toBe(before + 5000)
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288000)
  })

  test('the same key answers the same order; another request under it is refused', async () => {
    const w = await makeWorld(adapter)
    const zhang = await w.as(ZHANG)
    const request = { key: key(4), target: { kind: 'account' }, amount: 2000, channel: 'wechat' } as const
    const first = await w.ok('recharge.create', request, zhang)
    const again = await w.ok('recharge.create', request, zhang)
    expect(again.order.orderNo).toBe(first.order.orderNo)
    const before = await moneySnapshot(w.store)
    expectError(await w.call('recharge.create', { ...request, amount: 2001 }, zhang), 'REQUEST_KEY_REUSED')
    expect(await moneySnapshot(w.store)).toEqual(before)
  })

  test('refusals change nothing: the night window, the amount limits, lost and foreign cards', async () => {
    const w = await makeWorld(adapter)
    const zhang = await w.as(ZHANG)
    const unit = await w.as(UNIT, 'unit')
    const before = await moneySnapshot(w.store)
    const base = { target: { kind: 'account' }, channel: 'wechat' } as const

    for (const amount of [0, -1, 10_000_001, 12.5]) {
      expectError(await w.call('recharge.create', { ...base, key: key(10), amount }, zhang), 'INVALID_INPUT')
    }
    // A card of another account looks like a missing one.
    const unitCard = (await w.ok('money.cards', { limit: 1 }, unit)).items[0]
    expectError(
      await w.call(
        'recharge.create',
        { key: key(11), target: { kind: 'card', cardId: unitCard.cardId }, amount: 100, channel: 'wechat' },
        zhang,
      ),
      'NOT_FOUND',
    )
    // A lost card receives nothing.
    const card = (await w.ok('money.cards', {}, zhang)).items[0]
    await w.store.update(collections.cards, card.cardId, { status: 'lost' })
    expectError(
      await w.call(
        'recharge.create',
        { key: key(12), target: { kind: 'card', cardId: card.cardId }, amount: 100, channel: 'wechat' },
        zhang,
      ),
      'CARD_CANNOT_RECEIVE',
    )
    await w.store.update(collections.cards, card.cardId, { status: 'issued' })
    // 22:00–02:00 Beijing time: no new order (13:59:59 UTC is 21:59:59 in Shanghai).
    w.clock.advance(12 * 3600) // 22:00 Shanghai
    expectError(
      await w.call('recharge.create', { ...base, key: key(13), amount: 100 }, zhang),
      'RECHARGE_CLOSED',
    )
    expect((await w.ok('money.summary', {}, zhang)).rechargeOpen).toBe(false)
    w.clock.advance(4 * 3600 - 1) // 01:59:59
    expectError(
      await w.call('recharge.create', { ...base, key: key(14), amount: 100 }, zhang),
      'RECHARGE_CLOSED',
    )
    expect(await moneySnapshot(w.store)).toEqual(before)
    w.clock.advance(1) // 02:00
    expect((await w.call('recharge.create', { ...base, key: key(15), amount: 100 }, zhang)).ok).toBe(true)
  })

  test('attack: a script opening orders in a loop is stopped at 5 a minute; retries of one intent never count', async () => {
    const w = await makeWorld(adapter)
    const zhang = await w.as(ZHANG)
    const order = (n: number) =>
      ({ key: key(80 + n), target: { kind: 'account' }, amount: 100, channel: 'wechat' }) as const
    const made: string[] = []
    for (let n = 0; n < 5; n++) made.push((await w.ok('recharge.create', order(n), zhang)).order.orderNo)
    // the same intent again (a lost answer) answers its order, however often
    for (let i = 0; i < 3; i++)
      expect((await w.ok('recharge.create', order(0), zhang)).order.orderNo).toBe(made[0])
    const before = await moneySnapshot(w.store)
    expectError(await w.call('recharge.create', order(5), zhang), 'RATE_LIMITED')
    expect(await moneySnapshot(w.store)).toEqual(before)
    expect(w.merchant.order(made[4])).toBeDefined()
    // another account is not affected; the next minute admits again
    expect((await w.call('recharge.create', order(6), await w.as(UNIT, 'unit'))).ok).toBe(true)
    w.clock.advance(60)
    expect((await w.call('recharge.create', order(7), zhang)).ok).toBe(true)
  })

  test('a payment made before 22:00 and notified after it is still credited', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    w.clock.advance(12 * 3600 - 120) // 21:58 Shanghai
    const created = await w.ok(
      'recharge.create',
      { key: key(20), target: { kind: 'account' }, amount: 300, channel: 'wechat' },
      unit,
    )
    w.merchant.pay(created.order.orderNo)
    w.clock.advance(600) // 22:08
    expect((await w.notify(w.merchant.callbackEvent(created.order.orderNo))).outcome).toBe('credited')
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288300)
    // the page's retry of that intent (its answer was lost) gets the order back, not 充值关闭
    const retry = await w.ok(
      'recharge.create',
      { key: key(20), target: { kind: 'account' }, amount: 300, channel: 'wechat' },
      unit,
    )
    expect(retry.order).toMatchObject({ orderNo: created.order.orderNo, status: 'paid' })
    expectError(
      await w.call(
        'recharge.create',
        { key: key(21), target: { kind: 'account' }, amount: 300, channel: 'wechat' },
        unit,
      ),
      'RECHARGE_CLOSED',
    )
  })

  test('forged and mismatched notifications are recorded and credit nothing', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    const created = await w.ok(
      'recharge.create',
      { key: key(30), target: { kind: 'account' }, amount: 700, channel: 'wechat' },
      unit,
    )
    const orderNo = created.order.orderNo
    const funds = { kind: 'userFunds', accountId: UNIT } as const

    // Not from WeChat's payment callback (e.g. a client invoking payNotify itself).
    w.merchant.pay(orderNo)
    const genuine = w.merchant.callbackEvent(orderNo)
    expect(await w.notify(genuine, 'wx_client')).toEqual({ ack: false, outcome: 'unverified' })
    // Right source, but the amount or transaction differs from what WeChat's query says.
    expect(await w.notify({ ...genuine, totalFee: 70000, cashFee: 70000 })).toEqual({
      ack: false,
      outcome: 'unconfirmed',
    })
    expect(await w.notify({ ...genuine, transactionId: '4200000999' })).toEqual({
      ack: false,
      outcome: 'unconfirmed',
    })
    // An order we never made.
    expect(await w.notify({ ...genuine, outTradeNo: 'R20261130100000999999999' })).toMatchObject({
      ack: false,
    })
    expect(await w.balance(funds)).toBe(1288000)
    const notices = await readAll<Doc & { outcome: string }>(w.store, collections.paymentNotices)
    expect(notices.map((n) => n.outcome).sort()).toEqual(
      ['unconfirmed:not_found', 'unconfirmed:paid', 'unconfirmed:paid', 'unverified:WRONG_SOURCE'].sort(),
    )
    // The genuine one still credits.
    expect((await w.notify(genuine)).outcome).toBe('credited')
    expect(await w.balance(funds)).toBe(1288700)
  })

  test('an unpaid order closes after its timeout; a payment that lands after that is owed back', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    const created = await w.ok(
      'recharge.create',
      { key: key(40), target: { kind: 'account' }, amount: 900, channel: 'wechat' },
      unit,
    )
    w.clock.advance(16 * 60)
    expect((await w.ok('recharge.status', { orderNo: created.order.orderNo }, unit)).status).toBe('closed')
    expect(w.merchant.order(created.order.orderNo)?.state).toBe('CLOSED')
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288000)

    // The race the close cannot rule out: we closed the order, then the payment landed anyway.
    const late = await w.ok(
      'recharge.create',
      { key: key(41), target: { kind: 'account' }, amount: 800, channel: 'wechat' },
      unit,
    )
    w.merchant.pay(late.order.orderNo)
    await w.store.update(collections.rechargeOrders, late.order.orderNo, {
      status: 'closed',
      closedAt: w.clock.now().toISOString(),
    } satisfies Partial<RechargeOrderDoc>)
    expect(await w.notify(w.merchant.callbackEvent(late.order.orderNo))).toEqual({
      ack: true,
      outcome: 'refund_due',
    })
    expect(await w.notify(w.merchant.callbackEvent(late.order.orderNo))).toEqual({
      ack: true,
      outcome: 'refund_due',
    })
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288000)
    expect(await w.balance({ kind: 'refundsPayable', provider: 'wechat' })).toBe(800)
    expect((await w.ok('recharge.status', { orderNo: late.order.orderNo }, unit)).status).toBe('refunding')
    await expectSoundLedger(w.store)

    // The refund goes out; WeChat re-sends the old success: acknowledged, nothing credited.
    const run = await payDueRefunds(w.store, w.gateway, w.clock.now(), workBudget({ ms: 10_000 }))
    expect(run.failed).toEqual([])
    expect(w.merchant.order(late.order.orderNo)?.refunds).toHaveLength(1)
    expect(await w.notify(w.merchant.callbackEvent(late.order.orderNo))).toEqual({
      ack: true,
      outcome: 'refunded_at_provider',
    })
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288000)
    await expectSoundLedger(w.store)
  })

  test('pre-allocation: 平均分配, 分配全部可用余额 to the fen, custom over the balance refused, retries idempotent', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    const summary = await w.ok('money.summary', {}, unit)
    const receiving = summary.receivingCards
    expect(receiving).toBeGreaterThan(2)

    const even = { key: key(50), allocation: { mode: 'even', perCard: 100 } } as const
    const result = await w.ok('allocation.apply', even, unit)
    expect(result.total).toBe(100 * receiving)
    expect(result.parts).toHaveLength(receiving)
    expect(result.available).toBe(1288000 - 100 * receiving)
    // The same request again (a retry after a lost answer) allocates nothing more.
    const again = await w.ok('allocation.apply', even, unit)
    expect(again.allocationId).toBe(result.allocationId)
    expect(await w.balance({ kind: 'userFunds', accountId: UNIT })).toBe(1288000 - 100 * receiving)

    // Custom over the available balance: refused, nothing changed.
    const before = await moneySnapshot(w.store)
    const [first, second] = result.parts
    const tooMuch = {
      key: key(51),
      allocation: {
        mode: 'custom',
        items: [
          { cardId: first.cardId, amount: 1288000 },
          { cardId: second.cardId, amount: 1 },
        ],
      },
    } as const
    expectError(await w.call('allocation.apply', tooMuch, unit), 'INSUFFICIENT_FUNDS')
    expectError(
      await w.call(
        'allocation.apply',
        {
          key: key(52),
          allocation: {
            mode: 'custom',
            items: [
              { cardId: first.cardId, amount: 1 },
              { cardId: first.cardId, amount: 2 },
            ],
          },
        },
        unit,
      ),
      'INVALID_INPUT',
    )
    expect(await moneySnapshot(w.store)).toEqual(before)

    // Everything left, split to the fen.
    const left = await w.balance({ kind: 'userFunds', accountId: UNIT })
    const all = await w.ok('allocation.apply', { key: key(53), allocation: { mode: 'all' } }, unit)
    expect(all.total).toBe(left)
    expect(all.parts.reduce((sum, p) => sum + p.amount, 0)).toBe(left)
    expect(
      Math.max(...all.parts.map((p) => p.amount)) - Math.min(...all.parts.map((p) => p.amount)),
    ).toBeLessThanOrEqual(1)
    expect(all.available).toBe(0)
    expectError(
      await w.call('allocation.apply', { key: key(54), allocation: { mode: 'all' } }, unit),
      'INSUFFICIENT_FUNDS',
    )

    const records = await w.ok('allocation.list', { limit: 50 }, unit)
    expect(records.total).toBe(2 * receiving)
    await expectSoundLedger(w.store)
  })

  test('a custom allocation to a lost card or another account’s card is refused', async () => {
    const w = await makeWorld(adapter)
    const unit = await w.as(UNIT, 'unit')
    const zhang = await w.as(ZHANG)
    const zhangCard = (await w.ok('money.cards', {}, zhang)).items[0]
    expectError(
      await w.call(
        'allocation.apply',
        { key: key(60), allocation: { mode: 'custom', items: [{ cardId: zhangCard.cardId, amount: 1 }] } },
        unit,
      ),
      'NOT_FOUND',
    )
    const own = (await w.ok('money.cards', { limit: 50 }, unit)).items.find((c) => c.canReceive)!
    await w.store.update(collections.cards, own.cardId, { status: 'frozen' } satisfies Partial<CardDoc>)
    const before = await moneySnapshot(w.store)
    expectError(
      await w.call(
        'allocation.apply',
        { key: key(61), allocation: { mode: 'custom', items: [{ cardId: own.cardId, amount: 1 }] } },
        unit,
      ),
      'CARD_CANNOT_RECEIVE',
    )
    expect(await moneySnapshot(w.store)).toEqual(before)
  })

  test('an account without funds has nothing to split; records are bounded like every date filter', async () => {
    const w = await makeWorld(adapter)
    const ouyang = await w.as(OUYANG)
    expectError(
      await w.call('allocation.apply', { key: key(70), allocation: { mode: 'all' } }, ouyang),
      'INSUFFICIENT_FUNDS',
    )
    expectError(
      await w.call('recharge.list', { from: '2020-01-01', to: '2026-11-30' }, ouyang),
      'INVALID_INPUT',
    )
    expectError(await w.call('recharge.list', { to: '2099-01-01' }, ouyang), 'INVALID_INPUT')
    const page = await w.ok('recharge.list', { from: '2022-01-01' }, ouyang)
    expect(page).toMatchObject({ items: [], total: 0, from: '2022-01-01', to: '2026-11-30' })
  })
})
