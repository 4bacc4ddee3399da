import type { TxStore } from '../../ports/store'
import { fen, type Fen } from '../../../types/money'
import { collections, type LedgerBalanceDoc } from '../documents'
import { normalBalance, parseAccountKey } from './accounts'

/**
 * Projections: the running sums of a cold account, one ledgerBalances document per account
 * (its id is the accountKey), written in the same transaction as the transfers they sum.
 */

export type StoredBalance = LedgerBalanceDoc & { [key: string]: unknown }

export interface Totals {
  debits: number
  credits: number
  count: number
}

export const noTotals: Totals = Object.freeze({ debits: 0, credits: 0, count: 0 })

export function totalsOf(doc: LedgerBalanceDoc | null): Totals {
  return doc ? { debits: doc.debitsPosted, credits: doc.creditsPosted, count: doc.count } : noTotals
}

export function balanceFromTotals(key: string, totals: Totals): Fen {
  return fen(normalBalance(parseAccountKey(key).kind, totals.debits, totals.credits))
}

export function readProjection(tx: TxStore, key: string): Promise<StoredBalance | null> {
  return tx.get<StoredBalance>(collections.ledgerBalances, key)
}

export function projectionDoc(key: string, totals: Totals, at: Date): LedgerBalanceDoc {
  return {
    id: key,
    debitsPosted: fen(totals.debits),
    creditsPosted: fen(totals.credits),
    count: totals.count,
    updatedAt: at.toISOString(),
  }
}
