import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope, CardDetail, StatusListRow } from '../../../../../types'
import { creditCards, storedCards } from '../../../../testing/etc-fixtures'
import { fakeSend } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { shanghaiToday } from '../../../../components/date-time'
import { earliestStart, oneYearSpan } from '../../../../../types/dateRange'
import { CardDetailView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const records: StatusListRow[] = [
  { id: 'sl-1', startAt: '2023-05-12T01:00:00.000Z', endAt: null, current: true, reason: '保证金不够冻结' },
  {
    id: 'sl-2',
    startAt: '2023-03-01T01:00:00.000Z',
    endAt: '2023-03-31T01:00:00.000Z',
    current: false,
    reason: '冻结',
  },
]

function answer(detail: CardDetail): void {
  const fake = fakeSend({
    'cards.detail': { data: detail },
    'cards.statusList': (payload) => {
      const { from, to } = payload as { from: string; to: string }
      return { data: { items: records, total: 2, nextCursor: null, from, to } }
    },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const statusListPayloads = () =>
  jest
    .mocked(send)
    .mock.calls.map(([e]) => e)
    .filter((e) => e.action === 'cards.statusList')
    .map((e) => e.payload)

/** YYYY-MM-DD `n` months/years before `day`, as the filter counts them (clamped to the month's end). */
function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number)
  const first = new Date(Date.UTC(y, m - 1 - months, 1))
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(d, last))
  return first.toISOString().slice(0, 10)
}

const activeChip = () => text(find('.etc-status-range__quick .etc-chips__chip--active'))
const pickers = () => Array.from(document.querySelectorAll('.etc-status-range__custom taro-picker-core'))

/** What the user picked in a date picker: Taro's H5 picker answers a change event with detail.value. */
function pick(picker: Element, value: string): void {
  picker.dispatchEvent(new CustomEvent('change', { detail: { value }, bubbles: true }))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('通行卡详情', () => {
  it('shows card info, signing of a credit card and the status-list records', async () => {
    answer({
      card: creditCards[1],
      signing: { channel: '中国工商银行', signedAt: '2023-05-12T02:00:00.000Z', status: 'signed' },
    })
    await mount(() => <CardDetailView cardId="card-2" />)
    await waitForText('1811*****9583')
    expect(text(find('.etc-signing'))).toContain('中国工商银行')
    await waitForText('共 2 条')
    expect(text()).toContain('保证金不够冻结')
    expect(text()).toContain('开始时间 2023-05-12 09:00:00')
    expect(text()).toContain('结束时间 2023-03-31 09:00:00')
  })

  it('the 状态名单 row reads 名单中 or 正常, never the label twice', async () => {
    answer({ card: creditCards[1], signing: null })
    await mount(() => <CardDetailView cardId="card-2" />)
    await waitForText('1811*****9583')
    const rows = Array.from(document.querySelectorAll('.etc-card-info .etc-info__row')).map((r) => [
      text(r.querySelector('.etc-info__label') ?? r),
      text(r.querySelector('.etc-info__value') ?? r),
    ])
    expect(rows).toContainEqual(['状态名单', '名单中'])
    expect(rows.filter(([, value]) => value === '状态名单')).toEqual([])
    expect(text(find('.etc-card-info'))).not.toContain('状态名单 状态名单')
  })

  it('asks for the last year by default and offers quick ranges ending today', async () => {
    answer({ card: storedCards[0], signing: null })
    await mount(() => <CardDetailView cardId="card-s1" />)
    await waitForText('共 2 条')
    expect(document.querySelector('.etc-signing')).toBeNull()
    const today = shanghaiToday()
    expect(activeChip()).toBe('近1年')
    // the widest year the server allows (2024-02-29 looks back to 2023-03-01)
    const yearAgo = earliestStart(today, oneYearSpan)
    expect(statusListPayloads()[0]).toEqual({ cardId: 'card-s1', from: yearAgo, to: today, limit: 20 })
    expect(text(find('.etc-status-range__quick'))).not.toContain('全部')
    click(find('.etc-status-range__quick-3m'))
    await waitFor(() => expect(statusListPayloads()).toHaveLength(2))
    expect(statusListPayloads()[1]).toEqual({
      cardId: 'card-s1',
      from: monthsBefore(today, 3),
      to: today,
      limit: 20,
    })
    expect(activeChip()).toBe('近3个月')
    expect(pickers()).toHaveLength(0)
  })

  it('自定义 selects itself and shows two date pickers bounded by a year and today', async () => {
    answer({ card: storedCards[0], signing: null })
    await mount(() => <CardDetailView cardId="card-s1" />)
    await waitForText('共 2 条')
    const today = shanghaiToday()
    click(find('.etc-status-range__quick-1m'))
    await waitFor(() => expect(activeChip()).toBe('近1个月'))
    click(find('.etc-status-range__quick-custom'))
    await waitFor(() => expect(activeChip()).toBe('自定义'))
    expect(pickers()).toHaveLength(2)
    const monthAgo = monthsBefore(today, 1)
    expect(text(find('.etc-status-range__from'))).toBe(monthAgo)
    expect(text(find('.etc-status-range__to'))).toBe(today)
    const [fromPicker, toPicker] = pickers() as Array<
      Element & { start?: string; end?: string; mode?: string }
    >
    expect([fromPicker.mode, toPicker.mode]).toEqual(['date', 'date'])
    expect(fromPicker.end).toBe(today)
    expect([toPicker.start, toPicker.end]).toEqual([monthAgo, today])

    // an earlier start pulls the end back to a year after it, and the end picker follows
    const twoYearsAgo = monthsBefore(today, 24)
    pick(fromPicker, twoYearsAgo)
    const yearLater = monthsBefore(today, 12)
    await waitFor(() => expect(text(find('.etc-status-range__to'))).toBe(yearLater))
    expect(activeChip()).toBe('自定义')
    const [, toAfter] = pickers() as Array<Element & { start?: string; end?: string }>
    expect([toAfter.start, toAfter.end]).toEqual([twoYearsAgo, yearLater])
    await waitFor(() =>
      expect(statusListPayloads().at(-1)).toEqual({
        cardId: 'card-s1',
        from: twoYearsAgo,
        to: yearLater,
        limit: 20,
      }),
    )

    pick(toAfter, monthsBefore(today, 18))
    await waitFor(() =>
      expect(statusListPayloads().at(-1)).toEqual({
        cardId: 'card-s1',
        from: twoYearsAgo,
        to: monthsBefore(today, 18),
        limit: 20,
      }),
    )
    expect(document.querySelector('.etc-filter-error')).toBeNull()
  })
})
