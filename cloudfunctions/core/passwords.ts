import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto'
import { passwordRules } from '../../types/authRules'

/**
 * Nickname passwords: scrypt with a per-user salt. The stored form names its parameters so
 * they can be raised later without invalidating existing hashes. Passwords are never logged.
 */
const params = { N: 16384, r: 8, p: 1, keyLength: 32 } as const

function derive(password: string, salt: BinaryLike, N: number, r: number, p: number, keyLength: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

/** `salt` only for deterministic demo data; production always draws a fresh one. */
export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<string> {
  const key = await derive(password, salt, params.N, params.r, params.p, params.keyLength)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(stored: string, candidate: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number)
  const salt = Buffer.from(parts[4], 'base64')
  const expected = Buffer.from(parts[5], 'base64')
  const actual = await derive(candidate, salt, N, r, p, expected.length)
  return timingSafeEqual(actual, expected)
}

/**
 * Hash compared when the nickname does not exist, so an unknown nickname costs the same time
 * as a wrong password and timing does not reveal which nicknames exist.
 */
export const decoyPasswordHash =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='

/** The strength rule of new passwords; the contract's zod schema uses the same limits (types/authRules.ts). */
export function isStrongPassword(password: string): boolean {
  return (
    password.length >= passwordRules.newMinLength &&
    password.length <= passwordRules.newMaxLength &&
    /^[\x21-\x7e]+$/.test(password) &&
    /[A-Za-z]/.test(password) &&
    /\d/.test(password)
  )
}
