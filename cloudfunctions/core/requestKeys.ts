import { createHash } from 'node:crypto'

/**
 * The document id of a client's idempotency key: the key hashed with its account and kind, so keys
 * never collide across them. Fleet batches, recharges and allocations all key their requests so.
 * Free of zod on purpose: the payment notification functions load it.
 */
export function requestKeyDocId(accountId: string, kind: string, key: string): string {
  const digest = createHash('sha256').update(`${accountId}\n${kind}\n${key}`).digest('hex')
  return `batch-${digest.slice(0, 40)}`
}
