import fc from 'fast-check'
import { fen, formatYuan, MoneyError, parseYuan, type Fen } from './money'

const amounts = fc.integer({ min: 0, max: 999_999_999_999 }).map((n) => fen(n))

test('format then parse gives back the same fen', () => {
  fc.assert(fc.property(amounts, (amount: Fen) => parseYuan(formatYuan(amount)) === amount))
})

test('parse then format normalises to two decimals', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: 99 }), (yuan, cents) => {
      const text = `${yuan}.${String(cents).padStart(2, '0')}`
      return formatYuan(parseYuan(text)) === text
    }),
  )
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
