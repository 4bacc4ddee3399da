import { z } from 'zod'
import { dateRangeFields, dateRangeRefinement, etcRequestSchemas } from './actions/etc'
import {
  dateRangeMessages,
  dateRangeProblems,
  defaultDateRange,
  earliestStart,
  isCalendarDate,
  latestEnd,
  oneYearSpan,
  resolveDateRange,
  thirtyDaySpan,
} from './dateRange'

const today = '2025-06-15'

describe('date filters: one rule, one message per violation', () => {
  test('each violation has its own message', () => {
    expect(dateRangeMessages).toEqual({
      fromInFuture: '开始日期不能晚于今天',
      toInFuture: '结束日期不能晚于今天',
      reversed: '开始日期不能晚于结束日期',
      tooLong: expect.any(Function),
    })
    expect(dateRangeMessages.tooLong(oneYearSpan)).toBe('查询时间范围不能超过1年')
    expect(dateRangeMessages.tooLong(thirtyDaySpan)).toBe('查询时间范围不能超过30天')
  })

  test('a start date alone defaults the end to today and is then bounded', () => {
    expect(resolveDateRange({ from: '2025-01-01' }, oneYearSpan, today)).toEqual({
      ok: true,
      range: { from: '2025-01-01', to: today },
    })
    expect(resolveDateRange({ from: '2020-01-01' }, oneYearSpan, today)).toEqual({
      ok: false,
      problems: [{ field: 'to', message: '查询时间范围不能超过1年' }],
    })
  })

  test('no dates: the year up to today; an end alone: the widest start the span allows', () => {
    expect(defaultDateRange({}, oneYearSpan, today)).toEqual({ from: '2024-06-15', to: today })
    expect(defaultDateRange({ to: '2025-03-01' }, oneYearSpan, today)).toEqual({
      from: '2024-03-01',
      to: '2025-03-01',
    })
    // 2024-02-29 − 1 year = 2023-02-28, whose year ends 2024-02-28: the widest start is 03-01
    expect(earliestStart('2024-02-29', oneYearSpan)).toBe('2023-03-01')
    expect(latestEnd('2024-02-29', oneYearSpan)).toBe('2025-02-28')
    expect(defaultDateRange({}, thirtyDaySpan, today)).toEqual({ from: '2025-05-16', to: today })
  })

  test('a range in 2099 is refused as the future, each end with its message', () => {
    expect(resolveDateRange({ from: '2099-01-01', to: '2099-06-01' }, oneYearSpan, today)).toEqual({
      ok: false,
      problems: [
        { field: 'from', message: '开始日期不能晚于今天' },
        { field: 'to', message: '结束日期不能晚于今天' },
      ],
    })
    expect(resolveDateRange({ from: '2025-06-01', to: '2025-06-16' }, oneYearSpan, today)).toEqual({
      ok: false,
      problems: [{ field: 'to', message: '结束日期不能晚于今天' }],
    })
    // an end alone in the future: the defaulted start is no mistake of the user's
    expect(resolveDateRange({ to: '2099-01-01' }, oneYearSpan, today)).toEqual({
      ok: false,
      problems: [{ field: 'to', message: '结束日期不能晚于今天' }],
    })
    expect(resolveDateRange({ from: '2025-06-16' }, oneYearSpan, today)).toEqual({
      ok: false,
      problems: [{ field: 'from', message: '开始日期不能晚于今天' }],
    })
  })

  test('9999-12-31 twice is the future, not a range over a year', () => {
    expect(dateRangeProblems({ from: '9999-12-31', to: '9999-12-31' }, oneYearSpan, today)).toEqual([
      { field: 'from', message: '开始日期不能晚于今天' },
      { field: 'to', message: '结束日期不能晚于今天' },
    ])
    // without a clock (the schema) the same range breaks no rule it can check
    expect(dateRangeProblems({ from: '9999-12-31', to: '9999-12-31' }, oneYearSpan)).toEqual([])
    expect(dateRangeProblems({ from: '9998-12-31', to: '9999-12-31' }, oneYearSpan)).toEqual([])
    expect(dateRangeProblems({ from: '9998-12-30', to: '9999-12-31' }, oneYearSpan)).toEqual([
      { field: 'to', message: '查询时间范围不能超过1年' },
    ])
  })

  test('order and span: inclusive ends, a year at most, 30 days where the seed says so', () => {
    expect(dateRangeProblems({ from: '2025-03-02', to: '2025-03-01' }, oneYearSpan, today)).toEqual([
      { field: 'to', message: '开始日期不能晚于结束日期' },
    ])
    expect(dateRangeProblems({ from: '2024-03-01', to: '2025-03-01' }, oneYearSpan, today)).toEqual([])
    expect(dateRangeProblems({ from: '2024-03-01', to: '2025-03-02' }, oneYearSpan, today)).toEqual([
      { field: 'to', message: '查询时间范围不能超过1年' },
    ])
    expect(dateRangeProblems({ from: '2025-06-15', to: '2025-06-15' }, oneYearSpan, today)).toEqual([])
    expect(dateRangeProblems({ from: '2025-05-16', to: '2025-06-15' }, thirtyDaySpan, today)).toEqual([])
    expect(dateRangeProblems({ from: '2025-05-15', to: '2025-06-15' }, thirtyDaySpan, today)).toEqual([
      { field: 'to', message: '查询时间范围不能超过30天' },
    ])
  })

  test('calendar days only', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true)
    expect(isCalendarDate('2025-02-29')).toBe(false)
    expect(isCalendarDate('2025-13-01')).toBe(false)
    expect(isCalendarDate('2025/01/01')).toBe(false)
    expect(isCalendarDate('0099-01-01')).toBe(true)
  })
})

describe('the schema side of the rule', () => {
  const schema = z
    .object({ ...dateRangeFields })
    .strict()
    .superRefine(dateRangeRefinement(oneYearSpan))
  /** The first issue of each field, as the router answers them (validation.ts fieldErrors). */
  const issues = (value: unknown) => {
    const result = schema.safeParse(value)
    if (result.success) return []
    const seen = new Set<string>()
    return result.error.issues
      .map((i) => ({ path: i.path.join('.'), message: i.message }))
      .filter((i) => !seen.has(i.path) && Boolean(seen.add(i.path)))
  }

  test('order and span when both ends are sent; formats in the fields; the future is the action’s', () => {
    expect(issues({ from: '2025-03-02', to: '2025-03-01' })).toEqual([
      { path: 'to', message: '开始日期不能晚于结束日期' },
    ])
    expect(issues({ from: '2024-03-01', to: '2025-03-02' })).toEqual([
      { path: 'to', message: '查询时间范围不能超过1年' },
    ])
    expect(issues({ from: '2025-02-30' })).toEqual([{ path: 'from', message: '日期不存在，请检查年月日' }])
    expect(issues({ to: '2025/01/01' })).toEqual([{ path: 'to', message: '日期格式不正确，应为YYYY-MM-DD' }])
    expect(issues({ from: '2020-01-01' })).toEqual([])
    expect(issues({ from: '9999-12-31', to: '9999-12-31' })).toEqual([])
  })

  test('cards.statusList uses it', () => {
    const parsed = etcRequestSchemas['cards.statusList'].safeParse({
      cardId: 'card-1',
      from: '2024-03-01',
      to: '2025-03-02',
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => i.message)).toEqual(['查询时间范围不能超过1年'])
  })
})
