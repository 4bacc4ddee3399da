import Taro from '@tarojs/taro'
import type { LoginNext, LoginResult } from '../../../types'

const SESSION_KEY = 'etc.session'
export const LOGIN_URL = '/packages/auth/pages/login/index'
export const HOME_URL = '/pages/home/index'

/** A login step still to do before the session reaches an account (binding, legacy confirm, choice). */
export type PendingStep = Exclude<LoginNext, 'home'>

export interface StoredSession {
  /** Bearer token for Alipay and H5; absent on WeChat, where the cloud identity is the session. */
  token?: string
  expiresAt: string
  /** Set while the login still has a step to do: the session may only call the auth actions. */
  pending?: PendingStep
  /** How the user logged in: only nickname users have a password to change. */
  principal?: PrincipalKind
}

export type PrincipalKind = LoginResult['principal']['kind']

/** Fired on Taro.eventCenter whenever the stored session is saved or cleared. */
export const SESSION_CHANGED = 'etc:session-changed'

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.expiresAt === 'string' &&
    (v.token === undefined || typeof v.token === 'string') &&
    (v.pending === undefined || typeof v.pending === 'string') &&
    (v.principal === undefined || v.principal === 'phone' || v.principal === 'nickname')
  )
}

function changed(): void {
  Taro.eventCenter.trigger(SESSION_CHANGED)
}

/** The session a login step answered; `pending` tells what the user must still do. */
export function sessionOfLogin(login: LoginResult): StoredSession {
  return {
    ...(login.token ? { token: login.token } : {}),
    expiresAt: login.expiresAt,
    ...(login.next === 'home' ? {} : { pending: login.next }),
    principal: login.principal.kind,
  }
}

/** 'nickname' when the stored session came from a nickname login. */
export function loginKind(): PrincipalKind | null {
  return readSession()?.principal ?? null
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
  changed()
}

export function clearSession(): void {
  try {
    Taro.removeStorageSync(SESSION_KEY)
  } catch {
    // storage unavailable: nothing to clear
  }
  changed()
}

/** Logged in to an account (a login with a step still to do does not count). */
export function hasSession(): boolean {
  const session = readSession()
  return session !== null && session.pending === undefined
}

/** Ask for a fresh token when the stored expiry is this close (sessions last 7 days). */
export const REFRESH_AHEAD_MS = 24 * 3600 * 1000

/**
 * Whether to call auth.refresh now. Only *when* to ask is decided here; whether the session is
 * still valid is the server's answer (a wrong phone clock at worst asks too early or too late).
 */
export function refreshDue(session: StoredSession | null, now: number = Date.now()): boolean {
  if (!session || session.pending !== undefined) return false
  const expires = Date.parse(session.expiresAt)
  return Number.isFinite(expires) && expires - now < REFRESH_AHEAD_MS
}

export function sessionToken(): string | null {
  return readSession()?.token ?? null
}

let redirecting = false

const RETURN_KEY = 'etc.returnAfterLogin'
/** A page asked for before the login is only worth returning to shortly after (a scanned code). */
const RETURN_TTL_MS = 15 * 60_000

/**
 * The page to open once the login reaches the account instead of home (taken once), when a page
 * reached from outside (the outlet's payment code) asked to come back.
 */
export function takeReturnPage(now = Date.now()): string | null {
  try {
    const value: unknown = Taro.getStorageSync(RETURN_KEY)
    Taro.removeStorageSync(RETURN_KEY)
    if (typeof value !== 'object' || value === null) return null
    const v = value as { url?: unknown; at?: unknown }
    if (typeof v.url !== 'string' || !v.url.startsWith('/packages/') || typeof v.at !== 'number') return null
    return now - v.at <= RETURN_TTL_MS ? v.url : null
  } catch {
    return null
  }
}

/**
 * Clears the session and sends the user to the login page (once, however many calls fail together);
 * `returnTo`: the page to come back to after the login.
 */
export function goToLogin(returnTo?: string): void {
  if (returnTo) {
    try {
      Taro.setStorageSync(RETURN_KEY, { url: returnTo, at: Date.now() })
    } catch {
      // storage unavailable: the login ends at home as usual
    }
  }
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
