import { shanghaiDay } from '../businessTime'
import { latestBillMonth, periodsBetween, periodLabel } from '../../../types/billRules'
import { billPeriodMessages, BillsInputError, statisticsWindow, visibleMonths, monthStart } from './periods'

/** The bill rule: last month's bill shows from the 16th, 00:00 Beijing time (jest runs in Los Angeles). */
describe('the 15th rule', () => {
  const latestAt = (iso: string) => latestBillMonth(shanghaiDay(new Date(iso)))

  test('host time zone is not Shanghai (the rule must not depend on it)', () => {
    expect(new Date('2025-01-15T16:00:00Z').getTimezoneOffset()).not.toBe(-480)
  })

  test('across a year boundary: December shows from 16 January 00:00 in Shanghai', () => {
    // 2025-01-15 23:59:59.999 in Shanghai is still the 15th: November is the latest bill
    expect(latestAt('2025-01-15T15:59:59.999Z')).toBe('2024-11')
    // 2025-01-16 00:00 in Shanghai (still the 15th in Los Angeles and in UTC)
    expect(latestAt('2025-01-15T16:00:00.000Z')).toBe('2024-12')
    expect(latestAt('2025-01-14T20:00:00.000Z')).toBe('2024-11') // the 15th, 04:00 Shanghai
  })

  test('across a month boundary: the 15th and the 16th', () => {
    expect(latestBillMonth('2025-03-15')).toBe('2025-01')
    expect(latestBillMonth('2025-03-16')).toBe('2025-02')
    expect(latestBillMonth('2025-03-01')).toBe('2025-01')
    expect(latestBillMonth('2025-03-31')).toBe('2025-02')
    expect(latestAt('2025-03-15T16:00:00Z')).toBe('2025-02')
    expect(latestAt('2025-03-15T15:59:59Z')).toBe('2025-01')
  })

  test('February 2025 in a January 2025 before the 16th: the month before last crosses the year', () => {
    expect(latestBillMonth('2025-02-01')).toBe('2024-12')
    expect(latestBillMonth('2025-01-01')).toBe('2024-11')
  })
})

describe('periods', () => {
  const calendar = { today: '2025-01-15', accountMonth: '2022-06' }

  test('a year still open loses the months the rule hides, and only those', () => {
    expect(statisticsWindow({ period: 'year', from: '2024', to: '2025' }, calendar)).toEqual({
      period: 'year',
      from: '2024',
      to: '2024',
      latestMonth: '2024-11',
      hiddenMonths: ['2024-12'],
    })
    expect(
      statisticsWindow({ period: 'year', from: '2024', to: '2024' }, { ...calendar, today: '2025-01-16' })
        .hiddenMonths,
    ).toEqual([])
    expect(
      statisticsWindow({ period: 'quarter', from: '2024-Q3', to: '2024-Q4' }, calendar).hiddenMonths,
    ).toEqual(['2024-12'])
    expect(statisticsWindow({ period: 'month', from: '2024-10', to: '2024-12' }, calendar)).toMatchObject({
      to: '2024-11',
      hiddenMonths: [],
    })
  })

  test('future, unreleased and pre-account periods are refused with their own messages', () => {
    const refusal = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        if (error instanceof BillsInputError) return [error.field, error.message]
        throw error
      }
      return null
    }
    expect(
      refusal(() => statisticsWindow({ period: 'month', from: '2025-02', to: '2025-02' }, calendar)),
    ).toEqual(['from', billPeriodMessages.future])
    expect(
      refusal(() => statisticsWindow({ period: 'month', from: '2024-12', to: '2024-12' }, calendar)),
    ).toEqual(['from', billPeriodMessages.notReleased])
    expect(refusal(() => statisticsWindow({ period: 'year', from: '2020', to: '2021' }, calendar))).toEqual([
      'to',
      billPeriodMessages.beforeAccount,
    ])
    expect(
      refusal(() => visibleMonths('2022-01', '2022-06', calendar, { from: 'from', to: 'to' })),
    ).toBeNull()
  })

  test('period keys and labels', () => {
    expect(periodsBetween('quarter', '2024-Q3', '2025-Q2')).toEqual([
      '2024-Q3',
      '2024-Q4',
      '2025-Q1',
      '2025-Q2',
    ])
    expect(periodsBetween('year', '2023', '2025')).toEqual(['2023', '2024', '2025'])
    expect(periodLabel('quarter', '2024-Q4')).toBe('2024年第4季度')
    expect(periodLabel('month', '2024-03')).toBe('2024年3月')
    expect(monthStart('2025-01')).toBe('2024-12-31T16:00:00.000Z')
  })
})
