import { randomBytes } from 'node:crypto'
import { sessionTtlSeconds, signSessionToken, verifySessionToken } from './sessionTokens'

const key = new Uint8Array(randomBytes(32))
const now = new Date('2025-03-01T02:00:00Z')
const claims = { accountId: 'acc-1', sessionId: 'sess-1' }

test('a signed token verifies and carries its claims', async () => {
  const { token, expiresAt } = await signSessionToken(claims, key, now)
  expect(expiresAt.getTime() - now.getTime()).toBe(sessionTtlSeconds * 1000)
  expect(await verifySessionToken(token, key, new Date(now.getTime() + 1000))).toEqual({ ok: true, claims })
})

test('expires at exp', async () => {
  const { token, expiresAt } = await signSessionToken(claims, key, now, 60)
  expect(await verifySessionToken(token, key, new Date(expiresAt.getTime() + 1000))).toEqual({
    ok: false,
    reason: 'expired',
  })
})

test('another key, a changed payload or garbage is invalid, never expired', async () => {
  const { token } = await signSessionToken(claims, key, now)
  const other = new Uint8Array(randomBytes(32))
  expect(await verifySessionToken(token, other, now)).toEqual({ ok: false, reason: 'invalid' })
  const [h, p, s] = token.split('.')
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
  const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'acc-2' })).toString('base64url')
  expect(await verifySessionToken(`${h}.${forged}.${s}`, key, now)).toEqual({ ok: false, reason: 'invalid' })
  expect(await verifySessionToken('not.a.token', key, now)).toEqual({ ok: false, reason: 'invalid' })
  // an expired token signed with another key is still "invalid": expiry is only trusted after the signature
  const { token: stale } = await signSessionToken(claims, other, now, 1)
  expect(await verifySessionToken(stale, key, new Date(now.getTime() + 10_000))).toEqual({
    ok: false,
    reason: 'invalid',
  })
})

test('alg none is refused', async () => {
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
  const body = Buffer.from(JSON.stringify({ sub: 'acc-1', jti: 's', exp: 9999999999 })).toString('base64url')
  expect(await verifySessionToken(`${header}.${body}.`, key, now)).toEqual({ ok: false, reason: 'invalid' })
})
