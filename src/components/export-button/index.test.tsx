import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../types'
import { queuedRecord } from '../../testing/export-fixtures'
import { fakeSend, payloadsOf, type FakeAnswer } from '../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import ExportButton from '.'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const creates = () => payloadsOf(jest.mocked(send).mock.calls, 'exports.create')
let navigateTo: jest.SpyInstance

function serve(create: FakeAnswer<'exports.create'>) {
  const fake = fakeSend({ 'exports.create': create })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
})

afterEach(() => jest.restoreAllMocks())

describe('ExportButton', () => {
  it('queues an export of the list’s current filter and opens 导出记录', async () => {
    serve({ data: queuedRecord() })
    await mount(() => (
      <ExportButton kind="rechargeRecords" filter={{ from: '2026-11-01', to: '2026-12-02' }} />
    ))
    click(find('.export-button__export'))
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/exports/pages/records/index' }),
    )
    expect(creates()).toEqual([
      {
        key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
        kind: 'rechargeRecords',
        filter: { from: '2026-11-01', to: '2026-12-02' },
      },
    ])
  })

  it('retries a lost request under the same key; a new filter is a new intent', async () => {
    let answers = 0
    serve(() => (++answers === 1 ? { network: true } : { data: queuedRecord() }))
    let filter = { from: '2026-11-01' }
    await mount(() => <ExportButton kind="allocationRecords" filter={filter} />)
    click(find('.export-button__export'))
    await waitForText('网络异常')
    click(find('.export-button__export'))
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(1))
    const [first, retry] = creates()
    expect(retry.key).toBe(first.key)

    filter = { from: '2026-10-01' }
    answers = 1
    await mount(() => <ExportButton kind="allocationRecords" filter={filter} />)
    click(document.querySelectorAll<HTMLElement>('.export-button__export')[1])
    await waitFor(() => expect(creates()).toHaveLength(3))
    expect(creates()[2].key).not.toBe(first.key)
  })

  it('shows the server’s refusal and stays on the list', async () => {
    serve({ error: 'EXPORT_EMPTY' })
    await mount(() => <ExportButton kind="rechargeRecords" filter={{}} />)
    click(find('.export-button__export'))
    await waitForText('没有符合条件的记录，无需导出')
    expect(navigateTo).not.toHaveBeenCalled()
  })

  it('导出记录 opens the records page; disabled sends nothing', async () => {
    serve({ data: queuedRecord() })
    await mount(() => <ExportButton kind="rechargeRecords" filter={{}} disabled />)
    expect(text(find('.export-button'))).toContain('导出记录')
    click(find('.export-button__export'))
    click(find('.export-button__records'))
    expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/exports/pages/records/index' })
    expect(creates()).toEqual([])
  })
})
