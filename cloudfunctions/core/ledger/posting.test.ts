import fc from 'fast-check'
import { fen } from '../../../types/money'
import { collections, type LedgerBalanceDoc, type TransferDoc } from '../documents'
import { accountKey, accountKinds, parseAccountKey, type LedgerAccount } from './accounts'
import { MemoryStore } from './memoryStore.testing'
import {
  balanceOf,
  balancesOf,
  LedgerError,
  postTransfers,
  projectedBalance,
  verifyLedger,
  type TransferInput,
} from './transfers'

const at = new Date('2025-06-15T02:00:00.000Z')
const wechat: LedgerAccount = { kind: 'clearing', provider: 'wechat' }
const alipay: LedgerAccount = { kind: 'clearing', provider: 'alipay' }
const userA: LedgerAccount = { kind: 'userFunds', accountId: 'acc-a' }
const userB: LedgerAccount = { kind: 'userFunds', accountId: 'acc-b' }
const card1: LedgerAccount = { kind: 'cardUnloaded', cardId: 'card-1' }
const card2: LedgerAccount = { kind: 'cardUnloaded', cardId: 'card-2' }
const loaded1: LedgerAccount = { kind: 'cardLoaded', cardId: 'card-1' }
const refunds: LedgerAccount = { kind: 'refundsPayable', provider: 'wechat' }
const opening: LedgerAccount = { kind: 'opening' }
const pool = [wechat, alipay, userA, userB, card1, card2, loaded1, refunds, opening]

function recharge(orderNo: string, amount: number, to: LedgerAccount = userA): TransferInput {
  return {
    id: `recharge:${orderNo}`,
    debit: wechat,
    credit: to,
    amount: fen(amount),
    reason: 'recharge',
    ref: orderNo,
  }
}

const post = (store: MemoryStore, batch: readonly TransferInput[], when = at) =>
  store.transaction((tx) => postTransfers(tx, batch, when))

async function refusal(promise: Promise<unknown>): Promise<LedgerError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!(error instanceof LedgerError)) throw new Error(`expected a LedgerError, got ${String(error)}`)
  return error
}

describe('posting', () => {
  test('a recharge writes the transfer and the user projection; the clearing account has none', async () => {
    const store = new MemoryStore()
    expect(await post(store, [recharge('o1', 2100)])).toBe('posted')
    const doc = await store.get<TransferDoc & Record<string, unknown>>(
      collections.ledgerTransfers,
      'recharge:o1',
    )
    expect(doc).toEqual({
      id: 'recharge:o1',
      debit: 'clearing:wechat',
      credit: 'user:acc-a',
      amount: 2100,
      reason: 'recharge',
      ref: 'o1',
      postedAt: at.toISOString(),
      sortKey: `${at.toISOString()} recharge:o1`,
    })
    expect(store.all(collections.ledgerBalances)).toEqual([
      { id: 'user:acc-a', debitsPosted: 0, creditsPosted: 2100, count: 1, updatedAt: at.toISOString() },
    ])
    expect(await balanceOf(store, userA)).toBe(2100)
    expect(await balanceOf(store, wechat)).toBe(2100)
    expect(await store.transaction((tx) => projectedBalance(tx, userA))).toBe(2100)
  })

  test('a retry, even later, answers already_posted and writes nothing', async () => {
    const store = new MemoryStore()
    await post(store, [recharge('o1', 2100)])
    const before = store.snapshot()
    expect(await post(store, [recharge('o1', 2100)], new Date(at.getTime() + 60_000))).toBe('already_posted')
    expect(store.snapshot()).toEqual(before)
  })

  test('an id with other content, or a batch present in part, is IDEMPOTENCY_MISMATCH and writes nothing', async () => {
    const store = new MemoryStore()
    await post(store, [recharge('o1', 2100)])
    const before = store.snapshot()
    expect((await refusal(post(store, [recharge('o1', 2101)]))).code).toBe('IDEMPOTENCY_MISMATCH')
    expect((await refusal(post(store, [{ ...recharge('o1', 2100), ref: 'o2' }]))).code).toBe(
      'IDEMPOTENCY_MISMATCH',
    )
    expect((await refusal(post(store, [recharge('o1', 2100, userB)]))).code).toBe('IDEMPOTENCY_MISMATCH')
    expect((await refusal(post(store, [recharge('o1', 2100), recharge('o2', 5)]))).code).toBe(
      'IDEMPOTENCY_MISMATCH',
    )
    expect(store.snapshot()).toEqual(before)
  })

  test('a liability never goes negative: INSUFFICIENT_FUNDS, nothing written, even if the caller commits', async () => {
    const store = new MemoryStore()
    await post(store, [recharge('o1', 1000)])
    const before = store.snapshot()
    const allocate = (id: string, amount: number): TransferInput => ({
      id,
      debit: userA,
      credit: card1,
      amount: fen(amount),
      reason: 'allocation',
      ref: id,
    })
    const error = await refusal(post(store, [allocate('al-1', 600), allocate('al-2', 401)]))
    expect(error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', account: 'user:acc-a' })
    // the caller catches the refusal inside its transaction and commits its own write
    await store.transaction(async (tx) => {
      await tx.set(collections.meta, 'note', { v: 1 })
      await postTransfers(tx, [allocate('al-3', 1001)], at).catch(() => 'refused')
    })
    const after = store.snapshot()
    delete after[`${collections.meta}\u0000note`]
    expect(after).toEqual(before)
    // exactly the balance is fine; the batch's end state is what counts
    expect(await post(store, [allocate('al-4', 1500), recharge('o2', 500)])).toBe('posted')
    expect(await balanceOf(store, userA)).toBe(0)
    expect(await balanceOf(store, card1)).toBe(1500)
  })

  test('cards: unloaded and loaded never go negative either', async () => {
    const store = new MemoryStore()
    await post(store, [
      {
        id: 'opening:card:card-1',
        debit: opening,
        credit: card1,
        amount: fen(500),
        reason: 'opening',
        ref: 'seed',
      },
    ])
    const load = (id: string, amount: number): TransferInput => ({
      id,
      debit: card1,
      credit: loaded1,
      amount: fen(amount),
      reason: 'load',
      ref: id,
    })
    expect((await refusal(post(store, [load('ld-1', 501)]))).code).toBe('INSUFFICIENT_FUNDS')
    await post(store, [load('ld-1', 500)])
    const reverse: TransferInput = {
      id: 'ld-1:reset',
      debit: loaded1,
      credit: card1,
      amount: fen(501),
      reason: 'load',
      ref: 'ld-1',
    }
    expect((await refusal(post(store, [reverse]))).code).toBe('INSUFFICIENT_FUNDS')
    expect(await balancesOf(store, [card1, loaded1, opening])).toEqual(
      new Map([
        ['card-unloaded:card-1', 0],
        ['card-loaded:card-1', 500],
        ['opening', -500],
      ]),
    )
  })

  test('malformed transfers are INVALID_TRANSFER or BAD_ACCOUNT and read nothing', async () => {
    const store = new MemoryStore()
    const base = recharge('o1', 100)
    const cases: Array<[unknown, string]> = [
      [[], 'INVALID_TRANSFER'],
      [[{ ...base, amount: 0 }], 'INVALID_TRANSFER'],
      [[{ ...base, amount: -5 }], 'INVALID_TRANSFER'],
      [[{ ...base, amount: 1.5 }], 'INVALID_TRANSFER'],
      [[{ ...base, amount: Number.MAX_SAFE_INTEGER + 2 }], 'INVALID_TRANSFER'],
      [[{ ...base, amount: '100' }], 'INVALID_TRANSFER'],
      [[{ ...base, credit: wechat }], 'INVALID_TRANSFER'],
      [[{ ...base, id: '' }], 'INVALID_TRANSFER'],
      [[{ ...base, id: 'a b' }], 'INVALID_TRANSFER'],
      [[{ ...base, ref: '' }], 'INVALID_TRANSFER'],
      [[{ ...base, reason: 'gift' }], 'INVALID_TRANSFER'],
      [[base, base], 'INVALID_TRANSFER'],
      [[{ ...base, debit: { kind: 'clearing', provider: 'paypal' } }], 'BAD_ACCOUNT'],
      [[{ ...base, credit: { kind: 'userFunds', accountId: '' } }], 'BAD_ACCOUNT'],
    ]
    for (const [batch, code] of cases) {
      const error = await refusal(post(store, batch as TransferInput[]))
      expect({ batch, code: error.code }).toEqual({ batch, code })
    }
    expect((await refusal(post(store, [base], new Date(NaN)))).code).toBe('INVALID_TRANSFER')
    expect(store.snapshot()).toEqual({})
  })

  test('projectedBalance refuses hot accounts, which have no projection', async () => {
    const store = new MemoryStore()
    for (const account of [wechat, refunds, opening]) {
      expect((await refusal(store.transaction((tx) => projectedBalance(tx, account)))).code).toBe(
        'BAD_ACCOUNT',
      )
    }
    expect(await store.transaction((tx) => projectedBalance(tx, userB))).toBe(0)
  })

  test('concurrent batches on one user account all land exactly once, and never overdraw it', async () => {
    const store = new MemoryStore()
    await post(store, [recharge('o1', 1000)])
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        post(store, [
          {
            id: `al-${i}`,
            debit: userA,
            credit: i % 2 ? card1 : card2,
            amount: fen(100),
            reason: 'allocation',
            ref: `al-${i}`,
          },
        ]).catch((e: unknown) => (e instanceof LedgerError ? e.code : e)),
      ),
    )
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(10)
    expect(outcomes.filter((o) => o === 'INSUFFICIENT_FUNDS')).toHaveLength(10)
    // which ones won the race varies; each winner moved its 100 exactly once
    const won = (odd: boolean) => outcomes.filter((o, i) => o === 'posted' && i % 2 === (odd ? 1 : 0)).length
    expect(await balancesOf(store, [userA, card1, card2])).toEqual(
      new Map([
        ['user:acc-a', 0],
        ['card-unloaded:card-1', 100 * won(true)],
        ['card-unloaded:card-2', 100 * won(false)],
      ]),
    )
    expect((await verifyLedger(store)).ok).toBe(true)
  })
})

// ---- the property: random histories of posts, retries, conflicts and refusals ----

type Command =
  | { type: 'new'; transfers: Array<{ from: number; to: number; amount: number }>; catchInside: boolean }
  | { type: 'retry'; pick: number }
  | { type: 'conflict'; pick: number; change: 'amount' | 'ref' | 'credit' | 'partial' }
  | { type: 'concurrent'; batches: Array<Array<{ from: number; to: number; amount: number }>> }

const leg = fc
  .record({
    from: fc.nat(pool.length - 1),
    to: fc.nat(pool.length - 1),
    amount: fc.integer({ min: 1, max: 5000 }),
  })
  .filter((l) => l.from !== l.to)
const legs = fc.array(leg, { minLength: 1, maxLength: 3 })
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ type: fc.constant('new' as const), transfers: legs, catchInside: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('retry' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('conflict' as const),
      pick: fc.nat(),
      change: fc.constantFrom('amount' as const, 'ref' as const, 'credit' as const, 'partial' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('concurrent' as const),
      batches: fc.array(legs, { minLength: 2, maxLength: 4 }),
    }),
  },
)

/** Debits minus credits: sums to zero over every account of a sound ledger. */
function signed(account: LedgerAccount, normal: number): number {
  return accountKinds[account.kind].normal === 'debit' ? normal : 0 - normal
}

/** What the property went through, over all its runs: every path must have been taken. */
const exercised = { posted: 0, refused: 0, retried: 0, mismatched: 0 }
afterAll(() => {
  for (const [path, n] of Object.entries(exercised))
    expect({ path, taken: n > 0 }).toEqual({ path, taken: true })
})

test('property: balances always sum to zero, projections equal their transfers, retries and refusals change nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
      const store = new MemoryStore()
      /** Signed balance per account key, as the model expects it. */
      const model = new Map<string, number>(pool.map((a) => [accountKey(a), 0]))
      const posted: TransferInput[][] = []
      const tried: TransferInput[][] = []
      let seq = 0
      const batchOf = (ls: Array<{ from: number; to: number; amount: number }>): TransferInput[] =>
        ls.map((l) => {
          seq += 1
          return {
            id: `t-${seq}`,
            debit: pool[l.from],
            credit: pool[l.to],
            amount: fen(l.amount),
            reason: 'allocation',
            ref: `r-${seq}`,
          }
        })
      /** The model's verdict on posting a batch none of whose ids exist. */
      const wouldOverdraw = (batch: TransferInput[]) => {
        const next = new Map(model)
        for (const t of batch) {
          next.set(accountKey(t.debit), next.get(accountKey(t.debit))! + t.amount)
          next.set(accountKey(t.credit), next.get(accountKey(t.credit))! - t.amount)
        }
        return pool.some((a) => accountKinds[a.kind].neverNegative && -next.get(accountKey(a))! < 0)
      }
      const apply = (batch: TransferInput[]) => {
        for (const t of batch) {
          model.set(accountKey(t.debit), model.get(accountKey(t.debit))! + t.amount)
          model.set(accountKey(t.credit), model.get(accountKey(t.credit))! - t.amount)
        }
        posted.push(batch)
      }
      const isPosted = (batch: TransferInput[]) => posted.includes(batch)

      for (const c of commands) {
        const before = store.snapshot()
        if (c.type === 'new') {
          const batch = batchOf(c.transfers)
          tried.push(batch)
          const refuse = wouldOverdraw(batch)
          const outcome = c.catchInside
            ? await store.transaction((tx) =>
                postTransfers(tx, batch, at).catch((e: unknown) =>
                  e instanceof LedgerError ? e.code : 'other',
                ),
              )
            : await post(store, batch).catch((e: unknown) => (e instanceof LedgerError ? e.code : 'other'))
          expect(outcome).toBe(refuse ? 'INSUFFICIENT_FUNDS' : 'posted')
          exercised[refuse ? 'refused' : 'posted'] += 1
          if (refuse) expect(store.snapshot()).toEqual(before)
          else apply(batch)
        } else if (c.type === 'retry') {
          if (tried.length === 0) continue
          const batch = tried[c.pick % tried.length]
          const outcome = await post(store, batch, new Date(at.getTime() + 1000)).catch((e: unknown) =>
            e instanceof LedgerError ? e.code : 'other',
          )
          if (isPosted(batch)) {
            expect(outcome).toBe('already_posted')
            expect(store.snapshot()).toEqual(before)
            exercised.retried += 1
          } else if (wouldOverdraw(batch)) {
            expect(outcome).toBe('INSUFFICIENT_FUNDS')
            expect(store.snapshot()).toEqual(before)
          } else {
            // refused before, the funds are there now
            expect(outcome).toBe('posted')
            apply(batch)
          }
        } else if (c.type === 'conflict') {
          if (posted.length === 0) continue
          const original = posted[c.pick % posted.length]
          const [first, ...rest] = original
          const changed: TransferInput[] =
            c.change === 'partial'
              ? [...original, ...batchOf([{ from: 0, to: 1, amount: 1 }])]
              : [
                  c.change === 'amount'
                    ? { ...first, amount: fen(first.amount + 1) }
                    : c.change === 'ref'
                      ? { ...first, ref: `${first.ref}-x` }
                      : { ...first, credit: accountKey(first.credit) === 'opening' ? wechat : opening },
                  ...rest,
                ]
          if (c.change === 'credit' && accountKey(changed[0].credit) === accountKey(changed[0].debit))
            continue
          const error = await refusal(post(store, changed))
          expect(error.code).toBe('IDEMPOTENCY_MISMATCH')
          expect(store.snapshot()).toEqual(before)
          exercised.mismatched += 1
        } else {
          const batches = c.batches.map(batchOf)
          tried.push(...batches)
          const outcomes = await Promise.all(
            batches.map((b) =>
              post(store, b).catch((e: unknown) => (e instanceof LedgerError ? e.code : 'other')),
            ),
          )
          batches.forEach((b, i) => {
            expect(['posted', 'INSUFFICIENT_FUNDS']).toContain(outcomes[i])
            if (outcomes[i] === 'posted') apply(b)
          })
        }

        // after every step: the model, zero sum, non-negative liabilities, sound projections
        const balances = await balancesOf(store, pool)
        let sum = 0
        for (const account of pool) {
          const key = accountKey(account)
          const normal = balances.get(key)!
          expect({ key, signed: signed(account, normal) }).toEqual({ key, signed: model.get(key) })
          sum += signed(account, normal)
          if (accountKinds[account.kind].neverNegative) expect(normal).toBeGreaterThanOrEqual(0)
        }
        expect(sum).toBe(0)
        const report = await verifyLedger(store)
        expect(report.mismatches).toEqual([])
        expect(report.malformed).toEqual([])
        expect(report.totalDebits).toBe(report.totalCredits)
        expect(report.transfers).toBe(posted.reduce((n, b) => n + b.length, 0))
        for (const doc of store.all<LedgerBalanceDoc>(collections.ledgerBalances)) {
          expect(accountKinds[parseAccountKey(doc.id).kind].projected).toBe(true)
        }
      }
    }),
    { numRuns: 150 },
  )
})
