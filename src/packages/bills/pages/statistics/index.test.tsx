import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest, ApiEnvelope } from '../../../../../types'
import { latestBillMonth } from '../../../../../types/billRules'
import { fen } from '../../../../../types/money'
import { shanghaiToday } from '../../../../components/date-time'
import { queuedRecord } from '../../../../testing/export-fixtures'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { firePageEvent } from '../../../money/testing/page-events'
import { statisticsPage, statisticsRow, trend } from '../../testing/fixtures'
import { StatisticsView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const statisticsCalls = () => payloadsOf(jest.mocked(send).mock.calls, 'bills.statistics')
const trendCalls = () => payloadsOf(jest.mocked(send).mock.calls, 'bills.trend')
const rows = (n: number) => Array.from({ length: n }, (_, i) => statisticsRow(i + 1))
const statistics = (n: number) => (payload: unknown) => ({
  data: statisticsPage(rows(n), payload as ActionRequest<'bills.statistics'>),
})
const pick = (picker: Element, index: number) =>
  picker.dispatchEvent(new CustomEvent('change', { detail: { value: index }, bubbles: true }))

const latest = latestBillMonth(shanghaiToday())
const latestYear = latest.slice(0, 4)

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('账单统计', () => {
  it('opens on 按年 of the latest bill year: rows per vehicle and card, totals, the rule and 共 N 条', async () => {
    serve({ 'bills.statistics': statistics(25), 'bills.trend': { data: trend() } })
    await mount(() => <StatisticsView />)
    await waitForText('共 25 条')
    expect(statisticsCalls()[0]).toEqual({ period: 'year', from: latestYear, to: latestYear, limit: 20 })

    // the server's latest month, not the client's guess, is what the rule line names
    expect(text(find('.bills-statistics__rule'))).toContain(
      '当月15日之后查询上月的账单：目前可查询到 2026年10月 的账单',
    )
    const first = text(find('.bills-statistics-row'))
    expect(first).toContain('车牌号码浙A10001【黄色】')
    expect(first).toContain('统计时间2026年')
    expect(first).toContain('ETC通行卡卡号3301*****1001')
    expect(first).toContain('总金额 (元)25,599.74')
    expect(text(find('.bills-summary'))).toBe('通行笔数25次已退费115.35元总金额9,884.65元')

    click(find('.list-with-filters__more'))
    await waitForText('没有更多了')
    expect(document.querySelectorAll('.bills-statistics-row')).toHaveLength(25)
    expect(statisticsCalls()[1]).toEqual({
      period: 'year',
      from: latestYear,
      to: latestYear,
      limit: 20,
      cursor: '20',
    })
  })

  it('draws the trend of the months in the filter, per month (all or one vehicle) and per vehicle', async () => {
    serve({ 'bills.statistics': statistics(2), 'bills.trend': { data: trend() } })
    await mount(() => <StatisticsView />)
    await waitForText('每月账单金额')
    const yearEnd = `${latestYear}-12` < latest ? `${latestYear}-12` : latest
    expect(trendCalls()[0]).toEqual({ fromMonth: `${latestYear}-01`, toMonth: yearEnd })
    expect(document.querySelector('taro-canvas-core#bills-trend-month')).not.toBeNull()
    const values = text(find('.trend-chart__values'))
    expect(values).toContain('1月¥10.00')
    expect(values).toContain('10月¥100.00')

    click(find('.bills-trend__vehicle-veh-2'))
    await waitFor(() => expect(trendCalls()).toHaveLength(2))
    expect(trendCalls()[1]).toEqual({ fromMonth: `${latestYear}-01`, toMonth: yearEnd, vehicleId: 'veh-2' })

    click(find('.bills-trend__mode-vehicle'))
    await waitForText('各车辆账单金额')
    expect(text(find('.trend-chart__values'))).toBe('浙A8K2M7¥400.00浙AD35288¥150.00')
    expect(text(find('.bills-trend__note'))).toBe('共 2 辆车有通行')
  })

  it('按月 asks a year of months up to the latest bill month; picking a start keeps the range within 24 months', async () => {
    serve({ 'bills.statistics': statistics(1), 'bills.trend': { data: trend() } })
    await mount(() => <StatisticsView />)
    await waitForText('共 1 条')
    click(find('.bills-period__mode-month'))
    await waitFor(() => expect(statisticsCalls()).toHaveLength(2))
    // the page answered latestMonth 2026-10: the month range ends there
    expect(statisticsCalls()[1]).toEqual({ period: 'month', from: '2025-11', to: '2026-10', limit: 20 })
    // the from picker lists months newest first: index 35 is three years back
    pick(find('.bills-period__from-picker'), 35)
    await waitFor(() => expect(statisticsCalls()).toHaveLength(3))
    expect(statisticsCalls()[2]).toEqual({ period: 'month', from: '2023-11', to: '2025-10', limit: 20 })
  })

  it('filters by plate with 查询 and exports the filter the list shows', async () => {
    serve({
      'bills.statistics': statistics(3),
      'bills.trend': { data: trend() },
      'exports.create': { data: queuedRecord() },
    })
    jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <StatisticsView />)
    await waitForText('共 3 条')
    click(find('.list-with-filters__toggle'))
    const input = await waitFor(() => {
      const el = document.querySelector<HTMLInputElement>('.etc-filter-plate input')
      if (!el) throw new Error('no plate input')
      return el
    })
    input.value = '浙a10001'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    click(find('.etc-filter-search'))
    await waitFor(() => expect(statisticsCalls()).toHaveLength(2))
    expect(statisticsCalls()[1]).toMatchObject({ plate: '浙A10001' })

    click(find('.export-button__export'))
    await waitFor(() => expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')).toHaveLength(1))
    expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')[0]).toMatchObject({
      kind: 'billStatistics',
      filter: { period: 'year', from: latestYear, to: latestYear, plate: '浙A10001' },
    })
  })

  it('says when nothing was billed, shows errors with 重试, and pull-to-refresh reloads', async () => {
    serve({
      'bills.statistics': { error: 'INTERNAL' },
      'bills.trend': { data: trend({ months: [], vehicles: [], vehicleCount: 0 }) },
    })
    await mount(() => <StatisticsView />)
    await waitForText('系统繁忙，请稍后再试')
    await waitForText('暂无可绘制的数据')
    serve({
      'bills.statistics': (payload) => ({
        data: statisticsPage([], payload as ActionRequest<'bills.statistics'>, {
          totals: { count: 0, amount: fen(0), discount: fen(0), refunded: fen(0), net: fen(0) },
        }),
      }),
      'bills.trend': { data: trend() },
    })
    click(find('.list-with-filters__retry'))
    await waitForText('所选统计时间内暂无账单')

    const stop = jest.spyOn(Taro, 'stopPullDownRefresh').mockImplementation(() => undefined as never)
    const before = statisticsCalls().length
    await firePageEvent('onPullDownRefresh')
    await waitFor(() => expect(stop).toHaveBeenCalled())
    expect(statisticsCalls()).toHaveLength(before + 1)
  })
})
