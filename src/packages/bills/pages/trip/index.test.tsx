import Taro from '@tarojs/taro'
import { fen } from '../../../../../types/money'
import { cleanup, click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { tripDetail } from '../../testing/fixtures'
import { serve } from '../../testing/serve'
import { TripView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  jest.restoreAllMocks()
})

describe('通行详情', () => {
  it('shows the trip, its payment and invoice, and opens the invoice', async () => {
    serve({ 'trips.detail': { data: tripDetail() } })
    const opened: string[] = []
    jest.spyOn(Taro, 'navigateTo').mockImplementation((o) => {
      opened.push(o.url)
      return Promise.resolve({ errMsg: 'navigateTo:ok' })
    })
    await mount(() => <TripView tripId="trip-1" />)
    await waitForText('发票信息')
    const info = text(find('.bills-trip-info'))
    expect(info).toContain('入口站点浙江台州南站')
    expect(info).toContain('入口时间2026-10-22 09:10:00')
    expect(info).toContain('出口站点浙江马宅站')
    expect(info).toContain('通行时间2026-10-22 09:47:31')
    expect(info).toContain('收费金额（元）229.31')
    expect(text(find('.bills-trip-payment'))).toBe(
      '支付信息卡类型记账卡支付方式记账卡扣款支付金额¥229.31扣款日期2026-10-23',
    )
    const invoice = text(find('.bills-trip-invoice'))
    expect(invoice).toContain('发票类型通行费电子发票')
    expect(invoice).toContain('开票方式单次通行发票')
    expect(invoice).toContain('发票号码33002600000012345678')
    expect(invoice).toContain('开票时间2026-10-24 10:00:00')
    click(find('.bills-trip-invoice__open'))
    expect(opened).toEqual(['/packages/invoices/pages/invoice/index?id=inv-1'])
  })

  it('a parking trip without an invoice yet, with its refund', async () => {
    serve({
      'trips.detail': {
        data: tripDetail({
          scene: 'nonHighway',
          sceneLabel: '非高速场景通行',
          entryStation: null,
          exitStation: '杭州西湖停车场',
          invoiceType: '停车服务电子发票',
          invoice: null,
          refund: {
            status: 'refunding',
            statusLabel: '退款中',
            amount: fen(500),
            at: '2026-12-07T15:30:02.000Z',
          },
        }),
      },
    })
    await mount(() => <TripView tripId="trip-1" />)
    await waitForText('暂未开票')
    expect(text(find('.bills-trip-info'))).toContain('停车场名称杭州西湖停车场')
    expect(text(find('.bills-trip-refund'))).toBe('退费信息退款状态退款中退款金额¥5.00退费日期2026-12-07')
    expect(text(find('.bills-trip-invoice'))).toContain('发票类型停车服务电子发票')
    expect(document.querySelector('.bills-trip-invoice__open')).toBeNull()
  })

  it('a trip without an invoice offers 开具发票; a refunded one does not', async () => {
    serve({
      'trips.detail': (p) => ({
        data: tripDetail({
          invoice: null,
          refund:
            (p as { tripId: string }).tripId === 'trip-r'
              ? {
                  status: 'refunded',
                  statusLabel: '已退款',
                  amount: fen(500),
                  at: '2026-12-07T15:30:02.000Z',
                }
              : null,
        }),
      }),
    })
    const opened: string[] = []
    jest.spyOn(Taro, 'navigateTo').mockImplementation((o) => {
      opened.push(o.url)
      return Promise.resolve({ errMsg: 'navigateTo:ok' })
    })
    await mount(() => <TripView tripId="trip-1" />)
    await waitForText('暂未开票')
    click(find('.bills-trip-invoice__issue'))
    expect(opened).toEqual(['/packages/invoices/pages/issue/index?source=trip&tripId=trip-1'])
    cleanup()
    await mount(() => <TripView tripId="trip-r" />)
    await waitForText('该通行记录无需开具发票')
    expect(document.querySelector('.bills-trip-invoice__issue')).toBeNull()
  })

  it('shows a missing trip as the server says', async () => {
    serve({ 'trips.detail': { error: 'NOT_FOUND', message: '通行记录不存在' } })
    await mount(() => <TripView tripId="nope" />)
    await waitForText('通行记录不存在')
  })
})
