import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest } from '../../../../../types'
import { latestBillMonth } from '../../../../../types/billRules'
import { fen } from '../../../../../types/money'
import { shanghaiToday } from '../../../../components/date-time'
import { queuedRecord } from '../../../../testing/export-fixtures'
import { payloadsOf } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { detailRow, detailsPage } from '../../testing/fixtures'
import { serve } from '../../testing/serve'
import { DetailsView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const detailsCalls = () => payloadsOf(jest.mocked(send).mock.calls, 'bills.details')
const latest = latestBillMonth(shanghaiToday())

const rows = [
  detailRow(),
  detailRow({
    id: 'trip-2',
    tripId: 'trip-2',
    plate: '浙A12345',
    plateColor: '黄',
    exitAt: '2026-10-21T13:09:23.000Z',
    entryStation: '浙江杭州南站',
    exitStation: '浙江遂昌站',
    amount: fen(2090),
  }),
  detailRow({
    id: 'trip-2:refund',
    tripId: 'trip-2',
    plate: '浙A12345',
    plateColor: '黄',
    scene: 'refund',
    sceneLabel: '退费业务',
    exitAt: '2026-10-21T13:09:23.000Z',
    deductionDate: '2026-10-25',
    entryStation: '浙江杭州南站',
    exitStation: '浙江遂昌站',
    amount: fen(-2090),
  }),
]

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('账单明细', () => {
  it('lists the latest bill month with the seed columns; a refund is its own row, netted in 合计', async () => {
    serve({ 'bills.details': (p) => ({ data: detailsPage(rows, p as ActionRequest<'bills.details'>) }) })
    await mount(() => <DetailsView />)
    await waitForText('共 3 条')
    expect(detailsCalls()[0]).toEqual({ scene: 'all', period: 'month', key: latest, limit: 20 })
    expect(text(find('.bills-details__notice'))).toContain('先离场后付费')

    const [trip, , refund] = Array.from(document.querySelectorAll('.bills-detail-row')).map((r) => text(r))
    expect(trip).toContain('车牌号码浙AC12345【渐变绿】')
    expect(trip).toContain('通行时间2026-10-22 22:38:57')
    expect(trip).toContain('扣款日期2026-10-22')
    expect(trip).toContain('ETC通行卡卡号3301*****0094')
    expect(trip).toContain('出入口站点浙江临平站 → 上海新桥主线站')
    expect(trip).toContain('账单类型高速通行')
    expect(trip).toContain('交易金额（元）64.60')
    expect(refund).toContain('账单类型退费业务')
    expect(refund).toContain('退费日期2026-10-25')
    expect(refund).toContain('交易金额（元）-20.90')

    expect(text(find('.bills-summary'))).toBe('通行笔数2次通行费85.50元退费20.90元合计64.60元')
    expect(text(find('.bills-details__netted'))).toBe(
      '2026年10月：退费业务单独成行（金额为负），合计 = 通行费 − 已退费。',
    )
  })

  it('filters by 账单场景 and 按年, and exports what it shows', async () => {
    serve({
      'bills.details': (p) => ({ data: detailsPage(rows.slice(2), p as ActionRequest<'bills.details'>) }),
      'exports.create': { data: queuedRecord() },
    })
    jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <DetailsView />)
    await waitForText('共 1 条')
    click(find('.bills-details__scene-refund'))
    await waitFor(() => expect(detailsCalls()).toHaveLength(2))
    expect(detailsCalls()[1]).toEqual({ scene: 'refund', period: 'month', key: latest, limit: 20 })
    click(find('.bills-period__mode-year'))
    await waitFor(() => expect(detailsCalls()).toHaveLength(3))
    expect(detailsCalls()[2]).toEqual({ scene: 'refund', period: 'year', key: latest.slice(0, 4), limit: 20 })
    await waitForText(`${latest.slice(0, 4)}年：退费业务单独成行`)

    click(find('.export-button__export'))
    await waitFor(() => expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')).toHaveLength(1))
    expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')[0]).toMatchObject({
      kind: 'billDetails',
      filter: { scene: 'refund', period: 'year', key: latest.slice(0, 4) },
    })
  })

  it('says when a period has no bill, and shows the server message on failure', async () => {
    serve({ 'bills.details': { error: 'INVALID_INPUT', message: '统计时间格式不正确' } })
    await mount(() => <DetailsView />)
    await waitForText('统计时间格式不正确')
    serve({ 'bills.details': (p) => ({ data: detailsPage([], p as ActionRequest<'bills.details'>) }) })
    click(find('.list-with-filters__retry'))
    await waitForText('所选时间内暂无账单明细')
  })
})
