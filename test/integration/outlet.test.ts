/**
 * The outlet operator's load tools (issue 10, seeds 002/003) through the `api` entry on both Store
 * adapters, the test playing the outlet's handset between a virtual card (tools/virtual-card, its
 * own PBOC crypto) and the outlet actions: per-outlet scope, 充值记录 over at most 30 Shanghai days,
 * 已圈存 → 未圈存 only on an authenticated reading that shows the load did not happen (audited), the
 * re-load of a 未圈存 record the same day, and the amount bound.
 */
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type AuditLogDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import { verifyLedger } from '../../cloudfunctions/core/ledger/verify'
import type { CardLoadStateDoc, LoadDoc } from '../../cloudfunctions/core/load/loadDocuments'
import { createOperator } from '../../cloudfunctions/core/operators/operatorAdmin'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc } from '../../cloudfunctions/ports/store'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import { initForLoadApdu } from '../../cloudfunctions/core/load/cardBytes'
import { loadKeyIndex, loadTerminalNo } from '../../cloudfunctions/core/load/saga'
import { fen } from '../../types/money'
import { personalize } from '../../tools/virtual-card/personalize'
import { VirtualCard } from '../../tools/virtual-card/card'
import { demoOperator, demoOutletOperator } from '../../tools/demo/seedOperators'
import { cardOf, connect, expectError, hex, loadStart, masterKeys, send, sendOk, ZHANG } from './loadPhone'
import {
  adapters,
  apiCalls,
  readAll,
  seedDemoPerSuite,
  TestClock,
  wechatCallers,
  type Adapter,
} from './seededDemo'

const demo = seedDemoPerSuite('outlet', loadStart)
const master = masterKeys()
const CAPTCHA = 'Xy3Q'
const WEST = { loginName: 'outlet-west', password: 'OutletWest2025', outletId: 'outlet-west-002' }

let keys = 0
const key = () => `outlet-key-${String(++keys).padStart(6, '0')}`

const worlds: Array<{ close(): void }> = []
afterEach(() => {
  while (worlds.length) worlds.pop()?.close()
})

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  worlds.push(store)
  const clock = new TestClock(loadStart.getTime())
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    captcha: { create: () => ({ text: CAPTCHA, svg: '<svg/>' }) },
    loadKeys: SoftwareKeyService.fromMasterKeys(master),
  })
  const http = (token: string | null = null): Caller => ({ platform: 'http', token, ip: '10.0.0.9' })
  const { call, ok } = apiCalls(api, http)
  const login = async (loginName: string, password: string) => {
    const { captchaId } = await ok('auth.captcha', {}, http())
    const session = await ok(
      'operator.login',
      { loginName, password, captchaId, captchaText: CAPTCHA },
      http(),
    )
    return http(session.token)
  }
  await createOperator(
    store,
    {
      loginName: WEST.loginName,
      name: '西湖网点',
      roles: ['outlet'],
      outletId: WEST.outletId,
      password: WEST.password,
    },
    clock.now(),
  )
  // the demo outlet's handset; tests that move the clock past the session log in again
  const session = { desk: await login(demoOutletOperator.loginName, demoOutletOperator.password) }
  const west = await login(WEST.loginName, WEST.password)
  const zhang = await wechatCallers(store, clock, 'outlet')(ZHANG)
  const stored = await cardOf(store, ZHANG, 'stored')
  const vehicle = await store.get<VehicleDoc & Doc>(collections.vehicles, stored.card.vehicleId)
  if (!vehicle) throw new Error('no vehicle of the stored-value card')
  const plateColor = vehicle.plateColor
  const chip = (options: { balance?: number; onlineSerial?: number } = {}) =>
    new VirtualCard(
      personalize({
        cardNo: stored.card.cardNo,
        type: 'stored',
        balance: options.balance ?? 12_345,
        onlineSerial: options.onlineSerial ?? 41,
        algorithm: '3des',
        plate: stored.plate,
        plateColor: 0,
        masterKeys: { mlk: hex(master.dlk), mtk: hex(master.dtk) },
      }),
    )
  const unloaded = () => balanceOf(store, { kind: 'cardUnloaded', cardId: stored.card.id })
  const loaded = () => balanceOf(store, { kind: 'cardLoaded', cardId: stored.card.id })
  const loadDoc = async (id: string) => {
    const doc = await store.get<LoadDoc & Doc>(collections.loads, id)
    if (!doc) throw new Error(`no load ${id}`)
    return doc
  }
  const audits = async () =>
    (await readAll<AuditLogDoc & Doc>(store, collections.auditLog)).filter(
      (a) => a.action === 'outlet.records.reset',
    )
  const records = (caller: Caller, filter: Record<string, unknown> = {}) =>
    ok('outlet.records.list', { plate: stored.plate, plateColor, ...filter }, caller)

  /** The outlet's load of the read card up to the issued MAC2: the card still holds nothing of it. */
  async function initialized(card: VirtualCard, amount?: number) {
    const started = await ok(
      'outlet.load.start',
      { key: key(), cardNo: stored.card.cardNo, ...(amount ? { amount } : {}) },
      session.desk,
    )
    connect(card)
    const initReply = sendOk(card, started.initApdu)
    const init = await ok(
      'outlet.load.init',
      { loadId: started.load.loadId, response: initReply },
      session.desk,
    )
    return { loadId: started.load.loadId, initReply, creditApdu: init.creditApdu }
  }

  /** A fresh INITIALIZE FOR LOAD of the record, as the handset reads the card before a reset. */
  async function reading(card: VirtualCard, recordId: string) {
    const detail = await ok('outlet.records.detail', { recordId }, session.desk)
    if (!detail.readApdu) throw new Error('no readApdu')
    connect(card)
    return sendOk(card, detail.readApdu)
  }

  return {
    store,
    clock,
    call,
    ok,
    get desk() {
      return session.desk
    },
    set desk(caller: Caller) {
      session.desk = caller
    },
    west,
    login,
    zhang,
    stored,
    plateColor,
    chip,
    unloaded,
    loaded,
    loadDoc,
    audits,
    records,
    initialized,
    reading,
  }
}
type World = Awaited<ReturnType<typeof makeWorld>>

async function expectSoundLedger(w: World) {
  const report = await verifyLedger(w.store)
  expect(report.mismatches).toEqual([])
  expect(report.negative).toEqual([])
}

describe.each(adapters)('outlet load tools on %s', (adapter) => {
  test('an outlet load written by the card is 已圈存 with its figures, and its reset is refused (the TAC proved it)', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip({ balance: 12_345, onlineSerial: 41 })
    const { loadId, creditApdu } = await w.initialized(card)
    const tac = sendOk(card, creditApdu)
    const confirmed = await w.ok('outlet.load.confirm', { loadId, source: 'credit', response: tac }, w.desk)
    expect(confirmed.load.state).toBe('confirmed')
    expect(card.state.balance).toBe(32_345)
    expect(await w.loaded()).toBe(20_000)

    const list = await w.records(w.desk)
    expect(list.total).toBe(1)
    expect(list.items[0]).toMatchObject({
      recordId: loadId,
      plate: w.stored.plate,
      plateColor: w.plateColor,
      balanceBefore: 12_345,
      amount: 20_000,
      balanceAfter: 32_345,
      state: 'loaded',
      proven: true,
      canReset: false,
      canReload: false,
    })
    expect(list.items[0].cardNo).toBe(
      `${w.stored.card.cardNo.slice(0, 4)}*****${w.stored.card.cardNo.slice(-4)}`,
    )

    // the operator reads the card anyway: refused before any reading is taken, nothing audited
    connect(card)
    const fresh = sendOk(card, initForLoadApdu(loadKeyIndex, fen(20_000), loadTerminalNo))
    expectError(
      await w.call('outlet.records.reset', { recordId: loadId, response: fresh }, w.desk),
      'OUTLET_RESET_PROVEN',
    )
    expect((await w.loadDoc(loadId)).state).toBe('confirmed')
    expect(await w.audits()).toEqual([])
    await expectSoundLedger(w)
  })

  test('scope: another outlet, the reconciliation operator and a driver see nothing of an outlet’s loads', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip()
    // the driver's own load of a part of the funds, on the phone: not an outlet's record
    const own = await w.ok('load.start', { key: key(), cardId: w.stored.card.id, amount: 5_000 }, w.zhang)
    connect(card)
    const ownInit = await w.ok(
      'load.init',
      { loadId: own.load.loadId, response: sendOk(card, own.initApdu) },
      w.zhang,
    )
    await w.ok(
      'load.confirm',
      { loadId: own.load.loadId, source: 'credit', response: sendOk(card, ownInit.creditApdu) },
      w.zhang,
    )
    const { loadId, initReply } = await w.initialized(card)
    expect((await w.loadDoc(loadId)).amount).toBe(15_000)

    expect((await w.records(w.west)).items).toEqual([])
    expectError(await w.call('outlet.records.detail', { recordId: loadId }, w.west), 'NOT_FOUND')
    expectError(await w.call('outlet.load.status', { loadId }, w.west), 'NOT_FOUND')
    expectError(
      await w.call('outlet.records.reset', { recordId: loadId, response: initReply }, w.west),
      'NOT_FOUND',
    )
    expectError(
      await w.call('outlet.load.confirm', { loadId, source: 'credit', response: '01020304' }, w.west),
      'NOT_FOUND',
    )
    // an operator without the outlet role is refused outright; a WeChat driver has no operator
    // session at all
    const recon = await w.login(demoOperator.loginName, demoOperator.password)
    expectError(
      await w.call('outlet.records.list', { plate: w.stored.plate, plateColor: w.plateColor }, recon),
      'FORBIDDEN',
    )
    expectError(
      await w.call('outlet.records.list', { plate: w.stored.plate, plateColor: w.plateColor }, w.zhang),
      'UNAUTHENTICATED',
    )
    // the driver's own load actions do not reach the outlet's load either
    expectError(await w.call('load.status', { loadId }, w.zhang), 'NOT_FOUND')
    expectError(await w.call('load.recover', { loadId, response: initReply }, w.zhang), 'NOT_FOUND')
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_CARD_BUSY',
    )

    // the outlet's records hold its own load only, and the driver's load is not reachable from it
    const mine = await w.records(w.desk)
    expect(mine.items.map((r) => r.recordId)).toEqual([loadId])
    expectError(await w.call('outlet.records.detail', { recordId: own.load.loadId }, w.desk), 'NOT_FOUND')
  })

  test('records: plate and colour required, at most 30 Shanghai days, days counted in Shanghai', async () => {
    const w = await makeWorld(adapter)
    expectError(
      await w.call(
        'outlet.records.list',
        { plate: w.stored.plate, plateColor: '蓝', from: '2026-10-30', to: '2026-11-30' },
        w.desk,
      ),
      'INVALID_INPUT',
    )
    const tooLong = await w.call(
      'outlet.records.list',
      { plate: w.stored.plate, plateColor: '蓝', from: '2026-10-30', to: '2026-11-30' },
      w.desk,
    )
    expect(tooLong.ok || tooLong.error.message).toBe('查询时间范围不能超过30天')
    expectError(await w.call('outlet.records.list', { plateColor: w.plateColor }, w.desk), 'INVALID_INPUT')
    expect((await w.records(w.desk, { from: '2026-10-31', to: '2026-11-30' })).total).toBe(0)

    // 01:30 on 1 December in Shanghai (still 30 November in UTC and in Los Angeles)
    w.clock.advance(15.5 * 3600)
    w.desk = await w.login(demoOutletOperator.loginName, demoOutletOperator.password)
    const { loadId } = await w.initialized(w.chip())
    expect(
      (await w.records(w.desk, { from: '2026-12-01', to: '2026-12-01' })).items.map((r) => r.recordId),
    ).toEqual([loadId])
    expect((await w.records(w.desk, { from: '2026-11-30', to: '2026-11-30' })).total).toBe(0)
    // another colour of the same plate is another vehicle
    expect(
      (
        await w.records(w.desk, {
          plateColor: w.plateColor === '黄' ? '蓝' : '黄',
          from: '2026-12-01',
          to: '2026-12-01',
        })
      ).total,
    ).toBe(0)
  })

  test('reset allowed on a reading that shows the load did not happen: audited, 未圈存, loaded again the same day, once', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip({ balance: 12_345, onlineSerial: 41 })
    // MAC2 issued, then the handset lost the card before the credit: 已圈存 without proof
    const { loadId } = await w.initialized(card)
    const before = await w.records(w.desk)
    expect(before.items[0]).toMatchObject({
      state: 'loaded',
      proven: false,
      canReset: true,
      canReload: false,
      balanceBefore: 12_345,
      balanceAfter: 32_345,
    })
    expectError(
      await w.call('outlet.load.start', { key: key(), recordId: loadId }, w.desk),
      'LOAD_WRONG_STATE',
    )

    const fresh = await w.reading(card, loadId)
    const reset = await w.ok('outlet.records.reset', { recordId: loadId, response: fresh }, w.desk)
    expect(reset.reading).toEqual({ balance: 12_345, onlineSerial: 41 })
    expect(reset.confirm).toEqual({
      balance: 12_345,
      amount: 20_000,
      message: '卡内余额 123.45 元，圈存金额 200.00 元，是否圈存？',
    })
    expect(reset.record).toMatchObject({
      balanceAfter: null,
      state: 'not_loaded',
      canReset: false,
      canReload: true,
      loadState: 'not_loaded',
    })
    expect(card.state).toMatchObject({ balance: 12_345, onlineSerial: 41 })
    expect(await w.unloaded()).toBe(20_000)

    const audits = await w.audits()
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({
      accountId: ZHANG,
      operatorId: expect.stringContaining('outlet-demo'),
      changed: true,
      target: { collection: collections.loads, id: loadId },
      before: { state: '已圈存', loadState: 'initialized', balanceBefore: 12_345 },
      after: {
        state: '未圈存',
        loadState: 'not_loaded',
        outcome: 'reset',
        readingBalance: 12_345,
        readingOnlineSerial: 41,
        outletId: demoOutletOperator.outletId,
      },
      at: w.clock.now().toISOString(),
    })
    const lock = await w.store.get<CardLoadStateDoc & Doc>(collections.cardLoadStates, w.stored.card.id)
    expect(lock?.activeLoadId).toBeNull()

    // 圈存 of the record: the same amount, through the saga, the card written once
    const detail = await w.ok('outlet.records.detail', { recordId: loadId }, w.desk)
    expect(detail.confirm?.message).toBe('卡内余额 123.45 元，圈存金额 200.00 元，是否圈存？')
    const again = await w.ok('outlet.load.start', { key: key(), recordId: loadId }, w.desk)
    expect(again.load.amount).toBe(20_000)
    expect(again.confirm).toMatchObject({ balance: 12_345, amount: 20_000 })
    connect(card)
    const init = await w.ok(
      'outlet.load.init',
      { loadId: again.load.loadId, response: sendOk(card, again.initApdu) },
      w.desk,
    )
    const tac = sendOk(card, init.creditApdu)
    await w.ok('outlet.load.confirm', { loadId: again.load.loadId, source: 'credit', response: tac }, w.desk)
    expect(card.state).toMatchObject({ balance: 32_345, onlineSerial: 42 })
    expect(await w.unloaded()).toBe(0)
    expect(await w.loaded()).toBe(20_000)
    expect((await w.loadDoc(loadId)).reloadedBy).toBe(again.load.loadId)
    expect((await w.loadDoc(again.load.loadId)).reloadOf).toBe(loadId)

    const list = await w.records(w.desk)
    expect(list.items.map((r) => [r.recordId, r.state, r.canReload])).toEqual(
      expect.arrayContaining([
        [loadId, 'not_loaded', false],
        [again.load.loadId, 'loaded', false],
      ]),
    )
    expectError(
      await w.call('outlet.load.start', { key: key(), recordId: loadId }, w.desk),
      'LOAD_WRONG_STATE',
    )
    await expectSoundLedger(w)
  })

  test('reset refused when the card shows the load happened (the credit’s reply was lost): audited, nothing moved', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip({ balance: 100, onlineSerial: 7 })
    const { loadId, creditApdu } = await w.initialized(card)
    card.loseNextReply(0x52)
    expect(send(card, creditApdu)).toBe('lost')
    expect(card.state.balance).toBe(20_100)

    const fresh = await w.reading(card, loadId)
    const refused = await w.call('outlet.records.reset', { recordId: loadId, response: fresh }, w.desk)
    expectError(refused, 'OUTLET_RESET_REFUSED')
    expect(refused.ok || refused.error.message).toContain('201.00')
    const doc = await w.loadDoc(loadId)
    expect(doc).toMatchObject({ state: 'initialized', recovery: { verdict: 'happened' } })
    expect((await w.records(w.desk)).items[0]).toMatchObject({ state: 'loaded', recordId: loadId })
    expect(await w.unloaded()).toBe(20_000)
    expect(await w.loaded()).toBe(0)
    const audits = await w.audits()
    expect(audits).toHaveLength(1)
    expect(audits[0]).toMatchObject({
      changed: false,
      before: { state: '已圈存' },
      after: { state: '已圈存', outcome: 'happened', readingBalance: 20_100, readingOnlineSerial: 8 },
    })
    // nothing to load again: the record stays 已圈存 and the card keeps its one credit
    expectError(
      await w.call('outlet.load.start', { key: key(), recordId: loadId }, w.desk),
      'LOAD_WRONG_STATE',
    )
    await expectSoundLedger(w)
  })

  test('reset refused on a replayed init or a forged one', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip({ balance: 5_000, onlineSerial: 3 })
    const { loadId, initReply } = await w.initialized(card)

    // the init response the server already took: its random was seen for this card
    expectError(
      await w.call('outlet.records.reset', { recordId: loadId, response: initReply }, w.desk),
      'LOAD_INIT_REPLAYED',
    )
    // a reply altered to show another balance fails MAC1
    const fresh = await w.reading(card, loadId)
    // bytes 0–3 of the reply are the balance
    const forged = `${(4_000).toString(16).padStart(8, '0').toUpperCase()}${fresh.slice(8)}`
    expectError(
      await w.call('outlet.records.reset', { recordId: loadId, response: forged }, w.desk),
      'LOAD_MAC1_INVALID',
    )
    expect((await w.loadDoc(loadId)).state).toBe('initialized')
    expect(await w.audits()).toEqual([])

    // the genuine fresh reading works once; sending it again finds the record 未圈存 already
    await w.ok('outlet.records.reset', { recordId: loadId, response: fresh }, w.desk)
    expectError(
      await w.call('outlet.records.reset', { recordId: loadId, response: fresh }, w.desk),
      'OUTLET_RECORD_NOT_LOADED',
    )
    expect(await w.audits()).toHaveLength(1)
  })

  test('reset refused when the card shows anything else (it spent offline meanwhile): left uncertain for reconciliation', async () => {
    const w = await makeWorld(adapter)
    const { loadId } = await w.initialized(w.chip({ balance: 5_000, onlineSerial: 3 }))
    // the same card after an offline purchase of 10.00: same online serial, lower balance
    const spent = w.chip({ balance: 4_000, onlineSerial: 3 })
    const refused = await w.call(
      'outlet.records.reset',
      { recordId: loadId, response: await w.reading(spent, loadId) },
      w.desk,
    )
    expectError(refused, 'OUTLET_RESET_REFUSED')
    expect(await w.loadDoc(loadId)).toMatchObject({ state: 'uncertain', recovery: { verdict: 'uncertain' } })
    expect((await w.records(w.desk)).items[0]).toMatchObject({
      state: 'loaded',
      canReset: true,
      canReload: false,
    })
    expect((await w.audits())[0]).toMatchObject({
      changed: false,
      after: { outcome: 'uncertain', readingBalance: 4_000 },
    })
    expect(await w.unloaded()).toBe(20_000)
    // the card stays held: nothing is loaded twice while it is reconciled
    expectError(
      await w.call('outlet.load.start', { key: key(), cardNo: w.stored.card.cardNo }, w.desk),
      'LOAD_CARD_BUSY',
    )
  })

  test('two handsets resetting the same record at once: one reset, one refused, one audit of a change', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip()
    const { loadId } = await w.initialized(card)
    // two fresh readings of the card (each init gives a new random)
    const first = await w.reading(card, loadId)
    const second = await w.reading(card, loadId)
    expect(first.slice(16, 24)).not.toBe(second.slice(16, 24))
    const results = await Promise.all([
      w.call('outlet.records.reset', { recordId: loadId, response: first }, w.desk),
      w.call('outlet.records.reset', { recordId: loadId, response: second }, w.desk),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    const refused = results.find((r) => !r.ok)
    if (!refused || refused.ok) throw new Error('expected one refusal')
    // refused on the transaction's re-read (WRONG_STATE) or, when it ran second, before reading
    expect(['LOAD_WRONG_STATE', 'OUTLET_RECORD_NOT_LOADED']).toContain(refused.error.code)
    expect((await w.audits()).filter((a) => a.changed)).toHaveLength(1)
    expect((await w.loadDoc(loadId)).state).toBe('not_loaded')
  })

  test('a 未圈存 record is loaded again only the same Shanghai day', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip()
    const { loadId } = await w.initialized(card)
    await w.ok('outlet.records.reset', { recordId: loadId, response: await w.reading(card, loadId) }, w.desk)
    w.clock.advance(14 * 3600) // 00:00 the next day in Shanghai
    w.desk = await w.login(demoOutletOperator.loginName, demoOutletOperator.password)
    expect((await w.ok('outlet.records.detail', { recordId: loadId }, w.desk)).canReload).toBe(false)
    expectError(
      await w.call('outlet.load.start', { key: key(), recordId: loadId }, w.desk),
      'OUTLET_RELOAD_EXPIRED',
    )
    // the money is not lost: still the card's unloaded funds
    expect(await w.unloaded()).toBe(20_000)
  })

  test('amount bound: at most 100,000.00 yuan, at least 0.01, and never more than the card’s unloaded funds', async () => {
    const w = await makeWorld(adapter)
    const start = (amount: number) =>
      w.call('outlet.load.start', { key: key(), cardNo: w.stored.card.cardNo, amount }, w.desk)
    const over = await start(10_000_001)
    expectError(over, 'INVALID_INPUT')
    expect(over.ok || over.error.message).toContain('100,000.00')
    expectError(await start(0), 'INVALID_INPUT')
    expectError(await start(10.5), 'INVALID_INPUT')
    expectError(await start(10_000_000), 'LOAD_AMOUNT_EXCEEDS')
    expectError(
      await w.call('outlet.load.start', { key: key(), cardNo: w.stored.card.cardNo, recordId: 'x' }, w.desk),
      'INVALID_INPUT',
    )
    expectError(
      await w.call('outlet.load.start', { key: key(), cardNo: '1'.repeat(20) }, w.desk),
      'NOT_FOUND',
    )
    expect(await readAll(w.store, collections.loads)).toEqual([])
  })
})
