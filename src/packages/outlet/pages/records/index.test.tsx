import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fen } from '../../../../../types/money'
import { shanghaiToday } from '../../../../components/date-time'
import { fakeSend, payloadsOf } from '../../../../testing/fake-api'
import { click, find, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { outletLoggedIn, outletRecord } from '../../testing/fixtures'
import OutletRecordsPage, { lastSevenDays } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const records = [
  outletRecord(),
  outletRecord({
    recordId: 'load-0',
    state: 'not_loaded',
    balanceBefore: null,
    balanceAfter: null,
    amount: fen(5_000),
    loadState: 'not_loaded',
    canReset: false,
    canReload: true,
    createdAt: '2026-12-01T01:00:00.000Z',
  }),
]

function answerWith(answers: Parameters<typeof fakeSend>[0]): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const lists = () => payloadsOf(jest.mocked(send).mock.calls, 'outlet.records.list')

async function query(plate: string, color: string): Promise<void> {
  await typeIn('.outlet-records-plate', plate)
  const option = Array.from(document.querySelectorAll('.outlet-records-color .nut-radio')).find(
    (el) => el.textContent === color,
  )
  click(option as Element)
  await waitFor(() => expect(option?.getAttribute('aria-checked')).toBe('true'))
  click(find('.outlet-records-search'))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  outletLoggedIn()
  answerWith({ 'outlet.records.list': { data: { items: records, total: 2, nextCursor: null } } })
})

describe('充值记录', () => {
  it('asks nothing before 查询, then lists the plate’s records of the last 7 days with their figures and state', async () => {
    await mount(() => <OutletRecordsPage />)
    const week = lastSevenDays(shanghaiToday())
    await waitForText(week.from)
    expect(text(find('.outlet-records-to'))).toBe(week.to)
    expect(lists()).toEqual([])

    await query('浙ad35288', '渐变绿色')
    await waitForText('共 2 条（浙AD35288 渐变绿色）')
    expect(lists()).toEqual([{ plate: '浙AD35288', plateColor: '渐变绿', ...week, limit: 20 }])
    expect(jest.mocked(send).mock.calls[0][1]).toBe('op.outlet-token')
    expect(text(find('.outlet-record-load-1'))).toBe(
      '浙AD35288（渐变绿色）已圈存卡号3301*****2345充值前金额¥123.45充值金额¥200.00充值后金额¥323.45' +
        '充值时间2026-12-02 10:03:04',
    )
    expect(text(find('.outlet-record-load-0'))).toBe(
      '浙AD35288（渐变绿色）未圈存卡号3301*****2345充值前金额-充值金额¥50.00充值后金额-' +
        '充值时间2026-12-01 09:00:00',
    )
    expect(text()).toContain('没有更多了')
  })

  it('says 暂无充值记录 when the plate has none', async () => {
    answerWith({ 'outlet.records.list': { data: { items: [], total: 0, nextCursor: null } } })
    await mount(() => <OutletRecordsPage />)
    await query('浙A12345', '蓝色')
    await waitForText('暂无充值记录')
    expect(lists()[0]).toMatchObject({ plate: '浙A12345', plateColor: '蓝' })
  })

  it('asks for the plate first, and shows the server’s refusal as it words it', async () => {
    answerWith({ 'outlet.records.list': { error: 'INVALID_INPUT', message: '查询时间范围不能超过30天' } })
    await mount(() => <OutletRecordsPage />)
    click(find('.outlet-records-search'))
    await waitForText('请输入车牌号码')
    expect(lists()).toEqual([])
    await query('浙A12345', '黄色')
    await waitForText('查询时间范围不能超过30天')
  })

  it('moving the start date keeps the range within 30 days', async () => {
    await mount(() => <OutletRecordsPage />)
    const today = shanghaiToday()
    await waitForText(lastSevenDays(today).from)
    const [fromPicker] = Array.from(
      document.querySelectorAll('.outlet-records-from-picker, taro-picker-core'),
    )
    fromPicker.dispatchEvent(new CustomEvent('change', { detail: { value: '2020-01-01' }, bubbles: true }))
    await waitForText('2020-01-31')
    expect(text(find('.outlet-records-from'))).toBe('2020-01-01')
    expect(text(find('.outlet-records-to'))).toBe('2020-01-31')
  })

  it('opens a record', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never)
    await mount(() => <OutletRecordsPage />)
    await query('浙AD35288', '渐变绿色')
    await waitFor(() => expect(document.querySelector('.outlet-record-load-1')).not.toBeNull())
    click(find('.outlet-record-load-1'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/outlet/pages/record/index?recordId=load-1' })
    navigateTo.mockRestore()
  })
})
