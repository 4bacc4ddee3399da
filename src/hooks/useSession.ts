import { useEffect, useState } from 'react'
import Taro from '@tarojs/taro'
import type { Me } from '../../types'
import { goToLogin, hasSession, SESSION_CHANGED } from '../services/api'
import { whenSessionSettled } from '../services/api/launch'
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
  const [loggedIn, setLoggedIn] = useState(hasSession)
  // a session can arrive after the first render (Alipay resumes it at launch) or go away
  useEffect(() => {
    const update = () => setLoggedIn(hasSession())
    Taro.eventCenter.on(SESSION_CHANGED, update)
    return () => {
      Taro.eventCenter.off(SESSION_CHANGED, update)
    }
  }, [])
  const query = useApiQuery('account.me', {}, { enabled: loggedIn })
  const requireLogin = options.requireLogin ?? false

  useEffect(() => {
    if (!requireLogin || loggedIn) return
    let active = true
    void whenSessionSettled().then(() => {
      if (active && !hasSession()) goToLogin()
    })
    return () => {
      active = false
    }
  }, [requireLogin, loggedIn])

  return {
    loggedIn,
    me: query.data,
    loading: loggedIn && query.loading,
    error: query.error,
    refetch: query.refetch,
  }
}
