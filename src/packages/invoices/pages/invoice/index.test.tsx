import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope, InvoiceDetail } from '../../../../../types'
import type { Fen } from '../../../../../types/money'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import {
  invoiceDetail,
  invoiceRow,
  mergedRow,
  pageOf,
  settingsView,
  titleView,
  tripRows,
} from '../../testing/fixtures'
import { InvoiceView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}
const calls = () => jest.mocked(send).mock.calls
/** jsdom's Blob has no text(): read it the browser way. */
function textOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsText(blob)
  })
}

const bearerLink = {
  auth: 'bearer',
  url: '/invoices/file/inv-1?exp=1795000000&sig=abc',
  expiresAt: '2026-11-23T06:35:00.000Z',
  fileName: '发票24332000000012345678.pdf',
} as const

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => jest.restoreAllMocks())

describe('发票详情', () => {
  it('shows the invoice data, its title and status 正常', async () => {
    serve({ 'invoices.detail': { data: invoiceDetail() } })
    await mount(() => <InvoiceView id="inv-1" />)
    await waitForText('发票信息')
    const invoice = text(find('.inv-detail__invoice'))
    expect(invoice).toContain('车牌号码浙A12345')
    expect(invoice).toContain('发票类型单程票')
    expect(invoice).toContain('发票号码24332000000012345678')
    expect(invoice).toContain('发票金额¥116.00')
    expect(invoice).toContain('税额（3%）¥3.38')
    expect(invoice).toContain('发票状态正常')
    const title = text(find('.inv-detail__title'))
    expect(title).toContain('发票抬头杭州顺达物流有限公司')
    expect(title).toContain('税号91330106MA2B3C4D5D')
    expect(title).toContain('开户银行中国工商银行杭州分行')
    expect(payloadsOf(calls(), 'invoices.detail')).toEqual([{ id: 'inv-1' }])
  })

  it('a merged invoice pages through the trips it covers', async () => {
    const trips = tripRows(25)
    serve({
      'invoices.detail': { data: invoiceDetail(mergedRow) },
      'invoices.trips': (p) => ({ data: pageOf(trips, p) }),
    })
    await mount(() => <InvoiceView id="inv-m1" />)
    await waitForText('通行明细')
    await waitForText('共 25 条')
    expect(text(find('.inv-detail__invoice'))).toContain('账单月份2024年11月')
    expect(document.querySelectorAll('.inv-trip')).toHaveLength(20)
    expect(text(find('.inv-trip'))).toContain('出入口站杭州北 → 出口1')
    click(find('.list-with-filters__more'))
    await waitForText('没有更多了')
    expect(document.querySelectorAll('.inv-trip')).toHaveLength(25)
    expect(payloadsOf(calls(), 'invoices.trips')).toEqual([
      { id: 'inv-m1', limit: 20 },
      { id: 'inv-m1', limit: 20, cursor: '20' },
    ])
  })

  it('查看发票 PDF on H5: fetches the link with the session and shows the PDF it answered', async () => {
    serve({ 'invoices.detail': { data: invoiceDetail() }, 'invoices.link': { data: bearerLink } })
    const fetchMock = jest.fn(async () => new Response(new Blob(['%PDF-1.7 invoice']), { status: 200 }))
    global.fetch = fetchMock as unknown as typeof fetch
    const shown: Blob[] = []
    URL.createObjectURL = jest.fn((blob: Blob) => {
      shown.push(blob)
      return 'blob:invoice-1'
    })
    URL.revokeObjectURL = jest.fn()
    const opened: string[] = []
    jest.spyOn(window, 'open').mockImplementation((url) => {
      opened.push(String(url))
      return {} as Window
    })
    await mount(() => <InvoiceView id="inv-1" />)
    await waitForText('查看发票 PDF')
    click(find('.inv-pdf'))
    await waitFor(() => expect(opened).toEqual(['blob:invoice-1']))
    expect(payloadsOf(calls(), 'invoices.link')).toEqual([{ id: 'inv-1' }])
    expect(fetchMock).toHaveBeenCalledWith(
      bearerLink.url,
      expect.objectContaining({ headers: { Authorization: 'Bearer session-token' } }),
    )
    expect(await textOf(shown[0])).toBe('%PDF-1.7 invoice')
  })

  it('查看发票 PDF in the mini-programs: downloads the file and opens it as a PDF', async () => {
    process.env.TARO_ENV = 'weapp'
    try {
      serve({
        'invoices.detail': { data: invoiceDetail() },
        'invoices.link': {
          data: { ...bearerLink, auth: 'none', url: 'https://tcb.example/invoices/inv-1.pdf?sign=1' },
        },
      })
      const downloadFile = jest
        .spyOn(Taro, 'downloadFile')
        .mockResolvedValue({ statusCode: 200, tempFilePath: 'wxfile://tmp/inv-1.pdf' } as never)
      const openDocument = jest.spyOn(Taro, 'openDocument').mockResolvedValue({ errMsg: 'openDocument:ok' })
      await mount(() => <InvoiceView id="inv-1" />)
      await waitForText('查看发票 PDF')
      click(find('.inv-pdf'))
      await waitFor(() =>
        expect(openDocument).toHaveBeenCalledWith({
          filePath: 'wxfile://tmp/inv-1.pdf',
          fileType: 'pdf',
          showMenu: true,
        }),
      )
      expect(downloadFile).toHaveBeenCalledWith({
        url: 'https://tcb.example/invoices/inv-1.pdf?sign=1',
        header: {},
      })
    } finally {
      process.env.TARO_ENV = 'h5'
    }
  })

  it('says why the PDF cannot be had', async () => {
    serve({
      'invoices.detail': { data: invoiceDetail() },
      'invoices.link': { error: 'INVOICE_PLATFORM_UNAVAILABLE' },
    })
    await mount(() => <InvoiceView id="inv-1" />)
    await waitForText('查看发票 PDF')
    click(find('.inv-pdf'))
    await waitForText('开票平台暂时无法连接，请稍后重试')
  })

  it('红冲重开: pick a title, confirm, then the status; a lost answer is retried with the same key', async () => {
    const reversed: InvoiceDetail = invoiceDetail(invoiceRow({ status: 'reversed' }), {
      canReissue: false,
      reissue: {
        state: 'done',
        requestedAt: '2026-11-23T06:30:00.000Z',
        finishedAt: '2026-11-23T06:30:01.000Z',
        newInvoiceId: 'inv-new',
        titleName: '新抬头有限公司',
        message: null,
      },
    })
    let attempts = 0
    serve({
      'invoices.detail': { data: invoiceDetail() },
      'invoiceTitles.list': {
        data: { items: [titleView(), titleView({ id: 'tt-2', name: '新抬头有限公司', isDefault: false })] },
      },
      'invoices.reissue': () => (++attempts === 1 ? { network: true } : { data: reversed }),
    })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <InvoiceView id="inv-1" />)
    await waitForText('红冲重开')
    click(find('.inv-reissue-open'))
    await waitForText('新抬头有限公司')
    expect(payloadsOf(calls(), 'invoiceTitles.list')).toEqual([{ vehicleId: 'veh-1' }])
    click(Array.from(document.querySelectorAll('.inv-reissue-title'))[1])
    expect(text(await findLater('.inv-reissue-title--picked'))).toContain('新抬头有限公司')
    click(find('.inv-reissue-submit'))
    await waitForText('将被红冲作废，并以“新抬头有限公司”为抬头重新开具')
    expect(payloadsOf(calls(), 'invoices.reissue')).toHaveLength(0)
    click(find('.nut-dialog-footer-ok'))
    await waitForText('网络异常，请检查网络后重试')

    click(find('.inv-reissue-submit'))
    click(find('.nut-dialog-footer-ok'))
    await waitForText('发票状态已红冲')
    const sent = payloadsOf(calls(), 'invoices.reissue')
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatchObject({ id: 'inv-1', titleId: 'tt-2' })
    expect(sent[1]).toEqual(sent[0])
    expect(text(find('.inv-reissue-state'))).toContain('进度已红冲重开')
    expect(text(find('.inv-reissue-state'))).toContain('新发票抬头新抬头有限公司')
    expect(document.querySelector('.inv-reissue-open')).toBeNull()
    click(find('.inv-reissue-state__new'))
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/packages/invoices/pages/invoice/index?id=inv-new' })
  })

  it('红冲重开 of a 充值发票: the account titles by vehicle, picked, confirmed; the retry keeps the key', async () => {
    const rechargeRow = invoiceRow({
      id: 'inv-r1',
      kind: 'recharge',
      vehicleId: null,
      plate: null,
      plateColor: null,
      entryStation: null,
      exitStation: null,
      passedAt: null,
      tripCount: 0,
      orderNo: 'R20261123095445000000001',
      amount: 10000 as Fen,
    })
    const reversed: InvoiceDetail = invoiceDetail(invoiceRow({ ...rechargeRow, status: 'reversed' }), {
      canReissue: false,
      reissue: {
        state: 'done',
        requestedAt: '2026-11-23T06:30:00.000Z',
        finishedAt: '2026-11-23T06:30:01.000Z',
        newInvoiceId: 'inv-r2',
        titleName: '储值抬头有限公司',
        message: null,
      },
    })
    let attempts = 0
    serve({
      'invoices.detail': { data: invoiceDetail(rechargeRow) },
      'invoiceSettings.list': {
        data: {
          items: [
            settingsView({ vehicleId: 'veh-2', plate: '浙AD35288', cardType: 'stored', defaultTitle: null }),
            settingsView(),
          ],
          total: 2,
          nextCursor: null,
        },
      },
      'invoiceTitles.list': (p) =>
        (p as { vehicleId: string }).vehicleId === 'veh-2'
          ? { data: { items: [titleView({ id: 'tt-9', vehicleId: 'veh-2', name: '储值抬头有限公司' })] } }
          : { data: { items: [titleView()] } },
      'invoices.reissue': () => (++attempts === 1 ? { network: true } : { data: reversed }),
    })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <InvoiceView id="inv-r1" />)
    await waitForText('充值订单R20261123095445000000001')
    expect(payloadsOf(calls(), 'invoiceSettings.list')).toHaveLength(0)
    click(find('.inv-reissue-open'))
    // no vehicle holds the invoice: the one with a default title comes first
    await waitForText('杭州顺达物流有限公司（默认）')
    expect(text()).not.toContain('暂不支持')
    expect(find('.inv-reissue-vehicle-veh-1').getAttribute('class')).toContain('etc-chips__chip--active')
    click(find('.inv-reissue-vehicle-veh-2'))
    await waitForText('储值抬头有限公司（默认）')
    expect(payloadsOf(calls(), 'invoiceTitles.list')).toEqual([
      { vehicleId: 'veh-1' },
      { vehicleId: 'veh-2' },
    ])
    click(find('.inv-reissue-title'))
    expect(text(await findLater('.inv-reissue-title--picked'))).toContain('储值抬头有限公司')
    click(find('.inv-reissue-submit'))
    await waitForText('将被红冲作废，并以“储值抬头有限公司”为抬头重新开具')
    click(find('.nut-dialog-footer-ok'))
    await waitForText('网络异常，请检查网络后重试')
    click(find('.inv-reissue-submit'))
    click(find('.nut-dialog-footer-ok'))
    await waitForText('发票状态已红冲')
    const sent = payloadsOf(calls(), 'invoices.reissue')
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatchObject({ id: 'inv-r1', titleId: 'tt-9' })
    expect(typeof (sent[0] as { key: unknown }).key).toBe('string')
    expect(sent[1]).toEqual(sent[0])
    expect(text(find('.inv-reissue-state'))).toContain('新发票抬头储值抬头有限公司')
    click(find('.inv-reissue-state__new'))
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/packages/invoices/pages/invoice/index?id=inv-r2' })
  })

  it('a re-issue in progress reads 重开中', async () => {
    serve({
      'invoices.detail': {
        data: invoiceDetail(invoiceRow(), {
          canReissue: false,
          reissue: {
            state: 'processing',
            requestedAt: '2026-11-23T06:30:00.000Z',
            finishedAt: null,
            newInvoiceId: null,
            titleName: '新抬头有限公司',
            message: null,
          },
        }),
      },
    })
    await mount(() => <InvoiceView id="inv-1" />)
    await waitForText('发票状态重开中')
    expect(text()).toContain('进度红冲重开中')
  })
})
