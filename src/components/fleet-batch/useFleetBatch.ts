import { useCallback, useRef, useState } from 'react'
import type { ActionName, ActionRequest, ActionResponse } from '../../../types'
import type { BatchProgress, BatchRequestFields } from '../../../types/batches'
import { ApiError, call } from '../../services/api'

/** Actions that run as fleet batches (types/batches.ts): they take a key and answer progress. */
export type BatchAction = {
  [A in ActionName]: ActionResponse<A> extends BatchProgress
    ? ActionRequest<A> extends BatchRequestFields
      ? A
      : never
    : never
}[ActionName]

/** The request of a batch action without what the hook adds (key, continuation). */
export type BatchPayload<A extends BatchAction> = Omit<ActionRequest<A>, 'batchKey' | 'continuation'>

/**
 * idle: nothing run yet (or refused); running: calls in flight; interrupted: a call failed after
 * the batch may have begun, `resume` finishes it; done: the counts are final.
 */
export type BatchPhase = 'idle' | 'running' | 'interrupted' | 'done'

export interface FleetBatch<A extends BatchAction> {
  phase: BatchPhase
  /** The last answer's progress: the batch's counts so far (every call's work). */
  progress: BatchProgress | null
  error: ApiError | null
  /** Starts a batch with a new key; resolves with the final answer, or null if it did not finish. */
  start: (
    payload: BatchPayload<A>,
    onAnswer?: (answer: ActionResponse<A>) => void,
  ) => Promise<ActionResponse<A> | null>
  /** After an interruption: the same request and key again, which completes the batch exactly once. */
  resume: () => Promise<ActionResponse<A> | null>
  reset: () => void
}

/** Most calls one batch may take (a 10,000-vehicle fleet needs ~30). */
const MAX_CALLS = 500

/** Failures that say nothing about the batch (it may have been applied in part): retry with the key. */
function interrupts(error: ApiError): boolean {
  return (
    error.code === 'NETWORK' ||
    error.code === 'INTERNAL' ||
    error.code === 'CONFLICT' ||
    error.code === 'RATE_LIMITED'
  )
}

/** A key for one user intent: unique enough per account, no platform crypto needed. */
export function newBatchKey(): string {
  const random = () =>
    Math.floor(Math.random() * 36 ** 8)
      .toString(36)
      .padStart(8, '0')
  return `b${Date.now().toString(36)}${random()}${random()}`
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : ApiError.network()
}

/**
 * Runs one fleet batch: picks the key, follows continuations until done, and after a failure
 * repeats the last call once on its own (a killed function usually applied part of the batch);
 * if that fails too, the batch is `interrupted` and `resume` tries again with the same key.
 */
export function useFleetBatch<A extends BatchAction>(action: A): FleetBatch<A> {
  const [phase, setPhase] = useState<BatchPhase>('idle')
  const [progress, setProgress] = useState<BatchProgress | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const current = useRef<{
    payload: BatchPayload<A>
    key: string
    continuation: string | null
    onAnswer?: (answer: ActionResponse<A>) => void
  } | null>(null)
  const busy = useRef(false)

  const drive = useCallback(async (): Promise<ActionResponse<A> | null> => {
    const run = current.current
    if (!run || busy.current) return null
    busy.current = true
    setPhase('running')
    setError(null)
    let retried = false
    try {
      for (let calls = 0; calls < MAX_CALLS; calls++) {
        const request = {
          ...run.payload,
          batchKey: run.key,
          ...(run.continuation ? { continuation: run.continuation } : {}),
        } as ActionRequest<A>
        let answer: ActionResponse<A>
        try {
          answer = await call(action, request)
        } catch (e) {
          const failure = asApiError(e)
          if (interrupts(failure) && !retried) {
            retried = true
            continue
          }
          setError(failure)
          // a refusal (bad selection, key reused…) stays refused however often it is sent
          setPhase(interrupts(failure) ? 'interrupted' : 'idle')
          return null
        }
        retried = false
        // every batch action answers BatchProgress (BatchAction)
        const answered = answer as ActionResponse<A> & BatchProgress
        setProgress(answered)
        run.onAnswer?.(answer)
        run.continuation = answered.continuation
        if (answered.state === 'done') {
          setPhase('done')
          return answer
        }
      }
      setError(ApiError.network())
      setPhase('interrupted')
      return null
    } finally {
      busy.current = false
    }
  }, [action])

  const start = useCallback<FleetBatch<A>['start']>(
    (payload, onAnswer) => {
      if (busy.current) return Promise.resolve(null)
      current.current = { payload, key: newBatchKey(), continuation: null, onAnswer }
      setProgress(null)
      return drive()
    },
    [drive],
  )

  const resume = useCallback(() => drive(), [drive])

  const reset = useCallback(() => {
    if (busy.current) return
    current.current = null
    setPhase('idle')
    setProgress(null)
    setError(null)
  }, [])

  return { phase, progress, error, start, resume, reset }
}
