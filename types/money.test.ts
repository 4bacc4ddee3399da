import Big from 'big.js'
import fc from 'fast-check'
import { fen, formatYuan, MoneyError, parseYuan, type Fen } from './money'

const amounts = fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => fen(n))

test('format then parse gives back the same fen', () => {
  fc.assert(fc.property(amounts, (amount: Fen) => parseYuan(formatYuan(amount)) === amount))
})

test('parse then format normalises to two decimals with thousands separators', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 99 }), (yuan, cents) => {
      const decimals = String(cents).padStart(2, '0')
      // Independent oracle: ICU's en-US grouping of the whole yuan.
      const grouped = `${BigInt(yuan).toLocaleString('en-US')}.${decimals}`
      return formatYuan(parseYuan(`${yuan}.${decimals}`)) === grouped
    }),
  )
})

test('formatYuan groups thousands and is the plain yuan amount once the commas are gone', () => {
  fc.assert(
    fc.property(fc.integer({ min: -999_999_999_999, max: 999_999_999_999 }), (n) => {
      const text = formatYuan(fen(n))
      expect(text).toMatch(/^-?\d{1,3}(,\d{3})*\.\d{2}$/)
      expect(text.replace(/,/g, '')).toBe(new Big(n).div(100).toFixed(2))
    }),
  )
})

test('thousands separator examples', () => {
  expect(formatYuan(fen(1_288_000))).toBe('12,880.00')
  expect(formatYuan(fen(99_999))).toBe('999.99')
  expect(formatYuan(fen(100_000))).toBe('1,000.00')
  expect(formatYuan(fen(10_000_000_000))).toBe('100,000,000.00')
  expect(formatYuan(fen(-1_288_005))).toBe('-12,880.05')
  expect(formatYuan(fen(0))).toBe('0.00')
  expect(parseYuan('12,880.00')).toBe(1_288_000)
  expect(parseYuan('1,000')).toBe(100_000)
})

test('refuses misplaced thousands separators', () => {
  for (const bad of ['1,2345', ',123', '1,23', '12,880,', '1,,000', '1000,000.00', '1,000.001'])
    expect(() => parseYuan(bad)).toThrow(MoneyError)
})

test('examples', () => {
  expect(parseYuan('12')).toBe(1200)
  expect(parseYuan('12.3')).toBe(1230)
  expect(parseYuan(' 0.01 ')).toBe(1)
  expect(formatYuan(fen(21))).toBe('0.21')
})

test('refuses more than two decimals, signs and junk', () => {
  for (const bad of ['1.234', '-1', '1e3', '', 'abc', '1.', '.5'])
    expect(() => parseYuan(bad)).toThrow(MoneyError)
})

test('fen refuses floats', () => {
  fc.assert(
    fc.property(fc.double({ noInteger: true, noNaN: true }), (value) => {
      expect(() => fen(value)).toThrow(MoneyError)
    }),
  )
})
