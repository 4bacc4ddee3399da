import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope, ExportRecordView } from '../../../../../types'
import { bearerLink, expiredRecord, exportRecord, queuedRecord } from '../../../../testing/export-fixtures'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { ExportRecordsView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const notice = '导出记录的有效期为30天，请及时下载相关记录文件。'
const page = (items: ExportRecordView[]) => ({
  data: { items, total: items.length, nextCursor: null, notice },
})

function serve(answers: FakeAnswers) {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const calls = () => jest.mocked(send).mock.calls
const rows = () => Array.from(document.querySelectorAll('.exports-record'))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  process.env.TARO_ENV = 'h5'
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  jest.restoreAllMocks()
})

describe('导出记录', () => {
  it('lists type, row count, time and status; 下载 only while valid, 已过期 without it', async () => {
    serve({
      'exports.list': page([
        exportRecord(),
        expiredRecord({ id: 'exp-2', label: '预分配记录', rowCount: 8231 }),
        exportRecord({
          id: 'exp-3',
          status: 'failed',
          statusLabel: '导出失败',
          rowCount: null,
          canDownload: false,
        }),
      ]),
    })
    await mount(() => <ExportRecordsView />)
    await waitForText('共 3 条')
    expect(text()).toContain(notice)
    const [ready, expired, failed] = rows()
    expect(text(ready)).toContain('充值记录')
    expect(text(ready)).toContain('导出成功')
    expect(text(ready)).toContain('导出量 19801')
    expect(text(ready)).toContain('导出时间 2026-12-02 13:13:44')
    expect(text(ready)).toContain('有效期至 2027-01-01')
    expect(ready.querySelector('.exports-record__download')).not.toBeNull()
    expect(text(expired)).toContain('已过期')
    expect(text(expired)).toContain('导出量 8231')
    expect(expired.querySelector('.exports-record__download')).toBeNull()
    expect(expired.querySelector('.exports-record__reexport')).not.toBeNull()
    expect(text(failed)).toContain('导出失败')
    expect(text(failed)).toContain('导出量 —')
  })

  it('shows the empty state', async () => {
    serve({ 'exports.list': page([]) })
    await mount(() => <ExportRecordsView />)
    await waitForText('暂无导出记录')
    expect(text()).toContain('点击“导出”')
  })

  it('asks again while an export is queued, until it is ready', async () => {
    let answered = 0
    serve({
      'exports.list': () => {
        answered += 1
        if (answered < 3)
          return page([queuedRecord(answered === 2 ? { status: 'running', statusLabel: '导出中' } : {})])
        return page([exportRecord()])
      },
    })
    await mount(() => <ExportRecordsView pollMs={20} />)
    await waitForText('排队中')
    await waitForText('导出成功')
    expect(rows()[0].querySelector('.exports-record__download')).not.toBeNull()
    const asked = answered
    // nothing unfinished: no more polls
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(answered).toBe(asked)
  })

  it('H5 下载: fetches the link with the bearer token and saves it under the file name', async () => {
    serve({ 'exports.list': page([exportRecord()]), 'exports.link': { data: bearerLink() } })
    const fetchMock = jest.fn(async () => new Response(new Blob(['xlsx bytes']), { status: 200 }))
    global.fetch = fetchMock as unknown as typeof fetch
    URL.createObjectURL = jest.fn(() => 'blob:export-1')
    URL.revokeObjectURL = jest.fn()
    const clicked: HTMLAnchorElement[] = []
    jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this)
    })
    await mount(() => <ExportRecordsView />)
    await waitForText('共 1 条')
    click(find('.exports-record__download'))
    await waitForText('已下载 充值记录_20261202.xlsx')
    expect(payloadsOf(calls(), 'exports.link')).toEqual([{ exportId: 'exp-1' }])
    expect(fetchMock).toHaveBeenCalledWith(
      bearerLink().url,
      expect.objectContaining({
        headers: { Authorization: 'Bearer session-token' },
      }),
    )
    expect(clicked).toHaveLength(1)
    expect(clicked[0].download).toBe('充值记录_20261202.xlsx')
    expect(clicked[0].href).toBe('blob:export-1')
  })

  it('H5 下载 refused by the server shows its message', async () => {
    serve({ 'exports.list': page([exportRecord()]), 'exports.link': { data: bearerLink() } })
    global.fetch = jest.fn(
      async () =>
        new Response(
          JSON.stringify({
            ok: false,
            error: { code: 'EXPORT_EXPIRED', message: '导出文件已过期，请重新导出' },
          }),
          {
            status: 410,
          },
        ),
    ) as unknown as typeof fetch
    await mount(() => <ExportRecordsView />)
    await waitForText('共 1 条')
    click(find('.exports-record__download'))
    await waitForText('导出文件已过期，请重新导出')
  })

  it('WeChat 下载: downloadFile of the temporary URL, then openDocument as xlsx with the menu', async () => {
    process.env.TARO_ENV = 'weapp'
    serve({
      'exports.list': page([exportRecord()]),
      'exports.link': {
        data: {
          url: 'https://tcb.example/exports/x.xlsx?sign=1',
          auth: 'none',
          fileName: '充值记录_20261202.xlsx',
          expiresAt: '2026-12-02T05:20:00.000Z',
        },
      },
    })
    const downloadFile = jest
      .spyOn(Taro, 'downloadFile')
      .mockResolvedValue({ statusCode: 200, tempFilePath: 'wxfile://tmp/x.xlsx' } as never)
    const openDocument = jest.spyOn(Taro, 'openDocument').mockResolvedValue({ errMsg: 'openDocument:ok' })
    await mount(() => <ExportRecordsView />)
    await waitForText('共 1 条')
    click(find('.exports-record__download'))
    await waitForText('已下载')
    expect(downloadFile).toHaveBeenCalledWith({
      url: 'https://tcb.example/exports/x.xlsx?sign=1',
      header: {},
    })
    expect(openDocument).toHaveBeenCalledWith({
      filePath: 'wxfile://tmp/x.xlsx',
      fileType: 'xlsx',
      showMenu: true,
    })
  })

  it('Alipay 下载: downloadFile of the api host path with the session header', async () => {
    process.env.TARO_ENV = 'alipay'
    serve({ 'exports.list': page([exportRecord()]), 'exports.link': { data: bearerLink() } })
    const downloadFile = jest
      .spyOn(Taro, 'downloadFile')
      .mockResolvedValue({ statusCode: 200, tempFilePath: 'https://resource/x.xlsx' } as never)
    jest.spyOn(Taro, 'openDocument').mockResolvedValue({ errMsg: 'openDocument:ok' })
    await mount(() => <ExportRecordsView />)
    await waitForText('共 1 条')
    click(find('.exports-record__download'))
    await waitForText('已下载')
    expect(downloadFile).toHaveBeenCalledWith({
      url: `https://etc-api.example.invalid${bearerLink().url}`,
      header: { Authorization: 'Bearer session-token' },
    })
  })

  it('重新导出 queues a new export with its own key, shown on top and polled', async () => {
    let listed = 0
    serve({
      'exports.list': () => {
        listed += 1
        return listed === 1
          ? page([expiredRecord()])
          : page([exportRecord({ id: 'exp-9', createdAt: '2026-12-02T06:00:00.000Z' }), expiredRecord()])
      },
      'exports.reexport': { data: queuedRecord({ id: 'exp-9', createdAt: '2026-12-02T06:00:00.000Z' }) },
    })
    await mount(() => <ExportRecordsView pollMs={20} />)
    await waitForText('已过期')
    click(find('.exports-record__reexport'))
    await waitForText('已重新提交充值记录导出')
    const [request] = payloadsOf(calls(), 'exports.reexport')
    expect(request).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), exportId: 'exp-1' })
    // the new export turns ready through the page's own polling
    await waitFor(() => expect(text(rows()[0])).toContain('导出成功'))
    expect(rows()).toHaveLength(2)
  })
})
