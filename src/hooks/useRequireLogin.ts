import { useEffect } from 'react'
import { goToLogin, hasSession } from '../services/api'

/** Whether there is a session; without one the visitor is sent to the login page. */
export function useRequireLogin(): boolean {
  const loggedIn = hasSession()
  useEffect(() => {
    if (!loggedIn) goToLogin()
  }, [loggedIn])
  return loggedIn
}
