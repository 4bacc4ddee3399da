/**
 * Why the ledger refused something. Every refusal is raised before the ledger writes anything,
 * so a caller that catches it inside its transaction still commits nothing of the batch.
 */
export type LedgerErrorCode =
  /** Not a transfer the ledger accepts: amount, accounts, reason, ref, id or instant. */
  | 'INVALID_TRANSFER'
  /** The batch would take a never-negative account below zero. */
  | 'INSUFFICIENT_FUNDS'
  /** A transfer id exists with other content, or only part of the batch exists. */
  | 'IDEMPOTENCY_MISMATCH'
  /** Not an account key, or an account the operation does not apply to. */
  | 'BAD_ACCOUNT'

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    /** The account key concerned, where there is one (e.g. the account that would go negative). */
    readonly account?: string,
  ) {
    super(message)
    this.name = 'LedgerError'
  }
}
