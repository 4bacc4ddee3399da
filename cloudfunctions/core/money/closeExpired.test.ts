import { collections } from '../documents'
import { balanceOf } from '../ledger'
import { MemoryStore } from '../ledger/memoryStore.testing'
import { verifyLedger } from '../ledger/verify'
import { closeExpiredOrders } from './closeExpired'
import { FakeProvider, orderDoc } from './fakeProvider.testing'
import type { RechargeOrderDoc } from './moneyDocuments'
import { unlimitedBudget, workBudget } from './workBudget'

type Stored<T> = T & { [key: string]: unknown }

const t0 = new Date('2026-11-30T02:00:00Z')
const later = new Date(t0.getTime() + 20 * 60_000)

async function statuses(store: MemoryStore): Promise<Record<string, string>> {
  const orders = store.all<RechargeOrderDoc>(collections.rechargeOrders)
  return Object.fromEntries(orders.map((o) => [o.id, o.status]))
}

async function world(count: number) {
  const store = new MemoryStore()
  const provider = new FakeProvider('alipay', () => later)
  for (let i = 1; i <= count; i++) {
    const orderNo = `R${String(i).padStart(3, '0')}`
    provider.open(orderNo, 100 * i)
    await store.set(collections.rechargeOrders, orderNo, {
      ...orderDoc(orderNo, 100 * i, {
        // one minute apart: R001 expires first
        expiresAt: new Date(t0.getTime() + (15 + i) * 60_000 - 20 * 60_000).toISOString(),
      }),
    })
  }
  return { store, provider }
}

test('expired orders close oldest first, a bounded number per run, until none is left', async () => {
  const { store, provider } = await world(7)
  // one was paid (its notification lost), one has not expired yet
  provider.pay('R003', new Date(t0.getTime() - 10 * 60_000))
  await store.update(collections.rechargeOrders, 'R007', {
    expiresAt: new Date(later.getTime() + 60_000).toISOString(),
  })

  const first = await closeExpiredOrders(
    store,
    { alipay: provider },
    later,
    workBudget({ ms: 60_000, items: 4 }),
  )
  expect(first).toMatchObject({ closed: ['R001', 'R002', 'R004'], credited: ['R003'], more: true })
  const second = await closeExpiredOrders(
    store,
    { alipay: provider },
    later,
    workBudget({ ms: 60_000, items: 4 }),
  )
  expect(second).toMatchObject({ closed: ['R005', 'R006'], more: false })
  const third = await closeExpiredOrders(store, { alipay: provider }, later, unlimitedBudget)
  expect(third).toMatchObject({ closed: [], credited: [], more: false })

  expect(await statuses(store)).toEqual({
    R001: 'closed',
    R002: 'closed',
    R003: 'paid',
    R004: 'closed',
    R005: 'closed',
    R006: 'closed',
    R007: 'pending',
  })
  expect([...provider.trades.values()].map((t) => t.state)).toEqual([
    'closed',
    'closed',
    'paid',
    'closed',
    'closed',
    'closed',
    'unpaid',
  ])
  expect(await balanceOf(store, { kind: 'userFunds', accountId: 'acc-1' })).toBe(300)
  expect((await verifyLedger(store)).mismatches).toEqual([])
})

test('a provider that is unavailable three times in a row is left for the next run; no order is lost', async () => {
  const { store, provider } = await world(5)
  for (let i = 0; i < 3; i++) provider.failNext('query')
  const down = await closeExpiredOrders(store, { alipay: provider }, later, unlimitedBudget)
  expect(down).toMatchObject({ closed: [], more: true })
  expect(down.failed.map((f) => f.orderNo)).toEqual(['R001', 'R002', 'R003'])
  expect(Object.values(await statuses(store))).toEqual(Array(5).fill('pending'))

  // orders of a provider this deployment does not talk to are left alone
  const none = await closeExpiredOrders(store, {}, later, unlimitedBudget)
  expect(none).toMatchObject({ skipped: 5, closed: [] })

  const back = await closeExpiredOrders(store, { alipay: provider }, later, unlimitedBudget)
  expect(back.closed).toHaveLength(5)
  const order = await store.get<Stored<RechargeOrderDoc>>(collections.rechargeOrders, 'R001')
  expect(order).toMatchObject({ status: 'closed', closedAt: later.toISOString() })
})
