import dayjs from 'dayjs'
import fc from 'fast-check'
import { businessTimeZone, shanghaiDay, shanghaiInstant, shanghaiMonth, beijingTime } from './businessTime'

// The fixed UTC+8 offset must say exactly what the IANA zone says for every instant we handle.
const instants = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
})

describe('Beijing time by its fixed offset', () => {
  it('formats every instant 2000–2100 as the Asia/Shanghai zone does, whatever the host zone', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const zoned = dayjs(at).tz(businessTimeZone)
        expect(beijingTime(at).format('YYYY-MM-DD HH:mm:ss')).toBe(zoned.format('YYYY-MM-DD HH:mm:ss'))
        expect(shanghaiDay(at)).toBe(zoned.format('YYYY-MM-DD'))
        expect(shanghaiMonth(at)).toBe(zoned.format('YYYY-MM'))
      }),
    )
  })

  it('reads a wall-clock time back to the same instant', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const whole = new Date(Math.floor(at.getTime() / 1000) * 1000)
        expect(shanghaiInstant(beijingTime(whole).format('YYYY-MM-DD HH:mm:ss')).getTime()).toBe(
          whole.getTime(),
        )
      }),
    )
    expect(shanghaiInstant('2026-12-01 22:00').toISOString()).toBe('2026-12-01T14:00:00.000Z')
  })
})
