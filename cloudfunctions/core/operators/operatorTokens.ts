import { hkdfSync } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { operatorSessionTtlSeconds } from './operatorAccounts'

/**
 * Operator tokens, built so that no driver token passes as one and no operator token passes as a
 * driver's, by three independent differences:
 * - the prefix `op.` in front of the JWT (a driver token has none; with it, a driver's verifier
 *   sees four segments and refuses the token before any key is tried);
 * - the key: HKDF-SHA256 of the session key with its own label, never the session key itself;
 * - the JWT header type `op+jwt` and the audience `operator` (a driver token says `JWT` / `api`).
 * The subject is the operator id, the JWT id the operatorSessions document.
 */

export const operatorTokenPrefix = 'op.'
const issuer = 'etc-self-service'
const audience = 'operator'
const tokenType = 'op+jwt'
const keyLabel = 'etc-self-service/operator-session-token/v1'

const derived = new WeakMap<Uint8Array, Uint8Array>()

/** The HS256 key of operator tokens, derived from (and never equal to) the driver session key. */
export function operatorTokenKey(sessionKey: Uint8Array): Uint8Array {
  let key = derived.get(sessionKey)
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', sessionKey, new Uint8Array(0), keyLabel, 32))
    derived.set(sessionKey, key)
  }
  return key
}

/** Whether the bearer token is of the operator kind (says nothing of its validity). */
export function isOperatorToken(token: string): boolean {
  return token.startsWith(operatorTokenPrefix)
}

export interface OperatorClaims {
  operatorId: string
  sessionId: string
}

export type OperatorTokenCheck =
  { ok: true; claims: OperatorClaims } | { ok: false; reason: 'notOperator' | 'expired' | 'invalid' }

export async function signOperatorToken(
  claims: OperatorClaims,
  sessionKey: Uint8Array,
  now: Date,
  ttlSeconds = operatorSessionTtlSeconds,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000)
  const exp = iat + ttlSeconds
  const jwt = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: tokenType })
    .setSubject(claims.operatorId)
    .setJti(claims.sessionId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(operatorTokenKey(sessionKey))
  return { token: operatorTokenPrefix + jwt, expiresAt: new Date(exp * 1000) }
}

export async function verifyOperatorToken(
  token: string,
  sessionKey: Uint8Array,
  now: Date,
): Promise<OperatorTokenCheck> {
  if (!isOperatorToken(token)) return { ok: false, reason: 'notOperator' }
  try {
    const { payload } = await jwtVerify(
      token.slice(operatorTokenPrefix.length),
      operatorTokenKey(sessionKey),
      {
        algorithms: ['HS256'],
        issuer,
        audience,
        typ: tokenType,
        currentDate: now,
        requiredClaims: ['sub', 'jti', 'exp'],
      },
    )
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string')
      return { ok: false, reason: 'invalid' }
    return { ok: true, claims: { operatorId: payload.sub, sessionId: payload.jti } }
  } catch (error) {
    // Only a genuinely signed but stale token is "expired"; anything else may be forged.
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' }
    return { ok: false, reason: 'invalid' }
  }
}
