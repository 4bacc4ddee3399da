/**
 * The scheduler's money work on both Store adapters and with both providers through their REAL
 * SDKs: WeChat Pay through wx-server-sdk's cloudPay against the CloudBase emulator's merchant, and
 * Alipay through alipay-sdk against the local OpenAPI sandbox (RSA2 both ways, the bill as a zip of
 * GBK CSVs). Expired orders close at both ends; a payment whose notification never came is credited
 * from the daily statement; a payment no order can take is refunded exactly once, across failures
 * and repeated runs; a payment after close ends refunded; the daily report adds up; a rerun changes
 * nothing but the report's time. Every assertion is on balances, documents and the provider's state.
 */
import { AlipayPaymentGateway } from '../../cloudfunctions/adapters/alipay/alipayPay'
import { WechatPayGateway } from '../../cloudfunctions/adapters/wechatPay/wechatPayGateway'
import { collections } from '../../cloudfunctions/core/documents'
import { balanceOf, type LedgerAccount } from '../../cloudfunctions/core/ledger'
import { verifyLedger } from '../../cloudfunctions/core/ledger/verify'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { rechargeOrderNo } from '../../cloudfunctions/core/money/orderNumbers'
import { reconcileDay } from '../../cloudfunctions/core/money/reconcile'
import type {
  OrphanPaymentDoc,
  ReconciliationReportDoc,
} from '../../cloudfunctions/core/money/reconciliationDocuments'
import { openRechargeOrder, syncRechargeOrder } from '../../cloudfunctions/core/money/recharge'
import { createScheduler } from '../../cloudfunctions/functions/scheduler/handler'
import type { PaymentGateway } from '../../cloudfunctions/ports/payments'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { openEmulatedCloudPay } from '../../tools/cloudbase-emulator/cloudPay'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { AlipaySandbox } from '../../tools/sandbox-alipay/sandbox'
import { fen } from '../../types/money'
import type { PaymentChannel } from '../../types/moneyRules'
import { adapters, readAll, seedDemoPerSuite, TestClock, type Adapter } from './seededDemo'

type Stored<T> = T & { [key: string]: unknown }

const start = new Date('2026-11-30T02:00:00Z') // 10:00 in Beijing
const day = '2026-11-30'
const demo = seedDemoPerSuite('reconcile', start)
/** A fleet with many stored-value cars: an account recharge stays in the account (可用 12,880.00). */
const UNIT = 'acc-u-shunda'
const unitFunds: LedgerAccount = { kind: 'userFunds', accountId: UNIT }
const unitOpening = 1_288_000

const closers: Array<() => unknown> = []
afterEach(async () => {
  while (closers.length) await closers.pop()?.()
})

const beijing = (wallClock: string) => new Date(`${wallClock}+08:00`)

async function makeWorld(adapter: Adapter, channel: PaymentChannel) {
  const store = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const pay = openEmulatedCloudPay({ now: () => clock.now() })
  const sandbox = await AlipaySandbox.start({ now: () => clock.now() })
  closers.push(
    () => store.close(),
    () => unregisterEmulator(pay.emulator as CloudbaseEmulator),
    () => sandbox.stop(),
  )
  const gateways: Record<PaymentChannel, PaymentGateway> = {
    wechat: new WechatPayGateway(pay.cloudPay, {
      subMchId: pay.merchant.subMchId,
      envId: pay.emulator.envId,
    }),
    alipay: new AlipayPaymentGateway({
      ...sandbox.config(),
      notifyUrl: 'https://env-test.service.tcloudbase.com/alipayNotify',
    }),
  }
  const gateway = gateways[channel]
  const scheduler = createScheduler({ store, clock, gateways })
  const payerId = channel === 'wechat' ? 'o-reconcile-payer' : '2088102150477652'
  let serial = 0
  const nextOrderNo = (orphan = false) => {
    serial += 1
    return rechargeOrderNo(clock.now(), String((orphan ? 900_000_000 : 100_000_000) + serial))
  }

  const moveTo = (at: Date) => clock.advance((at.getTime() - clock.now().getTime()) / 1000)

  /** An account recharge order of the fleet, opened the way recharge.create opens it. */
  const open = async (amount: number) => {
    const order = await openRechargeOrder(
      store,
      gateway,
      {
        accountId: UNIT,
        key: `key-${String(serial + 1).padStart(8, '0')}`,
        target: { kind: 'account' },
        amount: fen(amount),
        channel,
        payerId,
        source: channel,
      },
      clock.now(),
      nextOrderNo(),
    )
    return order.id
  }
  /** The payer pays in the provider's cashier; no notification reaches us. */
  const payAtProvider = (orderNo: string) => {
    if (channel === 'wechat') pay.merchant.pay(orderNo)
    else sandbox.pay(orderNo)
  }
  /** A payment at the provider under an order number we never made. */
  const orphanPayment = async (amount: number) => {
    const orderNo = nextOrderNo(true)
    await gateway.create({
      orderNo,
      amount: fen(amount),
      description: '浙江ETC储值卡充值',
      payerId,
      expiresAt: new Date(clock.now().getTime() + 15 * 60_000),
    })
    payAtProvider(orderNo)
    return orderNo
  }
  /** What the provider holds: the trade's state and its refunds. */
  const atProvider = (orderNo: string) => {
    if (channel === 'wechat') {
      const order = pay.merchant.order(orderNo)
      return {
        state: order?.state === 'CLOSED' ? 'closed' : order?.state === 'NOTPAY' ? 'unpaid' : 'paid',
        tradeNo: order?.transactionId ?? null,
        refunds: (order?.refunds ?? []).map((r) => ({ refundNo: r.refundNo, amount: r.amount })),
      }
    }
    const trade = sandbox.trade(orderNo)
    return {
      state: trade?.paidAt ? 'paid' : trade?.status === 'TRADE_CLOSED' ? 'closed' : 'unpaid',
      tradeNo: trade?.tradeNo ?? null,
      refunds: (trade?.refunds ?? []).map((r) => ({ refundNo: r.refundNo, amount: r.amount })),
    }
  }
  /** The provider's next refund call fails as if it were down. */
  const failNextRefund = () => {
    if (channel === 'wechat') pay.merchant.failNext('refund', { kind: 'network' })
    else sandbox.failNext('alipay.trade.refund', unavailableAnswer)
  }
  const failNextQuery = () => {
    if (channel === 'wechat') pay.merchant.failNext('queryOrder', { kind: 'network' })
    else sandbox.failNext('alipay.trade.query', unavailableAnswer)
  }
  /** The day's statement is not published yet. */
  const statementNotReady = () => {
    if (channel === 'wechat')
      pay.merchant.failNext('downloadBill', { kind: 'return', message: 'Bill Creating' })
    else
      sandbox.failNext('alipay.data.dataservice.bill.downloadurl.query', {
        kind: 'answer',
        code: '40004',
        msg: 'Business Failed',
        sub_code: 'isp.bill_not_exist',
        sub_msg: '账单不存在',
      })
  }
  const order = async (orderNo: string) =>
    (await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, orderNo))!
  const report = (d = day) =>
    store.get<Stored<ReconciliationReportDoc>>(collections.reconciliationReports, `${channel}:${d}`)
  const balance = (account: LedgerAccount) => balanceOf(store, account)
  const run = async (at: Date) => {
    moveTo(at)
    const result = await scheduler.run(clock.now())
    for (const job of result.jobs) expect(job).toMatchObject({ outcome: 'done' })
    return result
  }
  return {
    store,
    clock,
    gateway,
    open,
    payAtProvider,
    orphanPayment,
    atProvider,
    failNextRefund,
    failNextQuery,
    statementNotReady,
    order,
    report,
    balance,
    run,
    moveTo,
  }
}

const unavailableAnswer = {
  kind: 'answer',
  code: '20000',
  msg: 'Service Currently Unavailable',
  sub_code: 'isp.unknow-error',
  sub_msg: '系统繁忙，请稍后再试',
} as const

async function expectSoundLedger(store: Store) {
  const report = await verifyLedger(store)
  expect(report.mismatches).toEqual([])
  expect(report.malformed).toEqual([])
  expect(report.negative).toEqual([])
  expect(report.totalDebits).toBe(report.totalCredits)
}

const moneyCollections = [
  collections.rechargeOrders,
  collections.ledgerTransfers,
  collections.ledgerBalances,
  collections.orphanPayments,
  collections.paymentNotices,
  collections.allocationRecords,
  collections.reconciliationReports,
]
async function moneySnapshot(store: Store): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {}
  for (const name of moneyCollections) {
    const docs = await readAll(store, name)
    out[name] = docs
      .map((doc) => (name === collections.reconciliationReports ? { ...doc, generatedAt: '(time)' } : doc))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)))
  }
  return out
}

const channels: PaymentChannel[] = ['wechat', 'alipay']

describe.each(adapters)('reconciliation on %s', (adapter) => {
  describe.each(channels)('with %s', (channel) => {
    test('expired unpaid orders close at both ends; a second run finds nothing to do', async () => {
      const w = await makeWorld(adapter, channel)
      const orders = [await w.open(100), await w.open(200), await w.open(300)]
      const fresh = await (async () => {
        w.moveTo(beijing('2026-11-30T10:10:00'))
        return w.open(400)
      })()
      const first = await w.run(beijing('2026-11-30T10:16:00'))
      expect(first.jobs[0]).toMatchObject({
        name: 'closeExpiredOrders',
        summary: { closed: 3, credited: 0, more: false },
      })
      for (const orderNo of orders) {
        expect(await w.order(orderNo)).toMatchObject({ status: 'closed' })
        expect(w.atProvider(orderNo).state).toBe('closed')
      }
      // not expired yet: untouched, and still payable
      expect(await w.order(fresh)).toMatchObject({ status: 'pending' })
      expect(w.atProvider(fresh).state).toBe('unpaid')
      const second = await w.run(beijing('2026-11-30T10:17:00'))
      expect(second.jobs[0]).toMatchObject({ summary: { closed: 0, credited: 0 } })
      expect(await w.balance(unitFunds)).toBe(unitOpening)
      await expectSoundLedger(w.store)
    })

    test('a paid order whose notification never came is credited by the statement, once it is published', async () => {
      const w = await makeWorld(adapter, channel)
      const paid = await w.open(5000)
      const unpaid = await w.open(700)
      w.payAtProvider(paid)

      // next morning: the provider's query fails for the paid order and its bill is not out yet
      w.failNextQuery()
      w.statementNotReady()
      const early = await w.run(beijing('2026-12-01T10:30:00'))
      expect(early.jobs[1]).toMatchObject({
        name: 'reconcileStatements',
        summary: {
          days: expect.arrayContaining([expect.objectContaining({ state: 'statement_unavailable' })]),
        },
      })
      expect(await w.order(unpaid)).toMatchObject({ status: 'closed' })
      expect(await w.order(paid)).toMatchObject({ status: 'pending' })
      expect(await w.report()).toBeNull()

      // half an hour later the bill is there; the query fails again, so only the bill can credit it
      w.failNextQuery()
      await w.run(beijing('2026-12-01T11:00:00'))
      const credited = await w.order(paid)
      expect(credited).toMatchObject({ status: 'paid', creditedTo: { kind: 'account' } })
      expect(credited.providerTradeNo).toBe(w.atProvider(paid).tradeNo)
      expect(await w.balance(unitFunds)).toBe(unitOpening + 5000)
      expect(await w.report()).toMatchObject({
        state: 'complete',
        payments: { count: 1, total: 5000 },
        matchedPayments: 1,
        credited: [{ orderNo: paid, accountId: UNIT, amount: 5000 }],
        orphans: [],
        discrepancies: [],
        totals: { credited: 5000, orphans: 0, lateRefunds: 0 },
      })
      // the days before were reconciled too (nothing happened on them)
      expect(await w.report('2026-11-29')).toMatchObject({
        state: 'complete',
        payments: { count: 0, total: 0 },
      })

      // later runs neither credit again nor redo the day
      const before = await moneySnapshot(w.store)
      await w.run(beijing('2026-12-01T11:30:00'))
      expect(await moneySnapshot(w.store)).toEqual(before)
      expect(await w.balance(unitFunds)).toBe(unitOpening + 5000)
      await expectSoundLedger(w.store)
    })

    test('an orphan payment is refunded exactly once, though the refund call fails and the scheduler runs again', async () => {
      const w = await makeWorld(adapter, channel)
      w.moveTo(beijing('2026-11-30T10:05:00'))
      const stranger = await w.orphanPayment(777)
      const tradeNo = w.atProvider(stranger).tradeNo!
      const refundsPayable: LedgerAccount = { kind: 'refundsPayable', provider: channel }

      w.failNextRefund()
      const first = await w.run(beijing('2026-12-01T10:30:00'))
      expect(first.jobs[2]).toMatchObject({
        name: 'payDueRefunds',
        summary: {
          providers: expect.arrayContaining([expect.objectContaining({ provider: channel, refunded: 0 })]),
        },
      })
      expect(w.atProvider(stranger).refunds).toEqual([])
      const orphan = await w.store.get<Stored<OrphanPaymentDoc>>(
        collections.orphanPayments,
        `${channel}:${tradeNo}`,
      )
      expect(orphan).toMatchObject({
        orderNo: stranger,
        amount: 777,
        reason: 'UNKNOWN_ORDER',
        refundNo: `X${tradeNo}`,
        status: 'refunding',
      })
      expect(await w.balance(refundsPayable)).toBe(777)
      expect(await w.report()).toMatchObject({
        payments: { count: 1, total: 777 },
        orphans: [{ orderNo: stranger, providerTradeNo: tradeNo, amount: 777, refundNo: `X${tradeNo}` }],
        totals: { orphans: 777, credited: 0 },
      })

      await w.run(beijing('2026-12-01T10:35:00'))
      await w.run(beijing('2026-12-01T10:40:00'))
      expect(w.atProvider(stranger).refunds).toEqual([{ refundNo: `X${tradeNo}`, amount: 777 }])
      if (channel === 'alipay') {
        // Alipay's answer says the money went back: settled at once
        expect(await w.balance(refundsPayable)).toBe(0)
      } else {
        // WeChat Pay only accepted it: owed until its next bill shows the refund
        expect(await w.balance(refundsPayable)).toBe(777)
        expect(
          await w.store.get<Stored<OrphanPaymentDoc>>(collections.orphanPayments, `${channel}:${tradeNo}`),
        ).toMatchObject({ status: 'refunding', refundRequestedAt: expect.any(String) })
      }

      await w.run(beijing('2026-12-02T10:30:00'))
      await w.run(beijing('2026-12-02T10:35:00'))
      expect(w.atProvider(stranger).refunds).toHaveLength(1)
      expect(
        await w.store.get<Stored<OrphanPaymentDoc>>(collections.orphanPayments, `${channel}:${tradeNo}`),
      ).toMatchObject({ status: 'refunded', refundedAt: expect.any(String) })
      expect(await w.balance(refundsPayable)).toBe(0)
      expect(await w.balance({ kind: 'clearing', provider: channel })).toBe(0)
      expect(await w.report('2026-12-01')).toMatchObject({
        refunds: { count: 1, total: 777 },
        matchedRefunds: 1,
        discrepancies: [],
      })
      expect(await w.balance(unitFunds)).toBe(unitOpening)
      await expectSoundLedger(w.store)
    })

    test('a payment that lands after its order was closed ends refunded, refunds payable back to 0', async () => {
      const w = await makeWorld(adapter, channel)
      const late = await w.open(800)
      w.payAtProvider(late)
      // the race a close cannot rule out: we closed the order as the payment went through
      await w.store.update(collections.rechargeOrders, late, {
        status: 'closed',
        closedAt: w.clock.now().toISOString(),
      } satisfies Partial<RechargeOrderDoc>)
      const refundsPayable: LedgerAccount = { kind: 'refundsPayable', provider: channel }

      await w.run(beijing('2026-12-01T10:30:00'))
      const refundNo = `F${late.slice(1)}`
      expect(await w.report()).toMatchObject({
        payments: { count: 1, total: 800 },
        matchedPayments: 0,
        lateRefunds: [{ orderNo: late, amount: 800, refundNo }],
        credited: [],
        totals: { lateRefunds: 800 },
      })
      expect(w.atProvider(late).refunds).toEqual([{ refundNo, amount: 800 }])
      expect((await w.order(late)).status).toBe(channel === 'alipay' ? 'refunded' : 'refunding')

      await w.run(beijing('2026-12-02T10:30:00'))
      expect(await w.order(late)).toMatchObject({ status: 'refunded', refundNo })
      expect(w.atProvider(late).refunds).toHaveLength(1)
      expect(await w.balance(refundsPayable)).toBe(0)
      expect(await w.balance({ kind: 'clearing', provider: channel })).toBe(0)
      expect(await w.balance(unitFunds)).toBe(unitOpening)
      await expectSoundLedger(w.store)
    })

    test('the report adds up; reconciling the day again changes no balance and no document', async () => {
      const w = await makeWorld(adapter, channel)
      const notified = await w.open(2000)
      const missed = await w.open(3000)
      const late = await w.open(800)
      const unpaid = await w.open(100)
      for (const orderNo of [notified, missed, late]) w.payAtProvider(orderNo)
      // the result page's poll credits the first; the third was closed as it was paid
      expect(await syncRechargeOrder(w.store, w.gateway, notified, w.clock.now())).toMatchObject({
        status: 'paid',
      })
      await w.store.update(collections.rechargeOrders, late, { status: 'closed' })
      const stranger = await w.orphanPayment(450)

      w.moveTo(beijing('2026-12-01T10:30:00'))
      const result = await reconcileDay(w.store, w.gateway, day, w.clock.now())
      expect(result.state).toBe('complete')
      const report = await w.report()
      expect(report).toMatchObject({
        provider: channel,
        day,
        merchantId: w.gateway.merchantId,
        state: 'complete',
        payments: { count: 4, total: 2000 + 3000 + 800 + 450 },
        refunds: { count: 0, total: 0 },
        matchedPayments: 2,
        matchedRefunds: 0,
        credited: [{ orderNo: missed, amount: 3000 }],
        lateRefunds: [{ orderNo: late, amount: 800 }],
        orphans: [{ orderNo: stranger, amount: 450, reason: 'UNKNOWN_ORDER' }],
        discrepancies: [],
        totals: { credited: 3000, lateRefunds: 800, orphans: 450 },
        generatedAt: w.clock.now().toISOString(),
      })
      expect(await w.order(unpaid)).toMatchObject({ status: 'pending' })
      expect(await w.balance(unitFunds)).toBe(unitOpening + 2000 + 3000)
      expect(await w.balance({ kind: 'refundsPayable', provider: channel })).toBe(800 + 450)
      expect(await w.balance({ kind: 'clearing', provider: channel })).toBe(2000 + 3000 + 800 + 450)
      await expectSoundLedger(w.store)

      const before = await moneySnapshot(w.store)
      w.moveTo(beijing('2026-12-01T12:00:00'))
      await reconcileDay(w.store, w.gateway, day, w.clock.now())
      expect(await moneySnapshot(w.store)).toEqual(before)
      expect(await w.report()).toMatchObject({ ...report, generatedAt: w.clock.now().toISOString() })
      expect(await w.balance(unitFunds)).toBe(unitOpening + 5000)
      await expectSoundLedger(w.store)
    })
  })
})
