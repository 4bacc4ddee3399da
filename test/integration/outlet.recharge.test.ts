/**
 * 在线支付 by code at an outlet (seed 002) on both Store adapters: the operator reads the card and
 * enters the amount, the customer's phone opens the code's page and pays through the ordinary
 * recharge flow (WeChat Pay through the real wx-server-sdk against the emulator's merchant), then
 * the operator writes the card through the load saga; a failed write leaves a 未圈存 record.
 */
import {
  parseWechatPayNotification,
  wechatPayCallbackSource,
} from '../../cloudfunctions/adapters/wechatPay/notification'
import { WechatPayGateway } from '../../cloudfunctions/adapters/wechatPay/wechatPayGateway'
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type VehicleDoc } from '../../cloudfunctions/core/documents'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import { verifyLedger } from '../../cloudfunctions/core/ledger/verify'
import { acceptPaymentNotification } from '../../cloudfunctions/core/money/notifications'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc } from '../../cloudfunctions/ports/store'
import { openEmulatedCloudPay, type CloudPayEmulator } from '../../tools/cloudbase-emulator/cloudPay'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { personalize } from '../../tools/virtual-card/personalize'
import { VirtualCard } from '../../tools/virtual-card/card'
import { demoOutletOperator } from '../../tools/demo/seedOperators'
import {
  cardOf,
  connect,
  expectError,
  hex,
  loadStart,
  masterKeys,
  OUYANG,
  send,
  sendOk,
  ZHANG,
} from './loadPhone'
import {
  adapters,
  apiCalls,
  readAll,
  seedDemoPerSuite,
  TestClock,
  wechatCallers,
  type Adapter,
} from './seededDemo'

const demo = seedDemoPerSuite('outlet-recharge', loadStart)
const master = masterKeys()
const CAPTCHA = 'Pq7R'

let keys = 0
const key = () => `orc-key-${String(++keys).padStart(6, '0')}`

const worlds: Array<{ close(): void }> = []
afterEach(() => {
  while (worlds.length) worlds.pop()?.close()
})

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(loadStart.getTime())
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
    captcha: { create: () => ({ text: CAPTCHA, svg: '<svg/>' }) },
    loadKeys: SoftwareKeyService.fromMasterKeys(master),
    payments: { gateways: { wechat: gateway } },
  })
  const http = (token: string | null = null): Caller => ({ platform: 'http', token, ip: '10.0.0.7' })
  const { call, ok } = apiCalls(api, http)
  const { captchaId } = await ok('auth.captcha', {}, http())
  const session = await ok(
    'operator.login',
    {
      loginName: demoOutletOperator.loginName,
      password: demoOutletOperator.password,
      captchaId,
      captchaText: CAPTCHA,
    },
    http(),
  )
  const desk = http(session.token)
  const as = wechatCallers(store, clock, 'outlet-recharge')
  const stored = await cardOf(store, ZHANG, 'stored')
  const vehicle = await store.get<VehicleDoc & Doc>(collections.vehicles, stored.card.vehicleId)
  const chip = () =>
    new VirtualCard(
      personalize({
        cardNo: stored.card.cardNo,
        type: 'stored',
        balance: 1_000,
        onlineSerial: 9,
        algorithm: '3des',
        plate: stored.plate,
        plateColor: 0,
        masterKeys: { mlk: hex(master.dlk), mtk: hex(master.dtk) },
      }),
    )
  const merchant = pay.merchant as CloudPayEmulator
  const paid = async (orderNo: string) => {
    merchant.pay(orderNo)
    const outcome = await acceptPaymentNotification(
      store,
      gateway,
      parseWechatPayNotification(merchant.callbackEvent(orderNo), wechatPayCallbackSource),
      clock.now(),
      { confirmWithQuery: true },
    )
    expect(outcome.outcome).toBe('credited')
  }
  const unloaded = () => balanceOf(store, { kind: 'cardUnloaded', cardId: stored.card.id })
  return { store, clock, call, ok, desk, as, stored, plateColor: vehicle?.plateColor, chip, paid, unloaded }
}

describe.each(adapters)('outlet recharge by code on %s', (adapter) => {
  test('code → the customer pays this card through the recharge flow → the operator writes the card', async () => {
    const w = await makeWorld(adapter)
    const intent = await w.ok(
      'outlet.recharge.create',
      { key: key(), cardNo: w.stored.card.cardNo, amount: 50_000 },
      w.desk,
    )
    expect(intent).toMatchObject({ amount: 50_000, status: 'awaiting', orderNo: null, plate: w.stored.plate })
    expect(intent.path).toBe(`/packages/outlet/pages/pay/index?intent=${intent.intentId}`)
    expect(intent.cardNo).toMatch(/^\d{4}\*{5}\d{4}$/)

    // another account's phone cannot pay this card's code; the card's own account sees what to pay
    const ouyang = await w.as(OUYANG)
    expectError(await w.call('outlet.recharge.intent', { intentId: intent.intentId }, ouyang), 'FORBIDDEN')
    const zhang = await w.as(ZHANG)
    const page = await w.ok('outlet.recharge.intent', { intentId: intent.intentId }, zhang)
    expect(page).toMatchObject({ cardId: w.stored.card.id, amount: 50_000, status: 'awaiting' })

    const before = await w.unloaded()
    const order = await w.ok(
      'recharge.create',
      {
        key: page.intentId,
        target: { kind: 'card', cardId: page.cardId },
        amount: page.amount,
        channel: 'wechat',
      },
      zhang,
    )
    expect((await w.ok('outlet.recharge.status', { intentId: intent.intentId }, w.desk)).status).toBe(
      'paying',
    )
    await w.paid(order.order.orderNo)
    const status = await w.ok('outlet.recharge.status', { intentId: intent.intentId }, w.desk)
    expect(status).toMatchObject({ status: 'paid', orderNo: order.order.orderNo })
    expect(await w.unloaded()).toBe(before + 50_000)

    // write the card: the paid amount, through the saga
    const card = w.chip()
    const started = await w.ok(
      'outlet.load.start',
      { key: key(), cardNo: w.stored.card.cardNo, amount: 50_000 },
      w.desk,
    )
    connect(card)
    const init = await w.ok(
      'outlet.load.init',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.desk,
    )
    await w.ok(
      'outlet.load.confirm',
      { loadId: started.load.loadId, source: 'credit', response: sendOk(card, init.creditApdu) },
      w.desk,
    )
    expect(card.state.balance).toBe(51_000)
    expect(await w.unloaded()).toBe(before)
    const report = await verifyLedger(w.store)
    expect(report.mismatches).toEqual([])
  })

  test('a write that fails before the credit leaves a 未圈存 record, loaded the same day', async () => {
    const w = await makeWorld(adapter)
    const card = w.chip()
    const started = await w.ok(
      'outlet.load.start',
      { key: key(), cardNo: w.stored.card.cardNo, amount: 8_000 },
      w.desk,
    )
    connect(card)
    await w.ok(
      'outlet.load.init',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.desk,
    )
    // the card was pulled before the credit: recovery reads it and closes the load as not loaded
    connect(card)
    const recovered = await w.ok(
      'outlet.load.recover',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.desk,
    )
    expect(recovered.outcome).toBe('not_loaded')
    const list = await w.ok(
      'outlet.records.list',
      { plate: w.stored.plate, plateColor: w.plateColor },
      w.desk,
    )
    expect(list.items[0]).toMatchObject({
      recordId: started.load.loadId,
      state: 'not_loaded',
      canReload: true,
      amount: 8_000,
    })
    const again = await w.ok('outlet.load.start', { key: key(), recordId: started.load.loadId }, w.desk)
    connect(card)
    const init = await w.ok(
      'outlet.load.init',
      { loadId: again.load.loadId, response: sendOk(card, again.initApdu) },
      w.desk,
    )
    expect(send(card, init.creditApdu)).toMatch(/9000$/)
    expect(card.state.balance).toBe(9_000)
  })

  test('refusals: over 100,000.00 yuan, a credit card, a key reused for another amount, a driver on the operator side', async () => {
    const w = await makeWorld(adapter)
    const over = await w.call(
      'outlet.recharge.create',
      { key: key(), cardNo: w.stored.card.cardNo, amount: 10_000_001 },
      w.desk,
    )
    expectError(over, 'INVALID_INPUT')
    expect(over.ok || over.error.message).toBe('单笔充值金额最多100,000.00元')
    const max = await w.ok(
      'outlet.recharge.create',
      { key: 'orc-max-0001', cardNo: w.stored.card.cardNo, amount: 10_000_000 },
      w.desk,
    )
    expect(max.amount).toBe(10_000_000)
    expect(
      (
        await w.ok(
          'outlet.recharge.create',
          { key: 'orc-max-0001', cardNo: w.stored.card.cardNo, amount: 10_000_000 },
          w.desk,
        )
      ).intentId,
    ).toBe(max.intentId)
    expectError(
      await w.call(
        'outlet.recharge.create',
        { key: 'orc-max-0001', cardNo: w.stored.card.cardNo, amount: 100 },
        w.desk,
      ),
      'REQUEST_KEY_REUSED',
    )
    const credit = await cardOf(w.store, ZHANG, 'credit')
    expectError(
      await w.call('outlet.recharge.create', { key: key(), cardNo: credit.card.cardNo, amount: 100 }, w.desk),
      'CARD_CANNOT_RECEIVE',
    )
    expect(await readAll(w.store, collections.outletRecharges)).toHaveLength(1)
    // a driver is not an operator: a WeChat driver has no operator session at all
    expectError(
      await w.call('outlet.recharge.status', { intentId: max.intentId }, await w.as(ZHANG)),
      'UNAUTHENTICATED',
    )
  })
})
