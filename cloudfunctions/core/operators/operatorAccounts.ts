import { randomInt } from 'node:crypto'
import { operatorRoles, type OperatorRole } from '../../../types/actions/operator'
import type { Instant } from '../documents'
import { isStrongPassword } from '../passwords'

/**
 * Operator accounts: staff, not drivers. They are made, disabled and given new passwords only by
 * the provisioning command (tools/cloudbase/operator-cli.ts); no action creates one. An operator
 * has its own collection, its own sessions (operatorSessions) and its own token kind
 * (operatorTokens.ts), so nothing of a driver's login reaches an operator action or back.
 */

export { operatorRoles, type OperatorRole }

export interface OperatorDoc {
  /** operatorId(loginName): the login name's key, so a name can exist once. */
  id: string
  /** As created (lower case). */
  loginName: string
  /** Shown on the operator pages, e.g. 对账专员 王芳. */
  name: string
  /** core/passwords.ts (scrypt). */
  passwordHash: string
  roles: OperatorRole[]
  /** The outlet of an outlet operator (issue 10); null for the others. */
  outletId: string | null
  /** A disabled operator cannot log in, and its sessions stop working. */
  disabled: boolean
  createdAt: Instant
  updatedAt: Instant
  /** Sessions opened before this no longer count (a reset ends them). */
  passwordChangedAt: Instant
  lastLoginAt: Instant | null
}

export interface OperatorSessionDoc {
  id: string
  operatorId: string
  createdAt: Instant
  expiresAt: Instant
  revokedAt: Instant | null
  /**
   * Opened in the WeChat mini-program: the keyed hash of the OPENID that logged in (never the
   * OPENID), the only caller the session then serves; null or absent: an HTTP session, which no
   * WeChat caller may use.
   */
  wechatCaller?: string | null
}

/** A work shift: operators log in again every day; there is no refresh. */
export const operatorSessionTtlSeconds = 12 * 3600

/** New login names: 3–32 characters, a letter first, then letters, digits, `.`, `_` or `-`. */
export const loginNamePattern = /^[a-z][a-z0-9._-]{2,31}$/

/** How a typed login name is compared: trimmed, width-folded, lower case. */
export function operatorLoginKey(loginName: string): string {
  return loginName.trim().normalize('NFKC').toLowerCase()
}

/** The document id of a login name (the key itself: one operator per name). */
export function operatorId(loginName: string): string {
  return operatorLoginKey(loginName)
}

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string }

export function checkNewLoginName(loginName: string): Checked<string> {
  const key = operatorLoginKey(loginName)
  if (!loginNamePattern.test(key)) {
    return { ok: false, message: '登录名须为3-32位，以字母开头，只含字母、数字、点、下划线或连字符' }
  }
  return { ok: true, value: key }
}

export function checkOperatorName(name: string): Checked<string> {
  const value = name.trim()
  if (value.length === 0 || value.length > 40 || /[\p{C}]/u.test(value)) {
    return { ok: false, message: '姓名须为1-40个字符' }
  }
  return { ok: true, value }
}

export function checkRoles(roles: readonly string[], outletId: string | null): Checked<OperatorRole[]> {
  const unique = [...new Set(roles)]
  if (unique.length === 0) return { ok: false, message: `至少需要一个角色：${operatorRoles.join(', ')}` }
  const unknown = unique.filter((r) => !(operatorRoles as readonly string[]).includes(r))
  if (unknown.length > 0)
    return { ok: false, message: `未知角色 ${unknown.join(', ')}（可用：${operatorRoles.join(', ')}）` }
  if (unique.includes('outlet') && !outletId)
    return { ok: false, message: 'outlet 角色必须指定网点（outletId）' }
  return { ok: true, value: unique as OperatorRole[] }
}

export function hasRole(operator: Pick<OperatorDoc, 'roles'>, role: OperatorRole): boolean {
  return operator.roles.includes(role)
}

/**
 * What the keyed hash naming a login target is taken of (the lockout of core/loginLockout.ts):
 * apart from the nickname targets, so an operator name and a driver nickname never share counters.
 */
export function operatorLockoutTargetValue(loginName: string): string {
  return `operator-lockout-target\u0000${operatorLoginKey(loginName)}`
}

/** Letters and digits that read unambiguously (no 0/O, 1/l/I), for passwords shown once. */
const passwordAlphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** A new random password, 16 characters, always passing isStrongPassword. */
export function generateOperatorPassword(random: (max: number) => number = randomInt): string {
  for (;;) {
    let out = ''
    for (let i = 0; i < 16; i++) out += passwordAlphabet[random(passwordAlphabet.length)]
    if (isStrongPassword(out)) return out
  }
}

export function newOperatorDoc(fields: {
  loginName: string
  name: string
  passwordHash: string
  roles: OperatorRole[]
  outletId: string | null
  now: Date
}): OperatorDoc {
  const at = fields.now.toISOString()
  return {
    id: operatorId(fields.loginName),
    loginName: operatorLoginKey(fields.loginName),
    name: fields.name,
    passwordHash: fields.passwordHash,
    roles: fields.roles,
    outletId: fields.outletId,
    disabled: false,
    createdAt: at,
    updatedAt: at,
    passwordChangedAt: at,
    lastLoginAt: null,
  }
}

export type SessionCheck = { ok: true } | { ok: false; reason: 'revoked' | 'expired' | 'stale' | 'disabled' }

/**
 * Whether a stored session still lets its operator in: not revoked, not expired, opened after the
 * last password change, and the operator not disabled.
 */
export function checkOperatorSession(
  session: OperatorSessionDoc,
  operator: Pick<OperatorDoc, 'disabled' | 'passwordChangedAt'>,
  now: Date,
): SessionCheck {
  if (session.revokedAt) return { ok: false, reason: 'revoked' }
  if (Date.parse(session.expiresAt) <= now.getTime()) return { ok: false, reason: 'expired' }
  if (operator.disabled) return { ok: false, reason: 'disabled' }
  if (Date.parse(session.createdAt) < Date.parse(operator.passwordChangedAt))
    return { ok: false, reason: 'stale' }
  return { ok: true }
}
