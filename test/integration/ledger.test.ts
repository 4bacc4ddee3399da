/**
 * The ledger (core/ledger) on both Store adapters: the SQLite embedded database, and the
 * CloudBase adapter through the real wx-server-sdk on the emulator, with conflicts reported at
 * the write call and at commit. Outcomes are read back from the store: balances, documents.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { collections } from '../../cloudfunctions/core/documents'
import {
  accountKey,
  balanceOf,
  balancesOf,
  LedgerError,
  postTransfers,
  projectedBalance,
  transfersOf,
  verifyLedger,
  type LedgerAccount,
  type TransferInput,
} from '../../cloudfunctions/core/ledger'
import { storeSchema } from '../../cloudfunctions/core/storeSchema'
import { maxQueryLimit, type Doc, type Store, type TxStore } from '../../cloudfunctions/ports/store'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedDatabase, unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { fen } from '../../types/money'

const dir = mkdtempSync(join(tmpdir(), 'etc-ledger-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface World {
  store: Store
  /** Transaction attempts so far (a conflict retried counts twice). */
  attempts(): number
  /** Conflicts the database reported (the emulator counts them; SQLite's are attempts beyond one). */
  emulator: CloudbaseEmulator | null
  close(): void
}

/** Counts the attempts of every transaction: fn runs once per attempt. */
function counting(inner: Store): { store: Store; attempts: () => number } {
  let attempts = 0
  const store: Store = {
    get: (c, id) => inner.get(c, id),
    set: (c, id, doc) => inner.set(c, id, doc),
    update: (c, id, patch) => inner.update(c, id, patch),
    remove: (c, id) => inner.remove(c, id),
    query: (c, q) => inner.query(c, q),
    count: (c, where) => inner.count(c, where),
    transaction: <R>(fn: (tx: TxStore) => Promise<R>) =>
      inner.transaction((tx) => {
        attempts += 1
        return fn(tx)
      }),
  }
  return { store, attempts: () => attempts }
}

let files = 0
const adapters: Array<[string, () => World]> = [
  [
    'sqlite',
    () => {
      files += 1
      const sqlite = openSqliteStore(join(dir, `ledger-${files}.db`))
      const { store, attempts } = counting(sqlite)
      return { store, attempts, emulator: null, close: () => sqlite.close() }
    },
  ],
  ...(['write', 'commit'] as const).map((conflictMode): [string, () => World] => [
    `cloudbase through wx-server-sdk on the emulator (conflicts at ${conflictMode})`,
    () => {
      const { emulator, database } = openEmulatedDatabase({ conflictMode })
      for (const spec of storeSchema) emulator.createCollection(spec.name)
      const { store, attempts } = counting(createCloudbaseStore(database))
      return { store, attempts, emulator, close: () => unregisterEmulator(emulator) }
    },
  ]),
]

const at = new Date('2025-06-15T02:00:00.000Z')
const wechat: LedgerAccount = { kind: 'clearing', provider: 'wechat' }
const alipay: LedgerAccount = { kind: 'clearing', provider: 'alipay' }
const opening: LedgerAccount = { kind: 'opening' }
const user = (accountId: string): LedgerAccount => ({ kind: 'userFunds', accountId })
const unloaded = (cardId: string): LedgerAccount => ({ kind: 'cardUnloaded', cardId })
const loaded = (cardId: string): LedgerAccount => ({ kind: 'cardLoaded', cardId })

const recharge = (orderNo: string, amount: number, to: LedgerAccount, from = wechat): TransferInput => ({
  id: `recharge:${orderNo}`,
  debit: from,
  credit: to,
  amount: fen(amount),
  reason: 'recharge',
  ref: orderNo,
})
const allocation = (id: string, from: string, cardId: string, amount: number): TransferInput => ({
  id: `allocation:${id}`,
  debit: user(from),
  credit: unloaded(cardId),
  amount: fen(amount),
  reason: 'allocation',
  ref: id,
})

async function readAll(store: Store, collection: string): Promise<Doc[]> {
  const docs: Doc[] = []
  let after: string | undefined
  do {
    const page = await store.query(collection, { limit: maxQueryLimit, after })
    docs.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return docs
}

/** Every ledger document (and the meta collection, where callers write beside the ledger). */
async function ledgerDocs(store: Store) {
  return {
    transfers: await readAll(store, collections.ledgerTransfers),
    balances: await readAll(store, collections.ledgerBalances),
    meta: await readAll(store, collections.meta),
  }
}

const codeOf = (e: unknown) => (e instanceof LedgerError ? e.code : Promise.reject(e))

describe.each(adapters)('ledger on %s', (_name, open) => {
  let w: World
  beforeEach(() => {
    w = open()
  })
  afterEach(() => w.close())
  const post = (batch: readonly TransferInput[], when = at) =>
    w.store.transaction((tx) => postTransfers(tx, batch, when))

  test('a recharge posts once; its retry answers already_posted and writes nothing', async () => {
    expect(await post([recharge('o1', 2100, user('acc-1'))])).toBe('posted')
    const before = await ledgerDocs(w.store)
    expect(before.transfers).toEqual([
      {
        id: 'recharge:o1',
        debit: 'clearing:wechat',
        credit: 'user:acc-1',
        amount: 2100,
        reason: 'recharge',
        ref: 'o1',
        postedAt: at.toISOString(),
        sortKey: `${at.toISOString()} recharge:o1`,
      },
    ])
    expect(before.balances).toEqual([
      { id: 'user:acc-1', debitsPosted: 0, creditsPosted: 2100, count: 1, updatedAt: at.toISOString() },
    ])
    expect(await post([recharge('o1', 2100, user('acc-1'))], new Date(at.getTime() + 5000))).toBe(
      'already_posted',
    )
    expect(await ledgerDocs(w.store)).toEqual(before)
    expect(await balanceOf(w.store, user('acc-1'))).toBe(2100)
    expect(await balanceOf(w.store, wechat)).toBe(2100)
  })

  test('the same id with other content, or a batch present in part, is refused and writes nothing', async () => {
    await post([recharge('o1', 2100, user('acc-1'))])
    const before = await ledgerDocs(w.store)
    await expect(post([recharge('o1', 2000, user('acc-1'))]).catch(codeOf)).resolves.toBe(
      'IDEMPOTENCY_MISMATCH',
    )
    await expect(post([recharge('o1', 2100, user('acc-2'))]).catch(codeOf)).resolves.toBe(
      'IDEMPOTENCY_MISMATCH',
    )
    await expect(post([recharge('o1', 2100, user('acc-1'), alipay)]).catch(codeOf)).resolves.toBe(
      'IDEMPOTENCY_MISMATCH',
    )
    await expect(
      post([recharge('o1', 2100, user('acc-1')), recharge('o2', 100, user('acc-1'))]).catch(codeOf),
    ).resolves.toBe('IDEMPOTENCY_MISMATCH')
    expect(await ledgerDocs(w.store)).toEqual(before)
  })

  test('insufficient funds: the whole batch is refused and nothing of it is written, even when the caller commits', async () => {
    await post([recharge('o1', 1000, user('acc-1'))])
    const before = await ledgerDocs(w.store)
    const error = await post([
      allocation('a1', 'acc-1', 'card-1', 600),
      allocation('a2', 'acc-1', 'card-2', 500),
    ]).catch((e: unknown) => e)
    expect(error).toMatchObject({ name: 'LedgerError', code: 'INSUFFICIENT_FUNDS', account: 'user:acc-1' })
    expect(await ledgerDocs(w.store)).toEqual(before)

    // a caller that catches the refusal inside its transaction commits only its own write
    const answer = await w.store.transaction(async (tx) => {
      await tx.set(collections.meta, 'caller', { wrote: true })
      return postTransfers(tx, [allocation('a3', 'acc-1', 'card-1', 1001)], at).catch(codeOf)
    })
    expect(answer).toBe('INSUFFICIENT_FUNDS')
    const after = await ledgerDocs(w.store)
    expect(after.transfers).toEqual(before.transfers)
    expect(after.balances).toEqual(before.balances)
    expect(after.meta).toEqual([{ id: 'caller', wrote: true }])

    // a load beyond the unloaded amount, and a reset beyond what was loaded, are refused too
    await post([allocation('a4', 'acc-1', 'card-1', 1000)])
    const load = (id: string, amount: number, reverse = false): TransferInput => ({
      id,
      debit: reverse ? loaded('card-1') : unloaded('card-1'),
      credit: reverse ? unloaded('card-1') : loaded('card-1'),
      amount: fen(amount),
      reason: 'load',
      ref: id,
    })
    await expect(post([load('load:1', 1001)]).catch(codeOf)).resolves.toBe('INSUFFICIENT_FUNDS')
    expect(await post([load('load:1', 1000)])).toBe('posted')
    await expect(post([load('load:1:reset', 1001, true)]).catch(codeOf)).resolves.toBe('INSUFFICIENT_FUNDS')
    expect(await balancesOf(w.store, [user('acc-1'), unloaded('card-1'), loaded('card-1')])).toEqual(
      new Map([
        ['user:acc-1', 0],
        ['card-unloaded:card-1', 0],
        ['card-loaded:card-1', 1000],
      ]),
    )
  })

  test('concurrent posts to one user account all land exactly once and never overdraw it', async () => {
    await post([recharge('o1', 500, user('acc-1'))])
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        post([allocation(`a${i}`, 'acc-1', `card-${i}`, 100)]).catch(codeOf),
      ),
    )
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(5)
    expect(outcomes.filter((o) => o === 'INSUFFICIENT_FUNDS')).toHaveLength(3)
    const cards = Array.from({ length: 8 }, (_, i) => unloaded(`card-${i}`))
    const balances = await balancesOf(w.store, [user('acc-1'), ...cards])
    expect(balances.get('user:acc-1')).toBe(0)
    const funded = outcomes.flatMap((o, i) => (o === 'posted' ? [accountKey(cards[i])] : []))
    for (const card of cards) {
      const key = accountKey(card)
      expect({ key, balance: balances.get(key) }).toEqual({ key, balance: funded.includes(key) ? 100 : 0 })
    }
    // they did conflict (all write one projection) and were retried
    expect(w.attempts()).toBeGreaterThan(9)
    expect(await w.store.transaction((tx) => projectedBalance(tx, user('acc-1')))).toBe(0)

    // one transfer sent six times at once (a notification delivered repeatedly) lands once
    const twice = await Promise.all(
      Array.from({ length: 6 }, () => post([recharge('o2', 700, user('acc-2'))])),
    )
    expect(twice.filter((o) => o === 'posted')).toHaveLength(1)
    expect(twice.filter((o) => o === 'already_posted')).toHaveLength(5)
    expect(await balanceOf(w.store, user('acc-2'))).toBe(700)
    expect((await transfersOf(w.store, user('acc-2'), { limit: 10 })).items.map((t) => t.id)).toEqual([
      'recharge:o2',
    ])
    expect((await verifyLedger(w.store)).ok).toBe(true)
  })

  test('50 concurrent recharges into one clearing account never conflict', async () => {
    const conflictsBefore = w.emulator?.stats.conflicts ?? 0
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post([recharge(`o${i}`, 100 + i, user(`acc-${i}`))], new Date(at.getTime() + (i % 7) * 1000)),
      ),
    )
    expect(outcomes).toEqual(Array(50).fill('posted'))
    expect(w.attempts()).toBe(50)
    expect((w.emulator?.stats.conflicts ?? 0) - conflictsBefore).toBe(0)
    const total = Array.from({ length: 50 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0)
    expect(await balanceOf(w.store, wechat)).toBe(total)
    // the hot account has no projection document; its history pages through every transfer once
    expect(await w.store.get(collections.ledgerBalances, 'clearing:wechat')).toBeNull()
    const seen: string[] = []
    let after: string | undefined
    do {
      const page = await transfersOf(w.store, wechat, { limit: 7, after })
      seen.push(...page.items.map((t) => t.id))
      after = page.nextCursor ?? undefined
    } while (after)
    expect(seen).toHaveLength(50)
    expect(new Set(seen).size).toBe(50)
    const report = await verifyLedger(w.store)
    expect(report).toMatchObject({ ok: true, transfers: 50, totalDebits: total, totalCredits: total })
  })

  test('balancesOf reads many cold accounts in batches and sums hot ones', async () => {
    const cards = Array.from({ length: 230 }, (_, i) => `card-${String(i).padStart(3, '0')}`)
    await post(
      cards
        .filter((_, i) => i % 3 === 0)
        .map((cardId, i) => ({
          id: `opening:card:${cardId}`,
          debit: opening,
          credit: unloaded(cardId),
          amount: fen(1000 + i),
          reason: 'opening' as const,
          ref: 'seed',
        })),
    )
    const balances = await balancesOf(w.store, [...cards.map(unloaded), opening, wechat, unloaded(cards[0])])
    expect(balances.size).toBe(232)
    let expectedOpening = 0
    cards.forEach((cardId, i) => {
      const amount = i % 3 === 0 ? 1000 + i / 3 : 0
      expectedOpening -= amount
      expect({ cardId, balance: balances.get(`card-unloaded:${cardId}`) }).toEqual({
        cardId,
        balance: amount,
      })
    })
    expect(balances.get('opening')).toBe(expectedOpening)
    expect(balances.get('clearing:wechat')).toBe(0)
  })

  test('verifyLedger finds a tampered projection', async () => {
    await post([recharge('o1', 3000, user('acc-1')), allocation('a1', 'acc-1', 'card-1', 1200)])
    expect((await verifyLedger(w.store)).ok).toBe(true)
    await w.store.update(collections.ledgerBalances, 'card-unloaded:card-1', { creditsPosted: 99_999 })
    const report = await verifyLedger(w.store)
    expect(report.ok).toBe(false)
    expect(report.mismatches).toEqual([
      {
        account: 'card-unloaded:card-1',
        expected: { debits: 0, credits: 1200, count: 1 },
        projected: { debits: 0, credits: 99_999, count: 1 },
      },
    ])
    expect(report.balances.get('card-unloaded:card-1')).toBe(1200)
  })
})
