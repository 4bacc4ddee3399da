import fc from 'fast-check'
import { fen } from '../../../types/money'
import type { TransferDoc } from '../documents'
import { accountKey, type LedgerAccount } from './accounts'
import { MemoryStore } from './memoryStore.testing'
import { postTransfers, transfersByRef, transfersOf, type TransferInput } from './transfers'

const t0 = Date.parse('2025-06-15T02:00:00.000Z')
const user: LedgerAccount = { kind: 'userFunds', accountId: 'acc-a' }
const others: LedgerAccount[] = [
  { kind: 'clearing', provider: 'wechat' },
  { kind: 'opening' },
  { kind: 'refundsPayable', provider: 'alipay' },
]

async function allPages(
  store: MemoryStore,
  account: LedgerAccount,
  limit: number,
  direction?: 'asc' | 'desc',
): Promise<TransferDoc[]> {
  const out: TransferDoc[] = []
  let after: string | undefined
  for (let pages = 0; pages < 1000; pages++) {
    const page = await transfersOf(store, account, { limit, after, direction })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    out.push(...page.items)
    if (!page.nextCursor) return out
    after = page.nextCursor
  }
  throw new Error('history never ended')
}

test('property: the pages of an account history are its debits and credits, each once, in time order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          other: fc.nat(others.length - 1),
          inbound: fc.boolean(),
          // few distinct instants: many transfers share one, so ties are broken by id
          second: fc.nat(3),
          amount: fc.integer({ min: 1, max: 100 }),
        }),
        { maxLength: 30 },
      ),
      fc.integer({ min: 1, max: 7 }),
      async (moves, limit) => {
        const store = new MemoryStore()
        // fund the user first so outbound moves never overdraw it
        await store.transaction((tx) =>
          postTransfers(
            tx,
            [
              {
                id: 'opening:user:acc-a',
                debit: { kind: 'opening' },
                credit: user,
                amount: fen(10_000),
                reason: 'opening',
                ref: 'seed',
              },
            ],
            new Date(t0 - 1000),
          ),
        )
        for (const [i, m] of moves.entries()) {
          const other = others[m.other]
          const transfer: TransferInput = {
            id: `m-${String(30 - i).padStart(2, '0')}`,
            debit: m.inbound ? other : user,
            credit: m.inbound ? user : other,
            amount: fen(m.amount),
            reason: 'allocation',
            ref: `ref-${i % 3}`,
          }
          await store.transaction((tx) => postTransfers(tx, [transfer], new Date(t0 + m.second * 1000)))
        }
        // an unrelated transfer is never in the history
        await store.transaction((tx) =>
          postTransfers(
            tx,
            [{ id: 'x', debit: others[0], credit: others[2], amount: fen(1), reason: 'recharge', ref: 'x' }],
            new Date(t0),
          ),
        )
        const key = accountKey(user)
        const expected = store
          .all<TransferDoc>('ledgerTransfers')
          .filter((t) => t.debit === key || t.credit === key)
          .sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1))
        expect(await allPages(store, user, limit, 'asc')).toEqual(expected)
        expect(await allPages(store, user, limit)).toEqual([...expected].reverse())
        expect(expected).toHaveLength(moves.length + 1)
      },
    ),
    { numRuns: 100 },
  )
})

test('a cursor of one direction is refused in the other; transfersByRef answers what one record caused', async () => {
  const store = new MemoryStore()
  const at = new Date(t0)
  await store.transaction((tx) =>
    postTransfers(
      tx,
      [
        {
          id: 'recharge:o1',
          debit: others[0],
          credit: user,
          amount: fen(300),
          reason: 'recharge',
          ref: 'o1',
        },
        {
          id: 'allocation:o1',
          debit: user,
          credit: others[2],
          amount: fen(300),
          reason: 'allocation',
          ref: 'o1',
        },
        { id: 'recharge:o2', debit: others[0], credit: user, amount: fen(5), reason: 'recharge', ref: 'o2' },
      ],
      at,
    ),
  )
  const first = await transfersOf(store, user, { limit: 1 })
  expect(first.items.map((t) => t.id)).toEqual(['recharge:o2'])
  await expect(
    transfersOf(store, user, { limit: 1, after: first.nextCursor!, direction: 'asc' }),
  ).rejects.toMatchObject({
    code: 'INVALID_QUERY',
  })
  await expect(transfersOf(store, user, { limit: 1, after: 'garbage' })).rejects.toMatchObject({
    code: 'INVALID_QUERY',
  })
  expect((await transfersByRef(store, 'o1')).map((t) => t.id)).toEqual(['allocation:o1', 'recharge:o1'])
})
