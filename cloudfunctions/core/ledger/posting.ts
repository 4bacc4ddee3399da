import type { TxStore } from '../../ports/store'
import { collections, type TransferDoc } from '../documents'
import { parseAccountKey, rulesOf } from './accounts'
import { LedgerError } from './errors'
import { balanceFromTotals, projectionDoc, readProjection, totalsOf, type Totals } from './projections'
import { instantOf, invalid, sameContent, transferDoc, type TransferInput } from './transferRules'

/**
 * Posting transfers: every movement of money is a batch of transfers, written atomically with
 * the projections it changes inside the caller's transaction.
 *
 * - A transfer moves an integer amount of fen (> 0) from exactly one account to another: it
 *   debits one and credits the other, and the two differ. Once written it never changes.
 * - Its id is the caller's deterministic id (recharge:<orderNo>, …). Posting a batch again
 *   whose transfers all exist with the same content answers 'already_posted' and writes
 *   nothing; a batch that is only partly there, or an id that exists with other content, is
 *   refused with IDEMPOTENCY_MISMATCH. The posting time is not content: a retry posts later.
 * - A never-negative account (accounts.ts) may not end the batch below zero: INSUFFICIENT_FUNDS.
 *   The batch is atomic, so only its end state counts, not the order of its transfers.
 * - Every check runs before the first write: a refusal leaves the transaction without a write of
 *   the ledger's, even when the caller catches it and commits its other writes.
 * - Concurrency: posting writes the projection of every cold account it touches, so two
 *   batches on one user account or card conflict and the store retries one of them (which then
 *   sees the other's outcome). Two posts of one transfer id both write that document and
 *   conflict the same way. Hot accounts have no document, so payments into one clearing
 *   account never conflict with each other.
 */

type StoredTransfer = TransferDoc & { [key: string]: unknown }

/**
 * Posts a batch of transfers inside the caller's transaction (`store.transaction(tx => …)`).
 * Answers 'posted', or 'already_posted' when the whole batch was posted before (nothing written).
 * Throws LedgerError (INVALID_TRANSFER, BAD_ACCOUNT, IDEMPOTENCY_MISMATCH, INSUFFICIENT_FUNDS)
 * before writing anything.
 */
export async function postTransfers(
  tx: TxStore,
  transfers: readonly TransferInput[],
  at: Date,
): Promise<'posted' | 'already_posted'> {
  if (!Array.isArray(transfers) || transfers.length === 0) invalid('a batch holds at least one transfer')
  const postedAt = instantOf(at)
  const docs = transfers.map((t) => transferDoc(t, postedAt))
  const ids = new Set(docs.map((d) => d.id))
  if (ids.size !== docs.length) invalid('a batch holds each transfer id once')

  // Idempotency: all there with the same content, or none there.
  const existing = await Promise.all(
    docs.map((d) => tx.get<StoredTransfer>(collections.ledgerTransfers, d.id)),
  )
  const present = existing.filter((e) => e !== null).length
  if (present > 0) {
    docs.forEach((wanted, i) => {
      const stored = existing[i]
      if (stored && !sameContent(stored, wanted)) {
        throw new LedgerError('IDEMPOTENCY_MISMATCH', `transfer ${wanted.id} was posted with other content`)
      }
    })
    if (present === docs.length) return 'already_posted'
    const missing = docs.filter((_, i) => existing[i] === null).map((d) => d.id)
    throw new LedgerError(
      'IDEMPOTENCY_MISMATCH',
      `the batch was posted in part before: ${missing.join(', ')} missing`,
    )
  }

  // The batch's effect on every cold account, then its end balance.
  const deltas = new Map<string, Totals>()
  const touch = (key: string, side: 'debits' | 'credits', amount: number) => {
    if (!rulesOf(parseAccountKey(key)).projected) return
    const totals = deltas.get(key) ?? { debits: 0, credits: 0, count: 0 }
    totals[side] += amount
    totals.count += 1
    deltas.set(key, totals)
  }
  for (const d of docs) {
    touch(d.debit, 'debits', d.amount)
    touch(d.credit, 'credits', d.amount)
  }
  const keys = [...deltas.keys()]
  const current = await Promise.all(keys.map((key) => readProjection(tx, key)))
  const next = keys.map((key, i) => {
    const before = totalsOf(current[i])
    const delta = deltas.get(key)!
    const totals: Totals = {
      debits: before.debits + delta.debits,
      credits: before.credits + delta.credits,
      count: before.count + delta.count,
    }
    if (!Number.isSafeInteger(totals.debits) || !Number.isSafeInteger(totals.credits)) {
      invalid(`account ${key}: the sums would leave the safe integer range`)
    }
    const balance = balanceFromTotals(key, totals)
    if (rulesOf(parseAccountKey(key)).neverNegative && balance < 0) {
      throw new LedgerError(
        'INSUFFICIENT_FUNDS',
        `account ${key} holds ${balanceFromTotals(key, before)} fen, ${-balance} fen short`,
        key,
      )
    }
    return { key, totals }
  })

  for (const d of docs) await tx.set(collections.ledgerTransfers, d.id, { ...d })
  for (const { key, totals } of next)
    await tx.set(collections.ledgerBalances, key, { ...projectionDoc(key, totals, at) })
  return 'posted'
}
