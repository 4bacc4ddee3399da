import { maxQueryLimit, type Doc, type Store } from '../../ports/store'
import { fen, type Fen } from '../../../types/money'
import { collections, type LedgerBalanceDoc, type TransferDoc } from '../documents'
import { accountKinds, normalBalance, parseAccountKey, type LedgerAccountKind } from './accounts'
import { LedgerError } from './errors'
import { totalsOf, type Totals } from './projections'
import { transferReasons, transferSortKey } from './transferRules'

/**
 * Reconciliation of the ledger with itself: every balance rebuilt from the transfers, compared
 * with the projections. Reads both collections whole, page by page: a nightly job's work.
 */

export interface ProjectionMismatch {
  account: string
  /** Rebuilt from the transfers (zeros when the account has none). */
  expected: Totals
  /** As the projection document says; null when it is missing. */
  projected: Totals | null
}

export interface LedgerReport {
  /** True when nothing below needs attention. */
  ok: boolean
  transfers: number
  /** Sum of every transfer's debit side and of every credit side: always equal in a sound ledger. */
  totalDebits: Fen
  totalCredits: Fen
  /** Normal-side balance of every account with transfers, keyed by accountKey. */
  balances: Map<string, Fen>
  /** Projections that disagree with the transfers, are missing, or have no account behind them. */
  mismatches: ProjectionMismatch[]
  /** Transfer documents the ledger would never have written (tampered or corrupted). */
  malformed: Array<{ id: string; problem: string }>
  /** Accounts below zero that must not be (refundsPayable included: it is checked only here). */
  negative: Array<{ account: string; balance: Fen }>
}

async function* everyDoc<T extends Doc>(store: Store, collection: string): AsyncGenerator<T> {
  let after: string | undefined
  do {
    const page = await store.query<T>(collection, { limit: maxQueryLimit, after })
    yield* page.items
    after = page.nextCursor ?? undefined
  } while (after)
}

function kindOf(key: string): LedgerAccountKind | null {
  try {
    return parseAccountKey(key).kind
  } catch (error) {
    if (error instanceof LedgerError) return null
    throw error
  }
}

function problemOf(t: TransferDoc): string | null {
  if (!Number.isSafeInteger(t.amount) || t.amount <= 0) return `amount ${String(t.amount)}`
  if (kindOf(t.debit) === null) return `debit ${JSON.stringify(t.debit)} is not an account`
  if (kindOf(t.credit) === null) return `credit ${JSON.stringify(t.credit)} is not an account`
  if (t.debit === t.credit) return 'debit and credit are the same account'
  if (!transferReasons.includes(t.reason)) return `reason ${JSON.stringify(t.reason)}`
  if (typeof t.postedAt !== 'string' || t.sortKey !== transferSortKey(t.postedAt, t.id)) return 'sort key'
  return null
}

const same = (a: Totals, b: Totals) => a.debits === b.debits && a.credits === b.credits && a.count === b.count

export async function verifyLedger(store: Store): Promise<LedgerReport> {
  const rebuilt = new Map<string, Totals>()
  const add = (key: string, side: 'debits' | 'credits', amount: number) => {
    const totals = rebuilt.get(key) ?? { debits: 0, credits: 0, count: 0 }
    totals[side] += amount
    totals.count += 1
    rebuilt.set(key, totals)
  }
  let transfers = 0
  let totalDebits = 0
  let totalCredits = 0
  const malformed: LedgerReport['malformed'] = []
  for await (const t of everyDoc<TransferDoc & Doc>(store, collections.ledgerTransfers)) {
    transfers += 1
    const problem = problemOf(t)
    if (problem) {
      malformed.push({ id: t.id, problem })
      continue
    }
    add(t.debit, 'debits', t.amount)
    add(t.credit, 'credits', t.amount)
    totalDebits += t.amount
    totalCredits += t.amount
  }

  const mismatches: ProjectionMismatch[] = []
  const seen = new Set<string>()
  for await (const doc of everyDoc<LedgerBalanceDoc & Doc>(store, collections.ledgerBalances)) {
    seen.add(doc.id)
    const kind = kindOf(doc.id)
    const expected = rebuilt.get(doc.id) ?? totalsOf(null)
    const projected = totalsOf(doc)
    if (kind === null || !accountKinds[kind].projected || !same(expected, projected)) {
      mismatches.push({ account: doc.id, expected, projected })
    }
  }

  const balances = new Map<string, Fen>()
  const negative: LedgerReport['negative'] = []
  for (const [key, totals] of rebuilt) {
    const kind = kindOf(key)!
    const balance = fen(normalBalance(kind, totals.debits, totals.credits))
    balances.set(key, balance)
    const rules = accountKinds[kind]
    if (balance < 0 && rules.class === 'liability') negative.push({ account: key, balance })
    if (rules.projected && !seen.has(key))
      mismatches.push({ account: key, expected: totals, projected: null })
  }

  return {
    ok:
      mismatches.length === 0 &&
      malformed.length === 0 &&
      negative.length === 0 &&
      totalDebits === totalCredits,
    transfers,
    totalDebits: fen(totalDebits),
    totalCredits: fen(totalCredits),
    balances,
    mismatches,
    malformed,
    negative,
  }
}
