import { isStrongPassword } from '../passwords'
import {
  checkNewLoginName,
  checkOperatorSession,
  checkRoles,
  generateOperatorPassword,
  operatorLockoutTargetValue,
  operatorLoginKey,
  type OperatorSessionDoc,
} from './operatorAccounts'

const now = new Date('2025-06-15T02:00:00Z')

describe('operator accounts', () => {
  it('login names compare case- and width-insensitively; new ones follow the pattern', () => {
    expect(operatorLoginKey('  ＯＰ-Demo ')).toBe('op-demo')
    expect(checkNewLoginName('Wang.Fang')).toEqual({ ok: true, value: 'wang.fang' })
    for (const bad of ['ab', '1abc', 'has space', 'a'.repeat(33), '王芳', 'op/demo']) {
      expect([bad, checkNewLoginName(bad).ok]).toEqual([bad, false])
    }
  })

  it('roles are known ones, and an outlet operator names its outlet', () => {
    expect(checkRoles(['reconciliation', 'reconciliation'], null)).toEqual({
      ok: true,
      value: ['reconciliation'],
    })
    expect(checkRoles([], null).ok).toBe(false)
    expect(checkRoles(['admin'], null).ok).toBe(false)
    expect(checkRoles(['outlet'], null).ok).toBe(false)
    expect(checkRoles(['outlet'], 'xihu')).toEqual({ ok: true, value: ['outlet'] })
  })

  it('generated passwords are strong and differ', () => {
    const made = new Set(Array.from({ length: 50 }, () => generateOperatorPassword()))
    expect(made.size).toBe(50)
    for (const p of made) expect(isStrongPassword(p)).toBe(true)
    // even a random source that keeps drawing letters ends with a strong one
    let n = 0
    expect(isStrongPassword(generateOperatorPassword((max) => (n++ < 100 ? 0 : max - 1)))).toBe(true)
  })

  it('lockout targets are apart from the nickname ones', () => {
    expect(operatorLockoutTargetValue('OP-Demo')).toBe('operator-lockout-target\u0000op-demo')
  })

  it('a session lets its operator in only while live, after the last password change, and enabled', () => {
    const session: OperatorSessionDoc = {
      id: 's',
      operatorId: 'op',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
      revokedAt: null,
    }
    const operator = { disabled: false, passwordChangedAt: now.toISOString() }
    expect(checkOperatorSession(session, operator, now)).toEqual({ ok: true })
    expect(checkOperatorSession({ ...session, revokedAt: now.toISOString() }, operator, now)).toEqual({
      ok: false,
      reason: 'revoked',
    })
    expect(checkOperatorSession(session, operator, new Date(now.getTime() + 3600_000))).toEqual({
      ok: false,
      reason: 'expired',
    })
    expect(checkOperatorSession(session, { ...operator, disabled: true }, now)).toEqual({
      ok: false,
      reason: 'disabled',
    })
    const changed = new Date(now.getTime() + 1).toISOString()
    expect(checkOperatorSession(session, { ...operator, passwordChangedAt: changed }, now)).toEqual({
      ok: false,
      reason: 'stale',
    })
  })
})
