import { useEffect } from 'react'
import { goToLogin, hasSession } from '../services/api'

/**
 * Whether there is a session; without one the visitor is sent to the login page (and back to
 * `returnTo` after it, for pages opened from outside the app, such as a scanned code).
 */
export function useRequireLogin(returnTo?: string): boolean {
  const loggedIn = hasSession()
  useEffect(() => {
    if (!loggedIn) goToLogin(returnTo)
  }, [loggedIn, returnTo])
  return loggedIn
}
