import fc from 'fast-check'
import { fen } from '../../../types/money'
import type { StatementLine } from '../../ports/payments'
import { collections } from '../documents'
import { balanceOf } from '../ledger'
import { MemoryStore } from '../ledger/memoryStore.testing'
import { verifyLedger } from '../ledger/verify'
import { FakeProvider, orderDoc } from './fakeProvider.testing'
import type { RechargeOrderDoc } from './moneyDocuments'
import { planStatement, reconcileDay, reportOf, statementDaysDue } from './reconcile'
import type { OrphanPaymentDoc, ReconciliationReportDoc } from './reconciliationDocuments'
import { payDueRefunds } from './refunds'
import { unlimitedBudget, workBudget } from './workBudget'

type Stored<T> = T & { [key: string]: unknown }

test('statement days: yesterday from 10:00 Beijing, and the two before it always', () => {
  expect(statementDaysDue(new Date('2026-12-01T09:59:59+08:00'))).toEqual(['2026-11-28', '2026-11-29'])
  expect(statementDaysDue(new Date('2026-12-01T10:00:00+08:00'))).toEqual([
    '2026-11-28',
    '2026-11-29',
    '2026-11-30',
  ])
  // 00:30 Beijing is still the previous evening in UTC: the Beijing calendar decides
  expect(statementDaysDue(new Date('2026-12-01T00:30:00+08:00'), { catchUpDays: 0 })).toEqual([])
  expect(statementDaysDue(new Date('2026-03-01T23:00:00+08:00'), { catchUpDays: 1 })).toEqual([
    '2026-02-27',
    '2026-02-28',
  ])
})

// ---- the plan, on random statements ----

const statuses = ['pending', 'paid', 'closed', 'refunding', 'refunded'] as const
const arbitraryWorld = fc
  .record({
    orders: fc.array(
      fc.record({
        status: fc.constantFrom(...statuses),
        amount: fc.integer({ min: 1, max: 10_000_000 }),
        channel: fc.constantFrom('wechat' as const, 'alipay' as const),
        merchant: fc.constantFrom('M-1', 'M-1', 'M-1', 'M-old'),
      }),
      { maxLength: 12 },
    ),
    payments: fc.array(
      fc.record({
        order: fc.nat(15),
        amountFits: fc.boolean(),
        amount: fc.integer({ min: 1, max: 10_000_000 }),
        foreign: fc.nat(4).map((n) => n === 0),
      }),
      { maxLength: 15 },
    ),
    refunds: fc.array(
      fc.record({ order: fc.nat(15), ours: fc.boolean(), amount: fc.integer({ min: 1, max: 10_000_000 }) }),
      { maxLength: 8 },
    ),
  })
  .map(({ orders, payments, refunds }) => {
    const docs = orders.map((o, i) =>
      orderDoc(`R${i}`, o.amount, {
        status: o.status,
        channel: o.channel,
        merchantId: o.merchant,
        providerTradeNo: o.status === 'pending' || o.status === 'closed' ? null : `T${i}`,
        paidAt: o.status === 'pending' || o.status === 'closed' ? null : '2026-11-30T03:00:00.000Z',
        refundNo: o.status === 'refunding' || o.status === 'refunded' ? `F${i}` : null,
      }),
    )
    const lines: StatementLine[] = []
    for (const p of payments) {
      const order = docs[p.order]
      lines.push({
        provider: 'wechat',
        orderNo: `R${p.order}`,
        providerTradeNo: `T${p.order}`,
        kind: 'payment',
        amount: fen(order && p.amountFits ? order.amount : p.amount),
        at: '2026-11-30T11:00:00+08:00',
        merchantId: p.foreign ? 'M-other' : 'M-1',
      })
    }
    for (const r of refunds) {
      const order = docs[r.order]
      lines.push({
        provider: 'wechat',
        orderNo: `R${r.order}`,
        providerTradeNo: `T${r.order}`,
        kind: 'refund',
        amount: fen(order && r.ours ? order.amount : r.amount),
        at: '2026-11-30T12:00:00+08:00',
        merchantId: 'M-1',
        refundNo: r.ours ? `F${r.order}` : `Z${r.order}`,
      })
    }
    return { docs, lines }
  })

test('property: every line lands in exactly one place, and the report’s sums are the sums of its lines', () => {
  fc.assert(
    fc.property(arbitraryWorld, ({ docs, lines }) => {
      const plan = planStatement({
        provider: 'wechat',
        merchantId: 'M-1',
        day: '2026-11-30',
        lines,
        orders: new Map(docs.map((d) => [d.id, d])),
        orphans: new Map<string, OrphanPaymentDoc>(),
        paidAround: docs,
      })
      const distinct = (kind: 'payment' | 'refund') =>
        new Set(lines.filter((l) => l.kind === kind).map((l) => `${l.providerTradeNo}|${l.refundNo ?? ''}`))
      const payments = lines.filter((l) => l.kind === 'payment')
      const fromPayments = plan.discrepancies.filter((d) => d.actual !== null && d.refundNo === null)
      const fromRefunds = plan.discrepancies.filter((d) => d.refundNo !== null)
      const missing = plan.discrepancies.filter((d) => d.actual === null)

      expect(plan.payments.count).toBe(distinct('payment').size)
      expect(plan.refunds.count).toBe(distinct('refund').size)
      expect(plan.matchedPayments + plan.late.length + plan.orphans.length + fromPayments.length).toBe(
        plan.payments.count,
      )
      expect(plan.matchedRefunds + fromRefunds.length).toBe(plan.refunds.count)
      expect(fromPayments.length + fromRefunds.length + missing.length).toBe(plan.discrepancies.length)

      // the money: each payment's fen in exactly one category
      const firstOf = new Map<string, StatementLine>()
      for (const line of payments)
        if (!firstOf.has(line.providerTradeNo)) firstOf.set(line.providerTradeNo, line)
      const statementTotal = [...firstOf.values()].reduce((sum, l) => sum + l.amount, 0)
      expect(plan.payments.total).toBe(statementTotal)
      const matched = [...plan.paidOrders, ...plan.credits.map((c) => c.order.id)].map(
        (no) => firstOf.get(`T${no.slice(1)}`)!.amount,
      )
      const categorised =
        matched.reduce((s, a) => s + a, 0) +
        plan.late.reduce((s, l) => s + l.line.amount, 0) +
        plan.orphans.reduce((s, o) => s + o.entry.amount, 0) +
        fromPayments.reduce((s, d) => s + (d.actual ?? 0), 0)
      expect(categorised).toBe(statementTotal)

      const report = reportOf(
        plan,
        { provider: 'wechat', day: '2026-11-30', merchantId: 'M-1' },
        plan.credits.map(({ order, line }) => ({
          orderNo: order.id,
          accountId: order.accountId,
          providerTradeNo: line.providerTradeNo,
          amount: line.amount,
        })),
        'complete',
        new Date(0),
      )
      expect(report.totals.orphans).toBe(report.orphans.reduce((s, o) => s + o.amount, 0))
      expect(report.totals.credited).toBe(report.credited.reduce((s, c) => s + c.amount, 0))
      expect(report.totals.lateRefunds).toBe(report.lateRefunds.reduce((s, l) => s + l.amount, 0))
      for (const value of [report.payments.total, report.refunds.total, ...Object.values(report.totals)])
        expect(Number.isSafeInteger(value)).toBe(true)
      // a pending order is credited only with a payment that fits it
      for (const { order, line } of plan.credits) {
        expect(order.status).toBe('pending')
        expect([line.amount, line.merchantId, order.channel]).toEqual([
          order.amount,
          order.merchantId,
          'wechat',
        ])
      }
      expect(new Set(plan.orphans.map((o) => o.entry.refundNo)).size).toBe(plan.orphans.length)
    }),
    { numRuns: 300 },
  )
})

// ---- reconcileDay on the memory store ----

const t0 = new Date('2026-11-30T02:00:00Z')
const nextDay = new Date('2026-12-01T02:30:00Z')

async function openOrder(store: MemoryStore, provider: FakeProvider, orderNo: string, amount: number) {
  provider.open(orderNo, amount)
  await store.set(collections.rechargeOrders, orderNo, {
    ...orderDoc(orderNo, amount, { channel: 'alipay' }),
  })
}

test('a day: missed notifications credited, an orphan owed back, a half-done run completed, a rerun idle', async () => {
  const store = new MemoryStore()
  let now = t0
  const provider = new FakeProvider('alipay', () => now)
  await openOrder(store, provider, 'R1', 1000)
  await openOrder(store, provider, 'R2', 2000)
  await openOrder(store, provider, 'R3', 3000)
  provider.pay('R1')
  provider.pay('R2')
  provider.open('R9', 450) // never an order of ours
  provider.pay('R9')
  now = nextDay

  // the budget allows one action: the orphan is recorded, the credits wait
  const half = await reconcileDay(store, provider, '2026-11-30', now, {
    budget: workBudget({ ms: 60_000, items: 1 }),
  })
  expect(half).toEqual({ state: 'incomplete', actionsLeft: 2 })
  const draft = await store.get<Stored<ReconciliationReportDoc>>(
    collections.reconciliationReports,
    'alipay:2026-11-30',
  )
  expect(draft).toMatchObject({ state: 'running', credited: [{ orderNo: 'R1' }, { orderNo: 'R2' }] })

  const done = await reconcileDay(store, provider, '2026-11-30', now)
  if (done.state !== 'complete') throw new Error('expected a complete day')
  expect(done.report).toMatchObject({
    state: 'complete',
    payments: { count: 3, total: 3450 },
    refunds: { count: 0, total: 0 },
    matchedPayments: 2,
    credited: [
      { orderNo: 'R1', amount: 1000 },
      { orderNo: 'R2', amount: 2000 },
    ],
    orphans: [{ orderNo: 'R9', amount: 450, reason: 'UNKNOWN_ORDER', refundNo: expect.stringMatching(/^X/) }],
    discrepancies: [],
    totals: { credited: 3000, orphans: 450, lateRefunds: 0 },
  })
  expect(await balanceOf(store, { kind: 'userFunds', accountId: 'acc-1' })).toBe(3000)
  expect(await balanceOf(store, { kind: 'refundsPayable', provider: 'alipay' })).toBe(450)

  const before = store.snapshot()
  const again = await reconcileDay(store, provider, '2026-11-30', new Date(now.getTime() + 3_600_000))
  if (again.state !== 'complete') throw new Error('expected a complete day')
  expect({ ...again.report, generatedAt: '' }).toEqual({ ...done.report, generatedAt: '' })
  const after = store.snapshot()
  const reportKey = Object.keys(after).find((k) => k.startsWith('reconciliationReports'))!
  expect({ ...after, [reportKey]: null }).toEqual({ ...before, [reportKey]: null })

  // the orphan is paid back once; refundsPayable returns to zero
  expect((await payDueRefunds(store, provider, now, unlimitedBudget)).refunded).toHaveLength(1)
  expect(provider.trades.get('R9')!.refunds).toHaveLength(1)
  expect(await balanceOf(store, { kind: 'refundsPayable', provider: 'alipay' })).toBe(0)
  expect((await verifyLedger(store)).mismatches).toEqual([])
})

test('a payment that does not fit its pending order is an orphan, and the order is closed with it', async () => {
  const store = new MemoryStore()
  const provider = new FakeProvider('alipay', () => t0)
  await openOrder(store, provider, 'R5', 500)
  provider.trades.get('R5')!.amount = fen(501) // the provider collected another amount
  provider.pay('R5')
  const result = await reconcileDay(store, provider, '2026-11-30', nextDay)
  expect(result).toMatchObject({
    state: 'complete',
    report: { orphans: [{ orderNo: 'R5', amount: 501, reason: 'AMOUNT_MISMATCH' }], credited: [] },
  })
  const order = await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, 'R5')
  expect(order).toMatchObject({ status: 'closed' })
  expect(await balanceOf(store, { kind: 'userFunds', accountId: 'acc-1' })).toBe(0)
  expect(await balanceOf(store, { kind: 'refundsPayable', provider: 'alipay' })).toBe(501)
})
