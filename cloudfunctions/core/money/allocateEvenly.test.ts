import fc from 'fast-check'
import { fen } from '../../../types/money'
import { allocateEvenly, allocateSame } from './allocateEvenly'

describe('allocateEvenly (分配全部可用余额)', () => {
  it('splits 100 fen over 3 cards as 34, 33, 33', () => {
    expect(allocateEvenly(fen(100), 3)).toEqual([34, 33, 33])
  })

  it('gives nothing to cards whose share would be 0 fen', () => {
    expect(allocateEvenly(fen(2), 5)).toEqual([1, 1])
    expect(allocateEvenly(fen(0), 4)).toEqual([])
  })

  it('sums exactly, differs by at most one fen, and gives remainders to the first cards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 500 }),
        (total, count) => {
          const parts = allocateEvenly(fen(total), count)
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total)
          expect(parts.length).toBe(Math.min(count, total))
          for (const part of parts) expect(Number.isInteger(part) && part > 0).toBe(true)
          if (parts.length > 0) expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1)
          for (let i = 1; i < parts.length; i++) expect(parts[i]).toBeLessThanOrEqual(parts[i - 1])
        },
      ),
    )
  })

  it('refuses a count below one and a negative total', () => {
    expect(() => allocateEvenly(fen(10), 0)).toThrow(RangeError)
    expect(() => allocateEvenly(fen(-1), 2)).toThrow(RangeError)
  })
})

describe('allocateSame (平均分配)', () => {
  it('totals amount × cards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 100 }),
        (amount, count) => {
          const { parts, total } = allocateSame(fen(amount), count)
          expect(parts).toHaveLength(count)
          expect(total).toBe(amount * count)
        },
      ),
    )
  })
})
