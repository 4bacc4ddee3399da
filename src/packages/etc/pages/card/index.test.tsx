import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope, CardDetail, StatusListRow } from '../../../../../types'
import { creditCards, storedCards } from '../../../../testing/etc-fixtures'
import { fakeSend } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { quickRange } from '../../components/date-range'
import { shanghaiToday } from '../../../../components/date-time'
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
    'cards.statusList': { data: { items: records, total: 2, nextCursor: null } },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const statusListPayloads = () =>
  jest
    .mocked(send)
    .mock.calls.map(([e]) => e)
    .filter((e) => e.action === 'cards.statusList')
    .map((e) => e.payload)

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
    expect(text(find('.etc-card-info'))).toContain('状态名单')
    expect(text(find('.etc-signing'))).toContain('中国工商银行')
    await waitForText('共 2 条')
    expect(text()).toContain('保证金不够冻结')
    expect(text()).toContain('开始时间 2023-05-12 09:00:00')
    expect(text()).toContain('结束时间 2023-03-31 09:00:00')
  })

  it('filters the status list by date range', async () => {
    answer({ card: storedCards[0], signing: null })
    await mount(() => <CardDetailView cardId="card-s1" />)
    await waitForText('共 2 条')
    expect(document.querySelector('.etc-signing')).toBeNull()
    expect(statusListPayloads()[0]).toEqual({ cardId: 'card-s1', limit: 20 })
    click(find('.etc-date-range__quick-3m'))
    await waitFor(() => expect(statusListPayloads()).toHaveLength(2))
    const { from, to } = quickRange('3m', shanghaiToday())
    expect(statusListPayloads()[1]).toEqual({ cardId: 'card-s1', from, to, limit: 20 })
  })
})
