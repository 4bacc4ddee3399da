import { useCallback, useEffect, useRef, useState } from 'react'
import type { ActionName, ActionRequest, ActionResponse } from '../../types'
import { ApiError, call } from '../services/api'

export interface ApiQuery<T> {
  data: T | null
  loading: boolean
  error: ApiError | null
  refetch: () => Promise<void>
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('INTERNAL', '系统繁忙，请稍后再试', 500)
}

export { toApiError }

/** Runs one action when mounted (and when the payload changes); `enabled: false` waits. */
export function useApiQuery<A extends ActionName>(
  action: A,
  payload: ActionRequest<A>,
  options: { enabled?: boolean } = {},
): ApiQuery<ActionResponse<A>> {
  const enabled = options.enabled ?? true
  const key = JSON.stringify(payload)
  const [data, setData] = useState<ActionResponse<A> | null>(null)
  const [loading, setLoading] = useState(enabled)
  const [error, setError] = useState<ApiError | null>(null)
  const latest = useRef(0)
  const payloadRef = useRef(payload)
  payloadRef.current = payload

  const run = useCallback(async () => {
    const id = ++latest.current
    setLoading(true)
    setError(null)
    try {
      const result = await call(action, payloadRef.current)
      if (id === latest.current) setData(result)
    } catch (e) {
      if (id === latest.current) setError(toApiError(e))
    } finally {
      if (id === latest.current) setLoading(false)
    }
  }, [action])

  useEffect(() => {
    if (enabled) void run()
  }, [enabled, key, run])

  return { data, loading, error, refetch: run }
}
