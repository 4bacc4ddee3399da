import fc from 'fast-check'
import { shanghaiInstant } from '../businessTime'
import { rechargeOpenAt } from './rechargeWindow'
import { rechargeOrderNo } from './orderNumbers'

describe('recharge window (22:00–02:00 Beijing time closed)', () => {
  it.each([
    ['2026-12-01 21:59:59', true],
    ['2026-12-01 22:00:00', false],
    ['2026-12-02 01:59:59', false],
    ['2026-12-02 02:00:00', true],
    ['2026-12-02 12:00:00', true],
  ])('%s Beijing time: open %s (whatever the host zone)', (wallClock, open) => {
    expect(rechargeOpenAt(shanghaiInstant(wallClock))).toBe(open)
  })

  it('is decided by the Beijing hour of the instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (hour, minute) => {
        const at = shanghaiInstant(
          `2026-06-15 ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
        )
        expect(rechargeOpenAt(at)).toBe(hour >= 2 && hour < 22)
      }),
    )
  })
})

describe('recharge order numbers', () => {
  it('carry the Beijing time of creation and fit WeChat’s 32 characters', () => {
    const orderNo = rechargeOrderNo(shanghaiInstant('2026-12-02 00:30:05'), '123456789')
    expect(orderNo).toBe('R20261202003005123456789')
    expect(orderNo.length).toBeLessThanOrEqual(32)
  })
})
