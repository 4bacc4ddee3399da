import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest, ApiEnvelope } from '../../../../../types'
import { dayNumber, dayText, latestEnd, recordsSpan, shiftDay } from '../../../../../types/dateRange'
import { shanghaiToday } from '../../../../components/date-time'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import {
  allocationRecords,
  pageOf,
  paidOrder,
  rechargeOrder,
  rechargeRecords,
} from '../../../../testing/money-fixtures'
import { queuedRecord } from '../../../../testing/export-fixtures'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { firePageEvent } from '../../testing/page-events'
import { RecordsView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

type ListRequest = ActionRequest<'recharge.list'>

function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

/** Answers a records list from `rows`, echoing the range as the server does. */
function listOf<T>(rows: T[]) {
  return (payload: unknown) => {
    const p = payload as ListRequest
    return { data: { ...pageOf(rows, p), from: p.from ?? '', to: p.to ?? '' } }
  }
}

const today = shanghaiToday()
const back = (amount: number, unit: 'month' | 'year') =>
  dayText(shiftDay(dayNumber(today) as number, { amount, unit, label: '' }, -1))

const rechargeLists = () => payloadsOf(jest.mocked(send).mock.calls, 'recharge.list')
const allocationLists = () => payloadsOf(jest.mocked(send).mock.calls, 'allocation.list')
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

describe('历史记录', () => {
  it('充值记录: the seed columns, newest first, 共 N 条 and paging with the same range', async () => {
    serve({ 'recharge.list': listOf(rechargeRecords(25)) })
    await mount(() => <RecordsView />)
    await waitForText('共 25 条')
    expect(rechargeLists()).toEqual([{ from: back(1, 'year'), to: today, limit: 20 }])

    const rows = () => Array.from(document.querySelectorAll('.money-recharge-record'))
    expect(rows()).toHaveLength(20)
    const first = text(rows()[0])
    expect(first).toContain('订单编号R20261123095445000000001')
    expect(first).toContain('充值时间2026-11-23 09:54:45')
    expect(first).toContain('充值方式微信支付')
    expect(first).toContain('充值到用户账户')
    expect(first).toContain('充值金额¥1.00')
    expect(first).toContain('充值交易流水号4200002026112300000001')
    expect(first).toContain('状态充值成功')
    expect(text(rows()[1])).toContain('状态已关闭')
    expect(text(rows()[1])).toContain('充值交易流水号-')

    click(find('.list-with-filters__more'))
    await waitForText('没有更多了')
    expect(rows()).toHaveLength(25)
    expect(rechargeLists()[1]).toEqual({ from: back(1, 'year'), to: today, limit: 20, cursor: '20' })
  })

  it('预分配记录: plate, masked card number, time, amount and 数据来源', async () => {
    serve({
      'recharge.list': listOf(rechargeRecords(1)),
      'allocation.list': listOf(allocationRecords(2)),
    })
    await mount(() => <RecordsView />)
    await waitForText('共 1 条')
    click(find('.money-records-tab-allocation'))
    await waitForText('共 2 条')
    expect(allocationLists()).toEqual([{ from: back(1, 'year'), to: today, limit: 20 }])
    const row = text(find('.money-allocation-record'))
    expect(row).toContain('车牌号码浙A1111D')
    expect(row).toContain('ETC通行卡卡号3301*****4421')
    expect(row).toContain('预分配时间2026-11-22 14:29:21')
    expect(row).toContain('预分配金额¥0.01')
    expect(row).toContain('数据来源充值自动分配')
  })

  it('says when a range has no records, and 圈存记录 is announced without asking anything', async () => {
    serve({ 'recharge.list': listOf([]), 'allocation.list': listOf([]) })
    await mount(() => <RecordsView />)
    await waitForText('所选时间内暂无充值记录')
    click(find('.money-records-tab-load'))
    await waitForText('圈存记录将随蓝牙圈存功能上线')
    expect(document.querySelector('.etc-status-range')).toBeNull()
    const calls = jest.mocked(send).mock.calls.map(([e]) => e.action)
    expect(calls).toEqual(['recharge.list'])
  })

  it('filters by date like the card records: quick ranges, and custom ends kept within 5 years', async () => {
    serve({ 'recharge.list': listOf(rechargeRecords(3)) })
    await mount(() => <RecordsView />)
    await waitForText('共 3 条')
    click(find('.etc-status-range__quick-1m'))
    await waitFor(() => expect(rechargeLists()).toHaveLength(2))
    expect(rechargeLists()[1]).toEqual({ from: back(1, 'month'), to: today, limit: 20 })

    click(find('.etc-status-range__quick-custom'))
    await waitFor(() =>
      expect(document.querySelectorAll('.etc-status-range__custom taro-picker-core')).toHaveLength(2),
    )
    const [fromPicker] = Array.from(document.querySelectorAll('.etc-status-range__custom taro-picker-core'))
    pick(fromPicker, '2015-03-01')
    // the end follows: at most five years after the start
    await waitFor(() => expect(rechargeLists()).toHaveLength(3))
    expect(rechargeLists()[2]).toEqual({
      from: '2015-03-01',
      to: latestEnd('2015-03-01', recordsSpan),
      limit: 20,
    })
    expect(text(find('.etc-status-range__to'))).toBe('2020-03-01')
  })

  it('shows the error with 重试, and pull-to-refresh reloads the first page', async () => {
    serve({ 'recharge.list': { error: 'INTERNAL' } })
    await mount(() => <RecordsView />)
    await waitForText('系统繁忙，请稍后再试')
    serve({ 'recharge.list': listOf(rechargeRecords(2)) })
    click(find('.list-with-filters__retry'))
    await waitForText('共 2 条')

    const stop = jest.spyOn(Taro, 'stopPullDownRefresh').mockImplementation(() => undefined as never)
    const before = rechargeLists().length
    await firePageEvent('onPullDownRefresh')
    await waitFor(() => expect(stop).toHaveBeenCalled())
    expect(rechargeLists()).toHaveLength(before + 1)
    expect(rechargeLists().at(-1)).toEqual({ from: back(1, 'year'), to: today, limit: 20 })
  })

  it('a pending recharge links to its result page', async () => {
    serve({ 'recharge.list': listOf([rechargeOrder()]) })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <RecordsView />)
    await waitForText('状态待支付')
    click(find('.money-recharge-record__check'))
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/money/pages/recharge-result/index?orderNo=R20261123095445000000001',
    })
  })

  it('a paid recharge: 开具发票, and back from it the row reads 已开票 with 查看发票', async () => {
    const paid = paidOrder(rechargeOrder())
    let invoiced = false
    serve({
      'recharge.list': (p) =>
        listOf([
          { ...paid, invoiceId: invoiced ? 'inv-r1' : null },
          rechargeOrder({ orderNo: 'R20261123095445000000002' }),
        ])(p),
    })
    const opened: string[] = []
    jest.spyOn(Taro, 'navigateTo').mockImplementation((o) => {
      opened.push(o.url)
      return Promise.resolve({ errMsg: 'navigateTo:ok' })
    })
    await mount(() => <RecordsView />)
    await waitForText('状态充值成功开具发票')
    const rows = () => Array.from(document.querySelectorAll('.money-recharge-record'))
    expect(rows()[1].querySelector('.money-recharge-record__issue')).toBeNull()
    click(find('.money-recharge-record__issue', rows()[0]))
    expect(opened).toEqual([
      '/packages/invoices/pages/issue/index?source=recharge&orderNo=R20261123095445000000001',
    ])

    invoiced = true
    await firePageEvent('componentDidShow')
    await waitForText('已开票查看发票')
    expect(rows()[0].querySelector('.money-recharge-record__issue')).toBeNull()
    click(find('.money-recharge-record__view-invoice'))
    expect(opened.at(-1)).toBe('/packages/invoices/pages/invoice/index?id=inv-r1')
  })

  it('opens on the tab the link names', async () => {
    serve({ 'allocation.list': listOf(allocationRecords(1)) })
    await mount(() => <RecordsView initialTab="allocation" />)
    await waitForText('数据来源充值自动分配')
    expect(rechargeLists()).toHaveLength(0)
  })

  it('导出 exports what the list shows: its kind and the range it was asked with', async () => {
    serve({
      'recharge.list': listOf(rechargeRecords(3)),
      'allocation.list': listOf(allocationRecords(2)),
      'exports.create': { data: queuedRecord() },
    })
    jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <RecordsView />)
    await waitForText('共 3 条')
    click(find('.export-button__export'))
    await waitFor(() => expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')).toHaveLength(1))
    expect(payloadsOf(jest.mocked(send).mock.calls, 'exports.create')[0]).toMatchObject({
      kind: 'rechargeRecords',
      filter: { from: back(1, 'year'), to: today },
    })
  })
})
