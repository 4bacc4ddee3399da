import fc from 'fast-check'
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
