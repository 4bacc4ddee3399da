import { waitFor } from '@testing-library/dom'
import type { ActionRequest, ApiEnvelope, ApiResult, ParkingRow } from '../../../../../types'
import { parkingRows, parkingSetAnswer } from '../../../../testing/etc-fixtures'
import { fakeSend, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import ParkingPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const OPERATED_AT = '2026-11-23T06:30:00.000Z' // 14:30:00 in Shanghai

type SetRequest = ActionRequest<'parking.set'>

function requests(action: string): unknown[] {
  return jest
    .mocked(send)
    .mock.calls.map(([envelope]) => envelope)
    .filter((e) => e.action === action)
    .map((e) => e.payload)
}
const setRequests = () => requests('parking.set') as SetRequest[]

/** Answers a parking.set of listed ids the way the server does, in one call. */
function switchIds(payload: unknown) {
  const p = payload as SetRequest
  const ids = p.vehicleIds ?? []
  const items: ParkingRow[] = ids.map((id) => {
    const row = parkingRows.find((r) => r.vehicleId === id) ?? parkingRows[0]
    return { ...row, authorized: p.authorized, lastOperatedAt: OPERATED_AT }
  })
  const changed = ids.filter(
    (id) => parkingRows.find((r) => r.vehicleId === id)?.authorized !== p.authorized,
  ).length
  return {
    data: parkingSetAnswer({
      batchKey: p.batchKey,
      total: ids.length,
      processed: ids.length,
      changed,
      unchanged: ids.length - changed,
      items,
    }),
  }
}

function answer(answers: FakeAnswers) {
  const fake = fakeSend({
    'parking.list': { data: { items: parkingRows, total: 3, nextCursor: null } },
    'parking.set': switchIds,
    ...answers,
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  answer({})
})

const rows = () => Array.from(document.querySelectorAll('.etc-parking-row'))

describe('拓展授权管理', () => {
  it('lists vehicles with their switch state and last operation time', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    expect(rows()).toHaveLength(3)
    expect(text(rows()[0])).toContain('未开启授权')
    expect(text(rows()[0])).toContain('上次操作时间 -')
    expect(text(rows()[2])).toContain('已开启授权')
    expect(text(rows()[2])).toContain('上次操作时间 2026-11-01 09:02:03')
    expect(rows()[2].querySelector('.etc-parking-switch.nut-switch-close')).toBeNull()
    expect(rows()[0].querySelector('.etc-parking-switch.nut-switch-close')).not.toBeNull()
    expect(rows()[0].querySelector('.plate-tag--blue')).not.toBeNull()
  })

  it('keeps the plate beside its checkbox, the switch apart on the right', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    const vehicle = find('.etc-parking-row__vehicle', rows()[0])
    expect(vehicle.querySelector('.etc-parking-select')).not.toBeNull()
    expect(vehicle.querySelector('.plate-tag')).not.toBeNull()
    expect(vehicle.querySelector('.etc-parking-switch')).toBeNull()
    expect(find('.etc-parking-row__top', rows()[0]).children).toHaveLength(2)
  })

  it('folds the plate filter behind 筛选 and names it in the count', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    expect(document.querySelector('.etc-filter-plate')).toBeNull()
    click(find('.list-with-filters__toggle'))
    await waitFor(() => expect(document.querySelector('.etc-filter-plate input')).not.toBeNull())
    const input = find('.etc-filter-plate input') as HTMLInputElement
    input.value = '浙A12345'
    input.dispatchEvent(new Event('input', { bubbles: true }))
    click(find('.etc-filter-search'))
    await waitForText('共 3 条（车牌 浙A12345）')
    expect(requests('parking.list').at(-1)).toMatchObject({ plate: '浙A12345' })
    expect(document.querySelector('.etc-filter-plate')).toBeNull()
    expect(find('.list-with-filters__toggle').textContent).toBe('筛选 1')
  })

  it('batch-enables the selected vehicles after a confirm dialog naming the count', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    click(find('.etc-parking-select', rows()[0]))
    click(find('.etc-parking-select', rows()[1]))
    await waitForText('已选 2 辆')

    click(find('.etc-parking-batch-on'))
    await waitForText('确定为选中的 2 辆车开启拓展授权吗？')
    expect(setRequests()).toHaveLength(0)
    click(find('.nut-dialog-footer-ok'))

    await waitForText('已开启拓展授权 2 辆')
    expect(setRequests()).toEqual([
      {
        batchKey: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
        vehicleIds: ['veh-1', 'veh-2'],
        authorized: true,
      },
    ])
    expect(text(rows()[0])).toContain('已开启授权')
    expect(text(rows()[1])).toContain('已开启授权')
    expect(text(rows()[0])).toContain('上次操作时间 2026-11-23 14:30:00')
    expect(text()).toContain('已选 0 辆')
  })

  it('全选 offers 全选全部 N 辆 and sends the whole fleet as the filter, following continuations', async () => {
    const page = parkingRows.map((r, i) => ({ ...r, vehicleId: `veh-${i + 1}` }))
    let calls = 0
    answer({
      'parking.list': (payload) => {
        const p = payload as { cursor?: string }
        return { data: { items: p.cursor ? [] : page, total: 260, nextCursor: p.cursor ? null : 'page-2' } }
      },
      'parking.set': (payload) => {
        calls += 1
        const p = payload as SetRequest
        if (calls === 1)
          return {
            data: parkingSetAnswer({
              batchKey: p.batchKey,
              state: 'running',
              continuation: 'c1-0123456789ab',
              total: 260,
              processed: 125,
              changed: 100,
              unchanged: 25,
            }),
          }
        return {
          data: parkingSetAnswer({
            batchKey: p.batchKey,
            total: 260,
            processed: 260,
            changed: 199,
            unchanged: 60,
            failed: 1,
            failures: [
              {
                targetId: 'veh-200',
                label: '浙C99999',
                code: 'VEHICLE_NOT_CURRENT',
                message: '历史车辆无法设置拓展授权',
              },
            ],
          }),
        }
      },
    })
    await mount(() => <ParkingPage />)
    await waitForText('共 260 条')
    click(find('.etc-parking-select-all'))
    await waitForText('已选 3 辆')
    expect(text()).toContain('已选择已加载的 3 辆')
    click(find('.etc-parking-select-matching'))
    await waitForText('已选 260 辆')
    expect(text()).toContain('已选择全部 260 辆')
    expect(
      rows().every((r) => r.querySelector('.nut-checkbox-icon-checked, .nut-checkbox-checked') !== null),
    ).toBe(true)

    click(find('.etc-parking-batch-on'))
    await waitForText('确定为全部 260 辆车开启拓展授权吗？')
    click(find('.nut-dialog-footer-ok'))
    await waitForText('已开启拓展授权 199 辆，60 辆原已开启')
    expect(text()).toContain('1 辆未能处理')
    expect(text()).toContain('浙C99999 历史车辆无法设置拓展授权')

    const sent = setRequests()
    expect(sent).toHaveLength(2)
    expect(sent[0]).toEqual({ batchKey: expect.any(String), allMatching: {}, authorized: true })
    // the continuation goes with the same key and the same request
    expect(sent[1]).toEqual({ ...sent[0], continuation: 'c1-0123456789ab' })
    // rows beyond the loaded ones changed: the list is loaded again
    await waitFor(() => expect(requests('parking.list').length).toBeGreaterThanOrEqual(2))
    expect(text()).toContain('已选 0 辆')
  })

  it('a batch whose answer is lost is retried with the same key, then offers 继续; the result counts everything', async () => {
    const fake = fakeSend({
      'parking.list': { data: { items: parkingRows, total: 3, nextCursor: null } },
    })
    let setCalls = 0
    jest.mocked(send).mockImplementation(async (envelope: ApiEnvelope): Promise<ApiResult> => {
      if (envelope.action !== 'parking.set') return fake(envelope)
      setCalls += 1
      // the function was killed after applying part of the batch: the first two calls never answer
      if (setCalls <= 2) throw new Error('request:fail timeout')
      const p = envelope.payload as SetRequest
      return {
        ok: true,
        requestId: 't',
        data: parkingSetAnswer({ batchKey: p.batchKey, total: 2, processed: 2, changed: 2 }),
      }
    })
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    click(find('.etc-parking-select', rows()[0]))
    click(find('.etc-parking-select', rows()[1]))
    await waitForText('已选 2 辆')
    click(find('.etc-parking-batch-on'))
    await waitForText('确定为选中的 2 辆车开启拓展授权吗？')
    click(find('.nut-dialog-footer-ok'))

    await waitForText('操作未完成')
    expect(text()).toContain('已处理的不会重复处理')
    expect(text()).not.toContain('已开启拓展授权')
    click(find('.fleet-batch__resume'))
    await waitForText('已开启拓展授权 2 辆')
    expect(text()).not.toContain('操作未完成')
    const sent = setRequests()
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((r) => r.batchKey)).size).toBe(1)
    expect(sent.every((r) => JSON.stringify(r.vehicleIds) === '["veh-1","veh-2"]')).toBe(true)
  })

  it('does nothing when the batch dialog is cancelled', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    click(find('.etc-parking-select', rows()[2]))
    await waitForText('已选 1 辆')
    click(find('.etc-parking-batch-off'))
    await waitForText('确定为选中的 1 辆车关闭拓展授权吗？')
    click(find('.nut-dialog-footer-cancel'))
    await waitFor(() => expect(document.querySelector('.nut-dialog-footer-cancel')).toBeNull())
    expect(setRequests()).toHaveLength(0)
    expect(text(rows()[2])).toContain('已开启授权')
  })

  it('switches one vehicle with its switch', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    click(find('.etc-parking-switch', rows()[2]))
    await waitForText('已关闭拓展授权 1 辆')
    expect(setRequests()).toEqual([
      { batchKey: expect.any(String), vehicleIds: ['veh-3'], authorized: false },
    ])
    expect(text(rows()[2])).toContain('未开启授权')
  })

  it('keeps the batch buttons disabled until something is selected', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    click(find('.etc-parking-batch-on'))
    expect(document.querySelector('.nut-dialog')).toBeNull()
    click(find('.etc-parking-select-all'))
    await waitForText('已选 3 辆')
    // every row is loaded: nothing more to select
    expect(document.querySelector('.etc-parking-select-matching')).toBeNull()
  })
})
