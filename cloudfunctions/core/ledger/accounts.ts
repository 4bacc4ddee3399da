import type { PaymentProvider } from '../../ports/payments'
import { LedgerError } from './errors'

/**
 * The ledger's accounts. Every movement of money is a transfer from one account (debit) to
 * another (credit); an account's balance is derived from its transfers and read on its normal
 * side (see accountKinds).
 */
export type LedgerAccount =
  /** Asset: money the provider collected for us and has yet to settle (or paid out as refunds). */
  | { kind: 'clearing'; provider: PaymentProvider }
  /** Liability: 可用余额 / 未预分配金额 of a user account. */
  | { kind: 'userFunds'; accountId: string }
  /** Liability: 卡上未圈存金额, assigned to a card and not yet written to its chip. */
  | { kind: 'cardUnloaded'; cardId: string }
  /** Written to the chip: moved to the issuer's purse, owed to the issuer that holds it. */
  | { kind: 'cardLoaded'; cardId: string }
  /** Liability: refunds owed to payers, per provider, until the provider has paid them. */
  | { kind: 'refundsPayable'; provider: PaymentProvider }
  /** Equity: funds held before the ledger existed (the demo seed's and a migration's opening balances). */
  | { kind: 'opening' }

export type LedgerAccountKind = LedgerAccount['kind']

export interface AccountKindRules {
  /** Prefix of the account key. */
  prefix: string
  class: 'asset' | 'liability' | 'equity'
  /**
   * The side on which the balance grows: assets are debit-normal (balance = debits − credits),
   * liabilities and equity credit-normal (balance = credits − debits).
   */
  normal: 'debit' | 'credit'
  /**
   * Cold accounts (one user, one card) keep a projection document (ledgerBalances) updated in
   * the posting transaction. Hot accounts (one per provider, or one for all) would make every
   * payment notification write the same document, which conflicts on CloudBase under load: they
   * have none, and their balance is summed from their transfers (reconciliation, not hot paths).
   */
  projected: boolean
  /**
   * Refused with INSUFFICIENT_FUNDS when a batch would take the balance below zero. Only a
   * projected account can be checked inside a transaction (no queries there); refundsPayable is
   * hot, so a negative balance of it is reported by verifyLedger instead.
   */
  neverNegative: boolean
}

/** The one place that says how each kind of account behaves. */
export const accountKinds: Readonly<Record<LedgerAccountKind, AccountKindRules>> = {
  clearing: { prefix: 'clearing', class: 'asset', normal: 'debit', projected: false, neverNegative: false },
  userFunds: { prefix: 'user', class: 'liability', normal: 'credit', projected: true, neverNegative: true },
  cardUnloaded: {
    prefix: 'card-unloaded',
    class: 'liability',
    normal: 'credit',
    projected: true,
    neverNegative: true,
  },
  cardLoaded: {
    prefix: 'card-loaded',
    class: 'liability',
    normal: 'credit',
    projected: true,
    neverNegative: true,
  },
  refundsPayable: {
    prefix: 'refunds',
    class: 'liability',
    normal: 'credit',
    projected: false,
    neverNegative: false,
  },
  opening: { prefix: 'opening', class: 'equity', normal: 'credit', projected: false, neverNegative: false },
}

const providers: readonly PaymentProvider[] = ['wechat', 'alipay']

/** Owner ids (user account, card) as they may appear in a key: what a document id may hold. */
const ownerIdPattern = /^[^\s/\\:][^\s/\\]{0,127}$/u

function ownerId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ownerIdPattern.test(value)) {
    throw new LedgerError('BAD_ACCOUNT', `invalid ${what}: ${JSON.stringify(value)}`)
  }
  return value
}

function provider(value: unknown): PaymentProvider {
  if (!providers.includes(value as PaymentProvider)) {
    throw new LedgerError('BAD_ACCOUNT', `unknown payment provider: ${JSON.stringify(value)}`)
  }
  return value as PaymentProvider
}

/**
 * The account's key: its projection's document id and what transfers store, e.g.
 * 'clearing:wechat', 'user:<accountId>', 'card-unloaded:<cardId>', 'card-loaded:<cardId>',
 * 'refunds:alipay', 'opening'. Throws BAD_ACCOUNT for an account that is not well formed.
 */
export function accountKey(account: LedgerAccount): string {
  switch (account?.kind) {
    case 'clearing':
      return `clearing:${provider(account.provider)}`
    case 'refundsPayable':
      return `refunds:${provider(account.provider)}`
    case 'userFunds':
      return `user:${ownerId(account.accountId, 'account id')}`
    case 'cardUnloaded':
      return `card-unloaded:${ownerId(account.cardId, 'card id')}`
    case 'cardLoaded':
      return `card-loaded:${ownerId(account.cardId, 'card id')}`
    case 'opening':
      return 'opening'
    default:
      throw new LedgerError('BAD_ACCOUNT', `unknown ledger account: ${JSON.stringify(account)}`)
  }
}

/** The account a key names; throws BAD_ACCOUNT for anything accountKey would not have produced. */
export function parseAccountKey(key: string): LedgerAccount {
  if (key === 'opening') return { kind: 'opening' }
  const colon = typeof key === 'string' ? key.indexOf(':') : -1
  if (colon > 0) {
    const prefix = key.slice(0, colon)
    const rest = key.slice(colon + 1)
    let account: LedgerAccount | null = null
    if (prefix === 'clearing') account = { kind: 'clearing', provider: rest as PaymentProvider }
    else if (prefix === 'refunds') account = { kind: 'refundsPayable', provider: rest as PaymentProvider }
    else if (prefix === 'user') account = { kind: 'userFunds', accountId: rest }
    else if (prefix === 'card-unloaded') account = { kind: 'cardUnloaded', cardId: rest }
    else if (prefix === 'card-loaded') account = { kind: 'cardLoaded', cardId: rest }
    // round trip: rejects what accountKey rejects (unknown provider, bad id)
    if (account && accountKey(account) === key) return account
  }
  throw new LedgerError('BAD_ACCOUNT', `not a ledger account key: ${JSON.stringify(key)}`)
}

export function rulesOf(account: LedgerAccount): AccountKindRules {
  const rules = accountKinds[account.kind]
  if (!rules) throw new LedgerError('BAD_ACCOUNT', `unknown ledger account: ${JSON.stringify(account)}`)
  return rules
}

/** The balance on the account's normal side, from what was debited and credited to it. */
export function normalBalance(kind: LedgerAccountKind, debits: number, credits: number): number {
  return accountKinds[kind].normal === 'debit' ? debits - credits : credits - debits
}
