import { AsyncLocalStorage } from 'node:async_hooks'
import { StoreError } from '../ports/store'

/**
 * Marks the async flow of a transaction's fn, so a query issued from inside it through the
 * outer store is refused exactly as CloudBase would refuse it inside runTransaction.
 */
const insideTransaction = new AsyncLocalStorage<true>()

export function runInTransactionContext<R>(fn: () => Promise<R>): Promise<R> {
  return insideTransaction.run(true, fn)
}

export function refuseQueryInTransaction(operation: string): void {
  if (insideTransaction.getStore()) {
    throw new StoreError('QUERY_IN_TRANSACTION', `${operation} is not allowed inside a transaction`)
  }
}

/** Jittered backoff so conflicting transactions do not retry in lockstep. */
export function conflictBackoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(40, 2 ** Math.min(attempt, 6))
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export const maxTransactionAttempts = 60

export function cloneDoc<T>(doc: T): T {
  return structuredClone(doc)
}
