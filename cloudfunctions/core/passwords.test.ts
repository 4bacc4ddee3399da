import fc from 'fast-check'
import { loginPasswordSchema, newPasswordSchema } from '../../types/actions/auth'
import { passwordInputCap, passwordRules } from '../../types/authRules'
import { decoyPasswordHash, hashPassword, isStrongPassword, verifyPassword } from './passwords'

test('hash verifies the password and nothing else; salts differ per hash', async () => {
  const a = await hashPassword('Etc2019pass')
  const b = await hashPassword('Etc2019pass')
  expect(a).not.toBe(b)
  expect(a).not.toContain('Etc2019pass')
  expect(await verifyPassword(a, 'Etc2019pass')).toBe(true)
  expect(await verifyPassword(a, 'etc2019pass')).toBe(false)
  expect(await verifyPassword(decoyPasswordHash, 'anything')).toBe(false)
  expect(await verifyPassword('not-a-hash', 'anything')).toBe(false)
})

test('strength rule: 8–20 printable characters with letters and digits', () => {
  expect(isStrongPassword('Etc2019pass')).toBe(true)
  expect(isStrongPassword('abcdefgh')).toBe(false)
  expect(isStrongPassword('12345678')).toBe(false)
  expect(isStrongPassword('abc 12345')).toBe(false)
  expect(isStrongPassword('a1'.repeat(11))).toBe(false)
  fc.assert(
    fc.property(fc.string({ minLength: 0, maxLength: 30 }), (s) => {
      const strong = isStrongPassword(s)
      if (strong) expect(s.length >= 8 && s.length <= 20 && /[A-Za-z]/.test(s) && /\d/.test(s)).toBe(true)
    }),
  )
})

test('the server schemas and the strength rule use the one length limit the forms use', () => {
  const long = 'Ab1'.repeat(3334)
  for (const schema of [newPasswordSchema, loginPasswordSchema]) {
    const result = schema.safeParse(long)
    expect(result.success).toBe(false)
    // too long is said as such, never cut to fit
    if (!result.success) expect(result.error.issues[0].message).toMatch(/^密码最多\d+位/)
  }
  const atLimit = 'Ab1'.repeat(10).slice(0, passwordRules.newMaxLength)
  expect(isStrongPassword(atLimit)).toBe(true)
  expect(newPasswordSchema.safeParse(atLimit).success).toBe(true)
  expect(isStrongPassword(`${atLimit}x`)).toBe(false)
  expect(newPasswordSchema.safeParse(`${atLimit}x`).success).toBe(false)
  expect(loginPasswordSchema.safeParse('x'.repeat(passwordRules.loginMaxLength)).success).toBe(true)
  expect(loginPasswordSchema.safeParse('x'.repeat(passwordRules.loginMaxLength + 1)).success).toBe(false)
  // the inputs' cap keeps an over-long paste over-long, so it is refused rather than accepted cut
  expect(passwordInputCap(passwordRules.newMaxLength)).toBeGreaterThan(passwordRules.newMaxLength)
})
