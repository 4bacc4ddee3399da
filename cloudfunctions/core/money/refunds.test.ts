import fc from 'fast-check'
import { fen } from '../../../types/money'
import type { PaymentChannel } from '../../../types/moneyRules'
import { collections } from '../documents'
import { balanceOf } from '../ledger'
import { MemoryStore } from '../ledger/memoryStore.testing'
import { verifyLedger } from '../ledger/verify'
import { FakeProvider, orderDoc } from './fakeProvider.testing'
import type { RechargeOrderDoc } from './moneyDocuments'
import { creditRecharge } from './recharge'
import { orphanRefundNo, payDueRefunds, settleOrderRefund } from './refunds'
import { workBudget, unlimitedBudget } from './workBudget'

type Stored<T> = T & { [key: string]: unknown }

const t0 = new Date('2026-11-30T02:00:00Z')
const refundsPayable = (provider: PaymentChannel) => ({ kind: 'refundsPayable', provider }) as const

/** An order we closed, then paid at the provider: creditRecharge makes it owed back (refunding). */
async function latePayment(store: MemoryStore, provider: FakeProvider, orderNo: string, amount: number) {
  provider.open(orderNo, amount)
  const trade = provider.pay(orderNo)
  await store.set(collections.rechargeOrders, orderNo, {
    ...orderDoc(orderNo, amount, {
      channel: provider.provider,
      status: 'closed',
      closedAt: t0.toISOString(),
    }),
  })
  const outcome = await creditRecharge(
    store,
    {
      provider: provider.provider,
      orderNo,
      amount: fen(amount),
      merchantId: provider.merchantId,
      providerTradeNo: trade.tradeNo!,
      paidAt: trade.paidAt!,
    },
    t0,
  )
  expect(outcome.outcome).toBe('refund_due')
}

async function expectSound(store: MemoryStore) {
  const report = await verifyLedger(store)
  expect(report.mismatches).toEqual([])
  expect(report.negative).toEqual([])
  expect(report.malformed).toEqual([])
}

test('a refund the provider confirms is settled once, even when its first answer is lost after it took effect', async () => {
  const store = new MemoryStore()
  const provider = new FakeProvider('alipay', () => t0, 'succeeded')
  await latePayment(store, provider, 'R1', 800)
  expect(await balanceOf(store, refundsPayable('alipay'))).toBe(800)

  provider.failNext('refund', 'unavailable', true) // refunded at the provider, the answer lost
  const first = await payDueRefunds(store, provider, t0, unlimitedBudget)
  expect(first.failed).toHaveLength(1)
  expect(provider.trades.get('R1')!.refunds).toHaveLength(1)
  expect((await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, 'R1'))!.status).toBe(
    'refunding',
  )

  const second = await payDueRefunds(store, provider, t0, unlimitedBudget)
  expect(second.refunded).toEqual(['F1'])
  const third = await payDueRefunds(store, provider, t0, unlimitedBudget)
  expect(third).toMatchObject({ refunded: [], accepted: [], failed: [] })

  expect(provider.trades.get('R1')!.refunds).toEqual([
    expect.objectContaining({ refundNo: 'F1', amount: 800 }),
  ])
  expect((await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, 'R1'))!.status).toBe(
    'refunded',
  )
  expect(await balanceOf(store, refundsPayable('alipay'))).toBe(0)
  expect(await balanceOf(store, { kind: 'clearing', provider: 'alipay' })).toBe(0)
  await expectSound(store)
})

test('a refund only accepted stays owed until the statement settles it; settling twice posts once', async () => {
  const store = new MemoryStore()
  const provider = new FakeProvider('wechat', () => t0, 'accepted')
  await latePayment(store, provider, 'R2', 300)
  for (let run = 0; run < 3; run++) {
    const result = await payDueRefunds(store, provider, t0, unlimitedBudget)
    expect(result.accepted).toEqual(['F2'])
  }
  expect(provider.trades.get('R2')!.refunds).toHaveLength(1)
  expect(await balanceOf(store, refundsPayable('wechat'))).toBe(300)
  expect(await settleOrderRefund(store, 'R2', t0)).toBe('settled')
  expect(await settleOrderRefund(store, 'R2', t0)).toBe('already_settled')
  expect(await balanceOf(store, refundsPayable('wechat'))).toBe(0)
  // nothing is owed any more: the next run asks the provider nothing
  expect(await payDueRefunds(store, provider, t0, unlimitedBudget)).toMatchObject({
    accepted: [],
    refunded: [],
  })
  await expectSound(store)
})

test('a run stops at its budget and leaves an unavailable provider alone after three failures in a row', async () => {
  const store = new MemoryStore()
  const provider = new FakeProvider('alipay', () => t0, 'succeeded')
  for (let i = 1; i <= 5; i++) await latePayment(store, provider, `R${i}`, 100 * i)

  const bounded = await payDueRefunds(store, provider, t0, workBudget({ ms: 60_000, items: 2 }))
  expect(bounded).toMatchObject({ more: true })
  expect(bounded.refunded).toHaveLength(2)

  for (let i = 0; i < 3; i++) provider.failNext('refund')
  const down = await payDueRefunds(store, provider, t0, unlimitedBudget)
  expect(down).toMatchObject({ refunded: [], more: true })
  expect(down.failed).toHaveLength(3)

  const rest = await payDueRefunds(store, provider, t0, unlimitedBudget)
  expect(rest.refunded).toHaveLength(3)
  expect(await balanceOf(store, refundsPayable('alipay'))).toBe(0)
  for (const trade of provider.trades.values()) expect(trade.refunds).toHaveLength(1)
  await expectSound(store)
})

test('property: an orphan refund number is deterministic, plain, within 64 characters, one per trade', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<PaymentChannel>('wechat', 'alipay'),
      fc.string({ minLength: 1, maxLength: 80 }),
      fc.string({ minLength: 1, maxLength: 80 }),
      (provider, a, b) => {
        const no = orphanRefundNo(provider, a)
        expect(no).toBe(orphanRefundNo(provider, a))
        expect(no).toMatch(/^X[0-9A-Za-z]{1,60}$/)
        if (a !== b) expect(orphanRefundNo(provider, b)).not.toBe(no)
      },
    ),
  )
  expect(orphanRefundNo('wechat', '4200000123')).toBe('X4200000123')
})
