import { fen } from '../../../types/money'
import { collections } from '../documents'
import type { LedgerAccount } from './accounts'
import { MemoryStore } from './memoryStore.testing'
import { postTransfers, verifyLedger, type TransferInput } from './transfers'

const at = new Date('2025-06-15T02:00:00.000Z')
const wechat: LedgerAccount = { kind: 'clearing', provider: 'wechat' }
const user: LedgerAccount = { kind: 'userFunds', accountId: 'acc-a' }
const card: LedgerAccount = { kind: 'cardUnloaded', cardId: 'card-1' }
const refunds: LedgerAccount = { kind: 'refundsPayable', provider: 'wechat' }

async function world() {
  const store = new MemoryStore()
  const batch: TransferInput[] = [
    { id: 'recharge:o1', debit: wechat, credit: user, amount: fen(5000), reason: 'recharge', ref: 'o1' },
    { id: 'allocation:a1', debit: user, credit: card, amount: fen(2000), reason: 'allocation', ref: 'a1' },
    { id: 'refund_due:r1', debit: user, credit: refunds, amount: fen(1000), reason: 'refund_due', ref: 'r1' },
    {
      id: 'refund_paid:r1',
      debit: refunds,
      credit: wechat,
      amount: fen(1000),
      reason: 'refund_paid',
      ref: 'r1',
    },
  ]
  await store.transaction((tx) => postTransfers(tx, batch, at))
  return store
}

test('a sound ledger reports ok, with every balance rebuilt', async () => {
  const report = await verifyLedger(await world())
  expect(report).toMatchObject({ ok: true, transfers: 4, totalDebits: 9000, totalCredits: 9000 })
  expect(report.balances).toEqual(
    new Map([
      ['clearing:wechat', 4000],
      ['user:acc-a', 2000],
      ['card-unloaded:card-1', 2000],
      ['refunds:wechat', 0],
    ]),
  )
  expect(await verifyLedger(new MemoryStore())).toMatchObject({ ok: true, transfers: 0, totalDebits: 0 })
})

test('a tampered, missing or orphan projection is a mismatch', async () => {
  const store = await world()
  await store.update(collections.ledgerBalances, 'user:acc-a', { creditsPosted: 6000 })
  await store.remove(collections.ledgerBalances, 'card-unloaded:card-1')
  await store.set(collections.ledgerBalances, 'user:ghost', { debitsPosted: 0, creditsPosted: 1, count: 1 })
  await store.set(collections.ledgerBalances, 'clearing:wechat', {
    debitsPosted: 5000,
    creditsPosted: 1000,
    count: 2,
  })
  const report = await verifyLedger(store)
  expect(report.ok).toBe(false)
  expect(report.mismatches).toEqual(
    expect.arrayContaining([
      {
        account: 'user:acc-a',
        expected: { debits: 3000, credits: 5000, count: 3 },
        projected: { debits: 3000, credits: 6000, count: 3 },
      },
      { account: 'card-unloaded:card-1', expected: { debits: 0, credits: 2000, count: 1 }, projected: null },
      {
        account: 'user:ghost',
        expected: { debits: 0, credits: 0, count: 0 },
        projected: { debits: 0, credits: 1, count: 1 },
      },
      // a hot account never has a projection
      {
        account: 'clearing:wechat',
        expected: { debits: 5000, credits: 1000, count: 2 },
        projected: { debits: 5000, credits: 1000, count: 2 },
      },
    ]),
  )
  expect(report.mismatches).toHaveLength(4)
})

test('a tampered transfer is malformed; refunds paid beyond what was due show as a negative liability', async () => {
  const store = await world()
  await store.update(collections.ledgerTransfers, 'allocation:a1', { amount: -2000 })
  await store.set(collections.ledgerTransfers, 'refund_paid:r2', {
    debit: 'refunds:wechat',
    credit: 'clearing:wechat',
    amount: 10,
    reason: 'refund_paid',
    ref: 'r2',
    postedAt: at.toISOString(),
    sortKey: `${at.toISOString()} refund_paid:r2`,
  })
  const report = await verifyLedger(store)
  expect(report.ok).toBe(false)
  expect(report.malformed).toEqual([{ id: 'allocation:a1', problem: 'amount -2000' }])
  expect(report.negative).toEqual([{ account: 'refunds:wechat', balance: -10 }])
})
