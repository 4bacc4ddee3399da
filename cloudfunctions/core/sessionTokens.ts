import { errors, jwtVerify, SignJWT } from 'jose'

/** Session token lifetime for Alipay and H5; WeChat sessions are OPENID bindings instead. */
export const sessionTtlSeconds = 7 * 24 * 3600
export const wechatBindingTtlSeconds = 30 * 24 * 3600

const issuer = 'etc-self-service'
const audience = 'api'

export interface SessionClaims {
  accountId: string
  sessionId: string
}

export type TokenCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: 'expired' | 'invalid' }

export async function signSessionToken(
  claims: SessionClaims,
  key: Uint8Array,
  now: Date,
  ttlSeconds = sessionTtlSeconds,
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000)
  const exp = iat + ttlSeconds
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.accountId)
    .setJti(claims.sessionId)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key)
  return { token, expiresAt: new Date(exp * 1000) }
}

export async function verifySessionToken(token: string, key: Uint8Array, now: Date): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer,
      audience,
      currentDate: now,
      requiredClaims: ['sub', 'jti', 'exp'],
    })
    if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string')
      return { ok: false, reason: 'invalid' }
    return { ok: true, claims: { accountId: payload.sub, sessionId: payload.jti } }
  } catch (error) {
    // Only a genuinely signed but stale token is "expired"; anything else may be forged.
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' }
    return { ok: false, reason: 'invalid' }
  }
}
