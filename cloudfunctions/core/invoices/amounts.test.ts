import Big from 'big.js'
import fc from 'fast-check'
import type { Fen } from '../../../types/money'
import { splitTax } from './amounts'

describe('the 3% tax inside a toll invoice amount', () => {
  it('splits known amounts as the platform prints them', () => {
    expect(splitTax(11600 as Fen)).toEqual({ net: 11262, tax: 338 })
    expect(splitTax(103 as Fen)).toEqual({ net: 100, tax: 3 })
    expect(splitTax(0 as Fen)).toEqual({ net: 0, tax: 0 })
  })

  it('property: net + tax is the amount, and tax is amount × 3/103 rounded half up, in whole fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (amount) => {
        const { net, tax } = splitTax(amount as Fen)
        expect(Number.isInteger(net) && Number.isInteger(tax)).toBe(true)
        expect(net + tax).toBe(amount)
        const exact = new Big(amount).times(3).div(103)
        expect(tax).toBe(Number(exact.round(0, Big.roundHalfUp)))
      }),
      { numRuns: 2000 },
    )
  })
})
