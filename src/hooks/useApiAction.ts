import { useCallback, useRef, useState } from 'react'
import type { ActionName, ActionRequest, ActionResponse } from '../../types'
import { call, type ApiError } from '../services/api'
import { toApiError } from './useApiQuery'

export interface ApiAction<A extends ActionName> {
  /** Runs the action; resolves with its answer, or null when it failed (see `error`). */
  run: (payload: ActionRequest<A>) => Promise<ActionResponse<A> | null>
  running: boolean
  error: ApiError | null
  reset: () => void
}

/** An action the user triggers (show balances, switch authorization…): one at a time. */
export function useApiAction<A extends ActionName>(action: A): ApiAction<A> {
  const [running, setRunning] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const busy = useRef(false)

  const run = useCallback(
    async (payload: ActionRequest<A>): Promise<ActionResponse<A> | null> => {
      if (busy.current) return null
      busy.current = true
      setRunning(true)
      setError(null)
      try {
        return await call(action, payload)
      } catch (e) {
        setError(toApiError(e))
        return null
      } finally {
        busy.current = false
        setRunning(false)
      }
    },
    [action],
  )

  const reset = useCallback(() => setError(null), [])
  return { run, running, error, reset }
}
