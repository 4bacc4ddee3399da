import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { PersonalDataVault, VaultError } from './personalDataVault'

const vault = new PersonalDataVault(randomBytes(32), randomBytes(32))

test('round-trips any text', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => vault.open(vault.seal(text)) === text))
})

test('ciphertext differs on every call and never contains the plain value', () => {
  const a = vault.seal('13800138000')
  const b = vault.seal('13800138000')
  expect(a.ct).not.toBe(b.ct)
  expect(a.iv).not.toBe(b.iv)
  expect(JSON.stringify(a)).not.toContain('13800138000')
})

test('another key cannot open it and tampering is detected', () => {
  const sealed = vault.seal('330106198503152718')
  const other = new PersonalDataVault(randomBytes(32), randomBytes(32))
  expect(() => other.open(sealed)).toThrow(VaultError)
  const flipped = Buffer.from(sealed.ct, 'base64')
  flipped[0] ^= 1
  expect(() => vault.open({ ...sealed, ct: flipped.toString('base64') })).toThrow(VaultError)
})

test('lookup hashes are stable, keyed and separated by purpose', () => {
  expect(vault.lookupHash('phone', '13800138000')).toBe(vault.lookupHash('phone', '13800138000'))
  expect(vault.lookupHash('phone', '13800138000')).not.toBe(vault.lookupHash('idNumber', '13800138000'))
  const other = new PersonalDataVault(randomBytes(32), randomBytes(32))
  expect(other.lookupHash('phone', '13800138000')).not.toBe(vault.lookupHash('phone', '13800138000'))
})

test('refuses short keys', () => {
  expect(() => new PersonalDataVault(randomBytes(16), randomBytes(32))).toThrow(VaultError)
})
