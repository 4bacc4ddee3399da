import { randomBytes } from 'node:crypto'
import { signSessionToken, verifySessionToken } from '../sessionTokens'
import {
  isOperatorToken,
  operatorTokenKey,
  operatorTokenPrefix,
  signOperatorToken,
  verifyOperatorToken,
} from './operatorTokens'

const sessionKey = new Uint8Array(randomBytes(32))
const now = new Date('2025-06-15T02:00:00Z')
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000)

describe('operator tokens', () => {
  it('verify with the same session key, and carry the operator and its session', async () => {
    const { token, expiresAt } = await signOperatorToken(
      { operatorId: 'op-demo', sessionId: 's-1' },
      sessionKey,
      now,
    )
    expect(token.startsWith(operatorTokenPrefix)).toBe(true)
    expect(isOperatorToken(token)).toBe(true)
    expect(expiresAt.getTime() - now.getTime()).toBe(12 * 3600_000)
    expect(await verifyOperatorToken(token, sessionKey, later(60))).toEqual({
      ok: true,
      claims: { operatorId: 'op-demo', sessionId: 's-1' },
    })
  })

  it('are signed with a derived key, never the session key itself', () => {
    const key = operatorTokenKey(sessionKey)
    expect(key).toHaveLength(32)
    expect(Buffer.from(key).equals(Buffer.from(sessionKey))).toBe(false)
    expect(operatorTokenKey(sessionKey)).toBe(key)
  })

  it('expire, and answer expired only when genuinely signed', async () => {
    const { token } = await signOperatorToken({ operatorId: 'op', sessionId: 's' }, sessionKey, now, 60)
    expect(await verifyOperatorToken(token, sessionKey, later(61))).toEqual({ ok: false, reason: 'expired' })
    const otherKey = new Uint8Array(randomBytes(32))
    expect(await verifyOperatorToken(token, otherKey, later(61))).toEqual({ ok: false, reason: 'invalid' })
  })

  it('a driver token is no operator token, with or without the prefix', async () => {
    const driver = (await signSessionToken({ accountId: 'p-1', sessionId: 's-1' }, sessionKey, now)).token
    expect(isOperatorToken(driver)).toBe(false)
    expect(await verifyOperatorToken(driver, sessionKey, now)).toEqual({ ok: false, reason: 'notOperator' })
    expect(await verifyOperatorToken(operatorTokenPrefix + driver, sessionKey, now)).toEqual({
      ok: false,
      reason: 'invalid',
    })
  })

  it('an operator token is no driver token, with or without the prefix', async () => {
    const { token } = await signOperatorToken({ operatorId: 'op', sessionId: 's' }, sessionKey, now)
    expect(await verifySessionToken(token, sessionKey, now)).toEqual({ ok: false, reason: 'invalid' })
    const bare = token.slice(operatorTokenPrefix.length)
    expect(await verifySessionToken(bare, sessionKey, now)).toEqual({ ok: false, reason: 'invalid' })
  })

  it('a token altered in any part is refused', async () => {
    const { token } = await signOperatorToken({ operatorId: 'op', sessionId: 's' }, sessionKey, now)
    const [prefix, header, payload, signature] = token.split('.')
    // the second-to-last character: every one of its bits counts (the last may hold padding bits)
    const flip = (part: string) => part.slice(0, -2) + (part.at(-2) === 'A' ? 'B' : 'A') + part.slice(-1)
    for (const forged of [
      [prefix, flip(header), payload, signature],
      [prefix, header, flip(payload), signature],
      [prefix, header, payload, flip(signature)],
    ]) {
      expect(await verifyOperatorToken(forged.join('.'), sessionKey, now)).toEqual({
        ok: false,
        reason: 'invalid',
      })
    }
  })
})
