import { useCallback, useRef } from 'react'
import { newBatchKey } from '../../components/fleet-batch/useFleetBatch'

export interface IntentKey {
  /**
   * The idempotency key of this request: the key of the last one when it is the same request
   * again (a retry after a lost or refused answer), a fresh key for anything else.
   */
  keyFor: (request: unknown) => string
  /** The intent is done (answered): the next request is a new one, whatever it asks. */
  finish: () => void
}

/**
 * One key per user intent (types/batches.ts): the server makes one order or one allocation per
 * key, so a retry after a lost answer finds what the first try did instead of doing it twice.
 * `request` is what the user chose, without the key and without one-time values (an auth code).
 */
export function useIntentKey(): IntentKey {
  const current = useRef<{ signature: string; key: string } | null>(null)
  const keyFor = useCallback((request: unknown) => {
    const signature = JSON.stringify(request)
    if (current.current?.signature !== signature) current.current = { signature, key: newBatchKey() }
    return current.current.key
  }, [])
  const finish = useCallback(() => {
    current.current = null
  }, [])
  return { keyFor, finish }
}
