import Taro from '@tarojs/taro'
import { click, find, mount, text } from '../../testing/render'
import BillsPage from '.'

afterEach(() => {
  jest.restoreAllMocks()
})

describe('账单 tab', () => {
  it('lists the bill, trip, refund and invoice entries and opens their subpackage pages', async () => {
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <BillsPage />)
    const page = text()
    for (const title of ['账单统计', '账单明细', '通行流水查询', '退费记录查询', '已开票查询', '开票设置']) {
      expect(page).toContain(title)
    }
    expect(page).not.toContain('即将上线')

    const opened: string[] = []
    navigateTo.mockImplementation((option) => {
      opened.push(option.url)
      return Promise.resolve({ errMsg: 'navigateTo:ok' })
    })
    for (const entry of ['statistics', 'details', 'trips', 'refunds', 'invoices', 'invoice-settings']) {
      click(find(`.bills-hub-${entry}`))
    }
    expect(opened).toEqual([
      '/packages/bills/pages/statistics/index',
      '/packages/bills/pages/details/index',
      '/packages/bills/pages/trips/index',
      '/packages/bills/pages/refunds/index',
      '/packages/invoices/pages/list/index',
      '/packages/invoices/pages/settings/index',
    ])
  })
})
