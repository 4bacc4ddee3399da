import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest } from '../../../../../types'
import { fen } from '../../../../../types/money'
import { shanghaiToday } from '../../../../components/date-time'
import { queuedRecord } from '../../../../testing/export-fixtures'
import { payloadsOf } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { refundRow, refundsPage } from '../../testing/fixtures'
import { serve } from '../../testing/serve'
import { RefundsView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const refundCalls = () => payloadsOf(jest.mocked(send).mock.calls, 'refunds.list')
const today = shanghaiToday()
const pick = (picker: Element, value: string) =>
  picker.dispatchEvent(new CustomEvent('change', { detail: { value }, bubbles: true }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('退费记录查询', () => {
  it('高速通行: totals 总退费 / 已退费 / 退费中, the notice, rows and the default trip range named', async () => {
    serve({
      'refunds.list': (p) => ({
        data: refundsPage(
          [refundRow(1), refundRow(2, { amount: fen(11_971), tripAt: '2026-08-22T23:38:55.000Z' })],
          p as ActionRequest<'refunds.list'>,
        ),
      }),
    })
    await mount(() => <RefundsView />)
    await waitForText('共 2 条')
    expect(refundCalls()[0]).toEqual({ scene: 'highway', limit: 20 })
    expect(text(find('.bills-summary'))).toBe('总退费235.06元已退费235.06元退费中0.00元')
    expect(text(find('.bills-refunds__notice'))).toBe(
      '如退费有疑问，请联系在线客服咨询或拨打电话0571-96866。',
    )
    expect(text(find('.bills-refunds__applied'))).toBe(
      '未选日期时查询通行时间 2025-12-03 至 2026-12-02 的退费',
    )
    const row = text(find('.bills-refund'))
    expect(row).toContain('车牌号码浙B0A369【黄色】')
    expect(row).toContain('出入口收费站浙江径山站 → 浙江小港站')
    expect(row).toContain('通行时间2026-08-23 15:44:33')
    expect(row).toContain('退费日期2026-09-03')
    expect(row).toContain('退款金额（元）115.35')
    expect(row).toContain('退款状态已退款')
  })

  it('filters by 退费日期 and exports the same filter', async () => {
    serve({
      'refunds.list': (p) => ({ data: refundsPage([refundRow(1)], p as ActionRequest<'refunds.list'>) }),
      'exports.create': { data: queuedRecord() },
    })
    jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <RefundsView />)
    await waitForText('共 1 条')
    pick(find('.bills-refunds__refund-from-picker'), '2026-09-01')
    await waitFor(() => expect(refundCalls()).toHaveLength(2))
    expect(refundCalls()[1]).toEqual({
      scene: 'highway',
      refundFrom: '2026-09-01',
      refundTo: today,
      limit: 20,
    })
    await waitFor(() => expect(text(find('.bills-refunds__refund-from'))).toBe('2026-09-01'))

    click(find('.export-button__export'))
    await waitFor(() => expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')).toHaveLength(1))
    expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')[0]).toMatchObject({
      kind: 'refunds',
      filter: { scene: 'highway', refundFrom: '2026-09-01', refundTo: today },
    })

    click(find('.bills-refunds__refund-clear'))
    await waitFor(() => expect(refundCalls()).toHaveLength(3))
    expect(refundCalls()[2]).toEqual({ scene: 'highway', limit: 20 })
  })

  it('非高速通行: 停车场名称, 消费时间 with the time of the refund; empty and error states', async () => {
    serve({
      'refunds.list': (p) => {
        const payload = p as ActionRequest<'refunds.list'>
        if (payload.scene === 'highway') return { data: refundsPage([], payload) }
        return {
          data: refundsPage(
            [
              refundRow(3, {
                entryStation: null,
                exitStation: '杭州西湖停车场',
                amount: fen(500),
                tripAt: '2026-11-27T00:52:07.000Z',
                refundAt: '2026-12-01T15:30:02.000Z',
                status: 'refunding',
                statusLabel: '退款中',
              }),
            ],
            payload,
            { totals: { total: fen(500), refunded: fen(0), refunding: fen(500) } },
          ),
        }
      },
    })
    await mount(() => <RefundsView />)
    await waitForText('暂无高速通行退费记录')
    click(find('.bills-refunds-tab-nonHighway'))
    await waitForText('共 1 条')
    expect(refundCalls()[1]).toEqual({ scene: 'nonHighway', limit: 20 })
    expect(document.querySelector('.bills-refunds__refund')).toBeNull()
    expect(text(find('.bills-summary'))).toBe('总退费5.00元已退费0.00元退费中5.00元')
    const row = text(find('.bills-refund'))
    expect(row).toContain('停车场名称杭州西湖停车场')
    expect(row).toContain('消费时间2026-11-27 08:52:07')
    expect(row).toContain('退费日期2026-12-01 23:30:02')
    expect(row).toContain('退款状态退款中')

    serve({ 'refunds.list': { error: 'INTERNAL' } })
    click(find('.bills-refunds-tab-highway'))
    await waitForText('系统繁忙，请稍后再试')
  })
})
