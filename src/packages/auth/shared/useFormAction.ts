import { useCallback, useRef, useState } from 'react'
import { ApiError, errorMessage } from '../../../services/api'

export interface FormAction {
  busy: boolean
  /** The problem to show: a client check or the server's message as given. */
  message: string | null
  /** Per-field messages the server answered (ApiError.fields). */
  fields: Record<string, string>
  setMessage: (message: string | null) => void
  /**
   * Checks first (a message stops it), then runs the request once at a time. Answers the request's
   * result, or null when it did not run or failed (the message is set; `onError` may react too).
   */
  run: <T>(
    problem: string | null,
    request: () => Promise<T>,
    onError?: (error: unknown) => void,
  ) => Promise<T | null>
}

export function useFormAction(): FormAction {
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  const [fields, setFields] = useState<Record<string, string>>({})
  const running = useRef(false)

  const run = useCallback(
    async <T>(problem: string | null, request: () => Promise<T>, onError?: (error: unknown) => void) => {
      if (running.current) return null
      setFields({})
      if (problem) {
        setMessage(problem)
        return null
      }
      setMessage(null)
      running.current = true
      setBusy(true)
      try {
        return await request()
      } catch (e) {
        setMessage(errorMessage(e))
        if (e instanceof ApiError) setFields(e.fields)
        onError?.(e)
        return null
      } finally {
        running.current = false
        setBusy(false)
      }
    },
    [],
  )

  return { busy, message, fields, setMessage, run }
}
