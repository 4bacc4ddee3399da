import { fen, type Fen } from '../../../types/money'
import type { TransferDoc } from '../documents'
import { accountKey, type LedgerAccount } from './accounts'
import { LedgerError } from './errors'

/** What a transfer is: its reasons, its input, the checks it passes and the document it becomes. */

export type TransferReason = 'opening' | 'recharge' | 'allocation' | 'load' | 'refund_due' | 'refund_paid'

export const transferReasons: readonly TransferReason[] = [
  'opening',
  'recharge',
  'allocation',
  'load',
  'refund_due',
  'refund_paid',
]

export interface TransferInput {
  /** Deterministic: the same business event always gives the same id (e.g. `recharge:<orderNo>`). */
  id: string
  debit: LedgerAccount
  credit: LedgerAccount
  amount: Fen
  reason: TransferReason
  /** The business record that caused it (order, allocation, load or refund number). */
  ref: string
}

/** What a transfer id and a ref may hold: a document id, without whitespace or slashes. */
const idPattern = /^[^\s/\\]{1,200}$/u

/** postedAt then id: ISO instants of years 0000–9999 have one length, so strings sort by time. */
export function transferSortKey(postedAt: string, id: string): string {
  return `${postedAt} ${id}`
}

export function invalid(message: string): never {
  throw new LedgerError('INVALID_TRANSFER', message)
}

export function instantOf(at: Date): string {
  const time = at instanceof Date ? at.getTime() : NaN
  const year = new Date(time).getUTCFullYear()
  if (!Number.isFinite(time) || year < 1970 || year > 9999) invalid(`invalid posting time: ${String(at)}`)
  return at.toISOString()
}

/** Checks one transfer and answers the document it becomes. */
export function transferDoc(input: TransferInput, postedAt: string): TransferDoc {
  if (!input || typeof input !== 'object') invalid('a transfer must be an object')
  const { id, amount, reason, ref } = input
  if (typeof id !== 'string' || !idPattern.test(id)) invalid(`invalid transfer id: ${JSON.stringify(id)}`)
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    invalid(`transfer ${id}: the amount must be a positive integer of fen, got ${String(amount)}`)
  }
  if (!transferReasons.includes(reason)) invalid(`transfer ${id}: unknown reason ${JSON.stringify(reason)}`)
  if (typeof ref !== 'string' || !idPattern.test(ref))
    invalid(`transfer ${id}: invalid ref ${JSON.stringify(ref)}`)
  const debit = accountKey(input.debit)
  const credit = accountKey(input.credit)
  if (debit === credit) invalid(`transfer ${id}: debit and credit are the same account (${debit})`)
  return {
    id,
    debit,
    credit,
    amount: fen(amount),
    reason,
    ref,
    postedAt,
    sortKey: transferSortKey(postedAt, id),
  }
}

/** Same business content (the posting time and sort key are not content). */
export function sameContent(stored: TransferDoc, wanted: TransferDoc): boolean {
  return (
    stored.debit === wanted.debit &&
    stored.credit === wanted.credit &&
    stored.amount === wanted.amount &&
    stored.reason === wanted.reason &&
    stored.ref === wanted.ref
  )
}
