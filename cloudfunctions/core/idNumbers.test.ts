import fc from 'fast-check'
import {
  checkCreditCode,
  checkIdNumber,
  checkOrgCode,
  checkResidentId,
  creditCodeCheckChar,
  creditCodeChars,
  orgCodeCheckChar,
  residentIdCheckChar,
} from './idNumbers'

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''))
const birth = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''))
const resident = fc
  .tuple(digits(6), birth, digits(3))
  .map(([a, b, c]) => a + b + c)
  .map((b) => b + residentIdCheckChar(b))
const creditBody = fc
  .array(fc.constantFrom(...creditCodeChars.split('')), { minLength: 17, maxLength: 17 })
  .map((a) => a.join(''))

test('known valid numbers', () => {
  expect(checkResidentId('11010519491231002X').ok).toBe(true)
  expect(checkCreditCode('91350100M000100Y43').ok).toBe(true)
  expect(checkOrgCode('12345678-8')).toEqual({ ok: true, normalized: '12345678-8' })
  expect(checkOrgCode('123456788')).toEqual({ ok: true, normalized: '12345678-8' })
  expect(checkIdNumber('港澳居民来往内地通行证', 'H12345678').ok).toBe(true)
  expect(checkIdNumber('港澳居民来往内地通行证', 'M1234567890').ok).toBe(true)
  expect(checkIdNumber('港澳居民来往内地通行证', 'A12345678').ok).toBe(false)
  expect(checkIdNumber('台湾居民来往大陆通行证', '12345678').ok).toBe(true)
  expect(checkIdNumber('台湾居民来往大陆通行证', '1234567').ok).toBe(false)
  expect(checkIdNumber('护照', 'E12345678').ok).toBe(true)
  expect(checkIdNumber('护照', 'ABCDEFG').ok).toBe(false)
})

test('resident IDs with a correct check digit and real birth date pass; any other check digit fails', () => {
  fc.assert(
    fc.property(resident, fc.constantFrom(...'0123456789X'.split('')), (id, other) => {
      expect(checkResidentId(id).ok).toBe(true)
      expect(checkResidentId(id.toLowerCase()).ok).toBe(true)
      if (other !== id[17]) expect(checkResidentId(id.slice(0, 17) + other).ok).toBe(false)
    }),
  )
})

test('impossible birth dates fail even with a matching check digit', () => {
  for (const date of ['19900230', '20231301', '18991231', '20230431']) {
    const body = `330106${date}302`
    const result = checkResidentId(body + residentIdCheckChar(body))
    expect(result).toEqual({ ok: false, message: '身份证号码中的出生日期不正确' })
  }
})

test('GB 11643: changing one digit of the body changes the check digit', () => {
  fc.assert(
    fc.property(
      resident,
      fc.integer({ min: 0, max: 16 }),
      fc.integer({ min: 1, max: 9 }),
      (id, pos, delta) => {
        const changed = id.slice(0, pos) + String((Number(id[pos]) + delta) % 10) + id.slice(pos + 1, 17)
        expect(residentIdCheckChar(changed)).not.toBe(id[17])
      },
    ),
  )
})

test('GB 32100 credit codes: correct check character passes, every other one fails', () => {
  fc.assert(
    fc.property(creditBody, fc.constantFrom(...creditCodeChars.split('')), (body, other) => {
      const code = body + creditCodeCheckChar(body)
      expect(checkCreditCode(code).ok).toBe(true)
      if (other !== code[17]) expect(checkCreditCode(body + other).ok).toBe(false)
    }),
  )
  expect(checkCreditCode('91330106MA2B3C4DIO').ok).toBe(false)
})

test('GB 11714 organization codes: correct check character passes, others fail', () => {
  const body = fc
    .array(fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'.split('')), { minLength: 8, maxLength: 8 })
    .map((a) => a.join(''))
  fc.assert(
    fc.property(body, fc.constantFrom(...'0123456789X'.split('')), (b, other) => {
      expect(checkOrgCode(`${b}-${orgCodeCheckChar(b)}`).ok).toBe(true)
      if (other !== orgCodeCheckChar(b)) expect(checkOrgCode(`${b}-${other}`).ok).toBe(false)
    }),
  )
})
