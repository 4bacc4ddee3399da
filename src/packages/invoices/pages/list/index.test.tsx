import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest, ApiEnvelope, InvoiceRow } from '../../../../../types'
import { dayNumber, dayText, shiftDay } from '../../../../../types/dateRange'
import { shanghaiToday } from '../../../../components/date-time'
import { queuedRecord } from '../../../../testing/export-fixtures'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { firePageEvent } from '../../../money/testing/page-events'
import { invoiceRow, mergedRow, pageOf, singleTripRows } from '../../testing/fixtures'
import { InvoiceListView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

type ListRequest = ActionRequest<'invoices.list'>

function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

/** Answers invoices.list from rows per kind, echoing kind and range as the server does. */
function listBy(rows: Partial<Record<ListRequest['kind'] & string, InvoiceRow[]>>) {
  return (payload: unknown) => {
    const p = payload as ListRequest
    const kind = p.kind ?? 'singleTrip'
    return { data: { ...pageOf(rows[kind] ?? [], p), kind, from: p.from ?? '', to: p.to ?? '' } }
  }
}

const today = shanghaiToday()
const yearAgo = dayText(shiftDay(dayNumber(today) as number, { amount: 1, unit: 'year', label: '' }, -1))
const lists = () => payloadsOf(jest.mocked(send).mock.calls, 'invoices.list')
const rows = () => Array.from(document.querySelectorAll('.inv-row'))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => jest.restoreAllMocks())

describe('已开票查询', () => {
  it('单程票: the seed columns, 共 N 条 and paging with the same filter', async () => {
    serve({ 'invoices.list': listBy({ singleTrip: singleTripRows(25) }) })
    await mount(() => <InvoiceListView />)
    await waitForText('共 25 条')
    expect(text()).toContain('0571-96866')
    expect(lists()).toEqual([{ kind: 'singleTrip', from: yearAgo, to: today, limit: 20 }])
    expect(rows()).toHaveLength(20)
    const first = text(rows()[0])
    expect(first).toContain('车牌号码浙A12345')
    expect(first).toContain('出入口站杭州北 → 宁波东')
    expect(first).toContain('通行时间2024-11-22 16:46:17')
    expect(first).toContain('发票金额(元)¥116.00')
    expect(first).toContain('状态正常')

    click(find('.list-with-filters__more'))
    await waitForText('没有更多了')
    expect(rows()).toHaveLength(25)
    expect(lists()[1]).toEqual({ kind: 'singleTrip', from: yearAgo, to: today, limit: 20, cursor: '20' })
  })

  it('合并票 and 充值发票 tabs ask for their kind and show their columns', async () => {
    serve({
      'invoices.list': listBy({
        singleTrip: singleTripRows(1),
        monthlyMerged: [mergedRow, invoiceRow({ ...mergedRow, id: 'inv-m2', status: 'reversed' })],
        recharge: [
          invoiceRow({
            id: 'inv-r1',
            kind: 'recharge',
            vehicleId: null,
            plate: null,
            plateColor: null,
            orderNo: 'R20241101000000000001',
            tripCount: 0,
          }),
        ],
      }),
    })
    await mount(() => <InvoiceListView />)
    await waitForText('共 1 条')
    click(find('.inv-list-tab-monthlyMerged'))
    await waitForText('共 2 条')
    expect(lists().at(-1)).toEqual({ kind: 'monthlyMerged', from: yearAgo, to: today, limit: 20 })
    const merged = text(rows()[0])
    expect(merged).toContain('账单月份2024年11月（25 笔通行）')
    expect(merged).toContain('发票抬头杭州顺达物流有限公司')
    expect(merged).toContain('收款人浙江高速公路智能收费运营服务有限公司')
    expect(merged).toContain('开票时间2024-12-02')
    expect(merged).toContain('发票金额(元)¥523.00')
    expect(text(rows()[1])).toContain('状态已红冲')

    click(find('.inv-list-tab-recharge'))
    await waitForText('充值订单R20241101000000000001')
    expect(lists().at(-1)).toMatchObject({ kind: 'recharge' })
  })

  it('filters by plate (checked before sending) and names it in the count', async () => {
    serve({ 'invoices.list': listBy({ singleTrip: singleTripRows(3) }) })
    await mount(() => <InvoiceListView />)
    await waitForText('共 3 条')
    click(find('.list-with-filters__toggle'))
    await typeIn('.etc-filter-plate', '浙A1')
    click(find('.etc-filter-search'))
    await waitForText('车牌号码格式不正确')
    expect(lists()).toHaveLength(1)
    await typeIn('.etc-filter-plate', '浙a12345')
    click(find('.etc-filter-search'))
    await waitForText('共 3 条（车牌 浙A12345）')
    expect(lists().at(-1)).toEqual({
      kind: 'singleTrip',
      from: yearAgo,
      to: today,
      plate: '浙A12345',
      limit: 20,
    })
  })

  it('a vehicle link narrows the list to that vehicle', async () => {
    serve({ 'invoices.list': listBy({ singleTrip: singleTripRows(2) }) })
    await mount(() => <InvoiceListView vehicleId="veh-9" />)
    await waitForText('共 2 条')
    expect(lists()[0]).toMatchObject({ vehicleId: 'veh-9' })
  })

  it('empty and error states, 重试 and pull-to-refresh', async () => {
    serve({ 'invoices.list': { error: 'INTERNAL' } })
    await mount(() => <InvoiceListView />)
    await waitForText('系统繁忙，请稍后再试')
    serve({ 'invoices.list': listBy({}) })
    click(find('.list-with-filters__retry'))
    await waitForText('所选时间内暂无单程票')

    serve({ 'invoices.list': listBy({ singleTrip: singleTripRows(4) }) })
    const stop = jest.spyOn(Taro, 'stopPullDownRefresh').mockImplementation(() => undefined as never)
    await firePageEvent('onPullDownRefresh')
    await waitFor(() => expect(stop).toHaveBeenCalled())
    await waitForText('共 4 条')
  })

  it('导出 exports the invoices the list shows; a row opens its detail', async () => {
    serve({
      'invoices.list': listBy({ singleTrip: singleTripRows(3) }),
      'exports.create': { data: queuedRecord() },
    })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <InvoiceListView />)
    await waitForText('共 3 条')
    click(find('.export-button__export'))
    await waitFor(() => expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')).toHaveLength(1))
    expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')[0]).toMatchObject({
      kind: 'invoices',
      filter: { kind: 'singleTrip', from: yearAgo, to: today },
    })
    click(rows()[1])
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/packages/invoices/pages/invoice/index?id=inv-2' })
  })
})
