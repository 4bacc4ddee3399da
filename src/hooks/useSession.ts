import { useEffect } from 'react'
import type { Me } from '../../types'
import { goToLogin, hasSession } from '../services/api'
import { useApiQuery } from './useApiQuery'
import type { ApiError } from '../services/api'

export interface Session {
  loggedIn: boolean
  me: Me | null
  loading: boolean
  error: ApiError | null
  refetch: () => Promise<void>
}

/**
 * Who is logged in, from 'account.me'. With `requireLogin`, a visitor without a session is
 * sent to the login page (an expired session is sent there by the API client).
 */
export function useSession(options: { requireLogin?: boolean } = {}): Session {
  const loggedIn = hasSession()
  const query = useApiQuery('account.me', {}, { enabled: loggedIn })
  const requireLogin = options.requireLogin ?? false

  useEffect(() => {
    if (requireLogin && !loggedIn) goToLogin()
  }, [requireLogin, loggedIn])

  return {
    loggedIn,
    me: query.data,
    loading: loggedIn && query.loading,
    error: query.error,
    refetch: query.refetch,
  }
}
