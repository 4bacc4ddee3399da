import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest } from '../../../../../types'
import { dayNumber, dayText, shiftDay } from '../../../../../types/dateRange'
import { fen } from '../../../../../types/money'
import { shanghaiToday } from '../../../../components/date-time'
import { queuedRecord } from '../../../../testing/export-fixtures'
import { payloadsOf } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { firePageEvent } from '../../../money/testing/page-events'
import { tripRow, tripsPage } from '../../testing/fixtures'
import { serve } from '../../testing/serve'
import { TripsView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const tripCalls = () => payloadsOf(jest.mocked(send).mock.calls, 'trips.list')
const today = shanghaiToday()
const back = (amount: number, unit: 'month' | 'year') =>
  dayText(shiftDay(dayNumber(today) as number, { amount, unit, label: '' }, -1))
const trips = (n: number, overrides: Parameters<typeof tripRow>[1] = {}) =>
  Array.from({ length: n }, (_, i) => tripRow(i + 1, overrides))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('通行流水查询', () => {
  it('ETC高速: the statistics bar, the seed columns and paging over the last year', async () => {
    serve({ 'trips.list': (p) => ({ data: tripsPage(trips(23), p as ActionRequest<'trips.list'>) }) })
    await mount(() => <TripsView />)
    await waitForText('共 23 条')
    expect(tripCalls()[0]).toEqual({ scene: 'etcHighway', from: back(1, 'year'), to: today, limit: 20 })
    expect(text(find('.bills-summary'))).toBe('通行笔数23次通行费总金额4.12元总共优惠2.33元')
    const first = text(find('.bills-trip'))
    expect(first).toContain('车牌号码浙A8K2M7【蓝色】')
    expect(first).toContain('通行时间2026-10-22 09:47:31')
    expect(first).toContain('扣款日期2026-10-23')
    expect(first).toContain('ETC通行卡卡号3301*****9788')
    expect(first).toContain('收费金额（元）229.31')
    expect(first).toContain('优惠金额（元）40.45')
    expect(first).toContain('出入口站点浙江台州南站 → 浙江马宅站')
    expect(first).toContain('详情')

    click(find('.list-with-filters__more'))
    await waitForText('没有更多了')
    expect(tripCalls()[1]).toEqual({
      scene: 'etcHighway',
      from: back(1, 'year'),
      to: today,
      limit: 20,
      cursor: '20',
    })
  })

  it('非ETC高速 has no discount or deduction day; 近1个月 narrows the range; a row opens its detail', async () => {
    serve({
      'trips.list': (p) => {
        const payload = p as ActionRequest<'trips.list'>
        const rows =
          payload.scene === 'nonEtcHighway'
            ? trips(4, { scene: 'nonEtcHighway', amount: fen(2300), discount: fen(0) })
            : trips(1)
        return {
          data: tripsPage(rows, payload, {
            statistics: { count: rows.length, amount: fen(8000), discount: fen(0) },
          }),
        }
      },
    })
    const opened: string[] = []
    jest.spyOn(Taro, 'navigateTo').mockImplementation((o) => {
      opened.push(o.url)
      return Promise.resolve({ errMsg: 'navigateTo:ok' })
    })
    await mount(() => <TripsView />)
    await waitForText('共 1 条')
    click(find('.bills-trips-tab-nonEtcHighway'))
    await waitForText('共 4 条')
    expect(tripCalls()[1]).toEqual({ scene: 'nonEtcHighway', from: back(1, 'year'), to: today, limit: 20 })
    expect(text(find('.bills-summary'))).toBe('通行笔数4次通行费总金额80.00元')
    const row = text(find('.bills-trip'))
    expect(row).not.toContain('优惠金额')
    expect(row).not.toContain('扣款日期')
    expect(row).toContain('收费金额（元）23.00')

    click(find('.etc-status-range__quick-1m'))
    await waitFor(() => expect(tripCalls()).toHaveLength(3))
    expect(tripCalls()[2]).toEqual({ scene: 'nonEtcHighway', from: back(1, 'month'), to: today, limit: 20 })

    click(find('.bills-trip'))
    expect(opened).toEqual(['/packages/bills/pages/trip/index?id=trip-1'])
  })

  it('exports the shown scene and range; empty and error states; pull-to-refresh', async () => {
    serve({ 'trips.list': { error: 'INTERNAL' } })
    await mount(() => <TripsView initialScene="nonHighway" />)
    await waitForText('系统繁忙，请稍后再试')
    serve({
      'trips.list': (p) => ({ data: tripsPage([], p as ActionRequest<'trips.list'>) }),
      'exports.create': { data: queuedRecord() },
    })
    click(find('.list-with-filters__retry'))
    await waitForText('所选时间内暂无非高速场景通行记录')

    const stop = jest.spyOn(Taro, 'stopPullDownRefresh').mockImplementation(() => undefined as never)
    await firePageEvent('onPullDownRefresh')
    await waitFor(() => expect(stop).toHaveBeenCalled())
    expect(tripCalls().at(-1)).toEqual({ scene: 'nonHighway', from: back(1, 'year'), to: today, limit: 20 })

    serve({
      'trips.list': (p) => ({
        data: tripsPage(
          trips(2, { scene: 'nonHighway', entryStation: null, exitStation: '杭州西湖停车场' }),
          p as ActionRequest<'trips.list'>,
        ),
      }),
      'exports.create': { data: queuedRecord() },
    })
    await firePageEvent('onPullDownRefresh')
    await waitForText('共 2 条')
    expect(text(find('.bills-trip'))).toContain('站点杭州西湖停车场')
    jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    click(find('.export-button__export'))
    await waitFor(() => expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')).toHaveLength(1))
    expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')[0]).toMatchObject({
      kind: 'trips',
      filter: { scene: 'nonHighway', from: back(1, 'year'), to: today },
    })
  })
})
