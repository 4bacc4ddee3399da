import Taro from '@tarojs/taro'

const SESSION_KEY = 'etc.session'
export const LOGIN_URL = '/packages/auth/pages/login/index'
export const HOME_URL = '/pages/home/index'

export interface StoredSession {
  /** Bearer token for Alipay and H5; absent on WeChat, where the cloud identity is the session. */
  token?: string
  expiresAt: string
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.expiresAt === 'string' && (v.token === undefined || typeof v.token === 'string')
}

export function readSession(): StoredSession | null {
  try {
    const value: unknown = Taro.getStorageSync(SESSION_KEY)
    // Expiry is the server's call (SESSION_EXPIRED clears the session): the phone's clock may be wrong.
    return isStoredSession(value) ? value : null
  } catch {
    return null
  }
}

export function saveSession(session: StoredSession): void {
  Taro.setStorageSync(SESSION_KEY, session)
}

export function clearSession(): void {
  try {
    Taro.removeStorageSync(SESSION_KEY)
  } catch {
    // storage unavailable: nothing to clear
  }
}

export function hasSession(): boolean {
  return readSession() !== null
}

export function sessionToken(): string | null {
  return readSession()?.token ?? null
}

let redirecting = false

/** Clears the session and sends the user to the login page (once, however many calls fail together). */
export function goToLogin(): void {
  clearSession()
  if (redirecting) return
  redirecting = true
  Taro.reLaunch({ url: LOGIN_URL }).then(
    () => {
      redirecting = false
    },
    () => {
      redirecting = false
    },
  )
}
