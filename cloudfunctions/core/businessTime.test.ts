import fc from 'fast-check'
import { beijingTime, shanghaiDay, shanghaiInstant, shanghaiMonth } from './businessTime'

// The fixed UTC+8 offset must say exactly what the IANA zone says (Intl, as the runtime knows it) for
// every instant we handle, whatever the host's zone: tests run in America/Los_Angeles, whose
// daylight-saving changes once put dayjs's utcOffset() an hour off.
const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})
const instants = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2100-01-01T00:00:00Z'),
  noInvalidDate: true,
})

describe('Beijing time by its fixed offset', () => {
  it('formats every instant 2000–2100 as the Asia/Shanghai zone does, whatever the host zone', () => {
    fc.assert(
      fc.property(instants, (at) => {
        const zoned = shanghai.format(at)
        expect(beijingTime(at).format('YYYY-MM-DD HH:mm:ss')).toBe(zoned)
        expect(shanghaiDay(at)).toBe(zoned.slice(0, 10))
        expect(shanghaiMonth(at)).toBe(zoned.slice(0, 7))
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

  it('is exact beside the host zone’s daylight-saving changes (the instants that once failed)', () => {
    expect(beijingTime(new Date('2060-03-13T19:00:00Z')).format('YYYY-MM-DD HH:mm:ss')).toBe(
      '2060-03-14 03:00:00',
    )
    expect(beijingTime(new Date('2026-03-07T19:30:00Z')).format('YYYYMMDDHHmmss')).toBe('20260308033000')
    expect(shanghaiDay(new Date('2026-11-01T09:30:00Z'))).toBe('2026-11-01')
  })
})
