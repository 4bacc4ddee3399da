import Taro from '@tarojs/taro'
import type { OperatorProfile, OperatorRole } from '../../../../types/actions/operator'

/**
 * The operator's session on this device, kept under its own storage key: a driver session
 * (src/services/api/session.ts, `etc.session`) and an operator session never share a token, and
 * logging in or out as one leaves the other as it is.
 */
const OPERATOR_SESSION_KEY = 'etc.operatorSession'

export interface OperatorSession {
  token: string
  expiresAt: string
  operator: OperatorProfile
}

function isProfile(value: unknown): value is OperatorProfile {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.loginName === 'string' &&
    typeof v.name === 'string' &&
    Array.isArray(v.roles) &&
    v.roles.every((r) => typeof r === 'string') &&
    (v.outletId === null || typeof v.outletId === 'string')
  )
}

function isOperatorSession(value: unknown): value is OperatorSession {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v.token === 'string' && typeof v.expiresAt === 'string' && isProfile(v.operator)
}

export function readOperatorSession(): OperatorSession | null {
  try {
    const value: unknown = Taro.getStorageSync(OPERATOR_SESSION_KEY)
    // Expiry is the server's call (SESSION_EXPIRED clears the session): the device's clock may be wrong.
    return isOperatorSession(value) ? value : null
  } catch {
    return null
  }
}

export function saveOperatorSession(session: OperatorSession): void {
  Taro.setStorageSync(OPERATOR_SESSION_KEY, session)
}

export function clearOperatorSession(): void {
  try {
    Taro.removeStorageSync(OPERATOR_SESSION_KEY)
  } catch {
    // storage unavailable: nothing to clear
  }
}

export function operatorHasRole(session: OperatorSession | null, role: OperatorRole): boolean {
  return session !== null && session.operator.roles.includes(role)
}
