import { waitFor } from '@testing-library/dom'
import type { ActionRequest, ApiEnvelope, ParkingRow } from '../../../../../types'
import { parkingRows } from '../../../../testing/etc-fixtures'
import { fakeSend } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import ParkingPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const OPERATED_AT = '2026-11-23T06:30:00.000Z' // 14:30:00 in Shanghai

function setRequests(): ActionRequest<'parking.set'>[] {
  return jest
    .mocked(send)
    .mock.calls.map(([envelope]) => envelope)
    .filter((e) => e.action === 'parking.set')
    .map((e) => e.payload as ActionRequest<'parking.set'>)
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({
    'parking.list': { data: { items: parkingRows, total: 3, nextCursor: null } },
    'parking.set': (payload) => {
      const p = payload as ActionRequest<'parking.set'>
      const items: ParkingRow[] = p.vehicleIds.map((id) => {
        const row = parkingRows.find((r) => r.vehicleId === id) ?? parkingRows[0]
        return { ...row, authorized: p.authorized, lastOperatedAt: OPERATED_AT }
      })
      const changed = p.vehicleIds.filter(
        (id) => parkingRows.find((r) => r.vehicleId === id)?.authorized !== p.authorized,
      ).length
      return { data: { changed, unchanged: items.length - changed, operatedAt: OPERATED_AT, items } }
    },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
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
    expect(setRequests()).toEqual([{ vehicleIds: ['veh-1', 'veh-2'], authorized: true }])
    expect(text(rows()[0])).toContain('已开启授权')
    expect(text(rows()[1])).toContain('已开启授权')
    expect(text(rows()[0])).toContain('上次操作时间 2026-11-23 14:30:00')
    expect(text()).toContain('已选 0 辆')
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
    expect(setRequests()).toEqual([{ vehicleIds: ['veh-3'], authorized: false }])
    expect(text(rows()[2])).toContain('未开启授权')
  })

  it('keeps the batch buttons disabled until something is selected', async () => {
    await mount(() => <ParkingPage />)
    await waitForText('共 3 条')
    click(find('.etc-parking-batch-on'))
    expect(document.querySelector('.nut-dialog')).toBeNull()
    click(find('.etc-parking-select-all'))
    await waitForText('已选 3 辆')
  })
})
