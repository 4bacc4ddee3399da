import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope, VehicleSummary } from '../../../types'
import { fakeSend, vehicles } from '../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import VehiclesPage from '.'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const third: VehicleSummary = { ...vehicles[0], id: 'veh-3', plate: '浙B54321', plateColor: '黄' }
const old: VehicleSummary = { ...vehicles[0], id: 'veh-9', plate: '浙C00001', cardStatus: 'cancelled' }
const lost: VehicleSummary = { ...vehicles[0], id: 'veh-7', plate: '浙A77777', cardStatus: 'lost' }

function listRequests(): Array<Record<string, unknown>> {
  return jest
    .mocked(send)
    .mock.calls.map(([envelope]) => envelope)
    .filter((e) => e.action === 'vehicles.list')
    .map((e) => e.payload as Record<string, unknown>)
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({
    'vehicles.list': (payload) => {
      const p = payload as { scope?: string; cursor?: string; cardStatus?: string; plate?: string }
      if (p.scope === 'history')
        return { data: { items: [old], total: 1, nextCursor: null, cardStatus: 'all', hiddenByStatus: 0 } }
      if (p.plate === lost.plate) {
        // the lost card's plate: hidden under 已发行, found under 全部
        return p.cardStatus === 'all'
          ? { data: { items: [lost], total: 1, nextCursor: null, cardStatus: 'all', hiddenByStatus: 0 } }
          : { data: { items: [], total: 0, nextCursor: null, cardStatus: 'issued', hiddenByStatus: 1 } }
      }
      if (p.cardStatus === 'lost')
        return { data: { items: [lost], total: 1, nextCursor: null, cardStatus: 'lost', hiddenByStatus: 2 } }
      if (p.cursor === 'page-2')
        return {
          data: { items: [third], total: 3, nextCursor: null, cardStatus: 'issued', hiddenByStatus: 1 },
        }
      return {
        data: { items: vehicles, total: 3, nextCursor: 'page-2', cardStatus: 'issued', hiddenByStatus: 1 },
      }
    },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
})

async function openFilters() {
  click(find('.list-with-filters__toggle'))
  await waitFor(() => expect(document.querySelector('.vehicles__plate-input input')).not.toBeNull())
}

function typePlate(plate: string) {
  const input = find('.vehicles__plate-input input') as HTMLInputElement
  input.value = plate
  input.dispatchEvent(new Event('input', { bubbles: true }))
}

describe('vehicles page', () => {
  it('pages through the current vehicles with 共 N 条（已发行） and 加载更多', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条（已发行）')
    expect(document.querySelectorAll('.vehicles-item')).toHaveLength(2)
    click(find('.list-with-filters__more'))
    await waitForText('浙B54321')
    expect(document.querySelectorAll('.vehicles-item')).toHaveLength(3)
    expect(text()).toContain('没有更多了')
  })

  it('says how many vehicles the default 已发行 leaves out and shows them on request', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('另有 1 辆其他状态的车辆未显示')
    click(find('.vehicles-show-all'))
    await waitFor(() => expect(listRequests().at(-1)).toMatchObject({ scope: 'current', cardStatus: 'all' }))
  })

  it('shows the status filter (已发行 by default) and changes it', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条（已发行）')
    expect(listRequests()[0]).not.toHaveProperty('cardStatus')
    await openFilters()
    expect(find('.vehicles-status .etc-chips__chip--active').textContent).toBe('已发行')
    click(find('.vehicles-status-lost'))
    await waitForText('共 1 条（已挂失）')
    expect(listRequests().at(-1)).toMatchObject({ scope: 'current', cardStatus: 'lost' })
    expect(text()).toContain('浙A77777')
    // chips apply at once; the form stays open until folded, then the button counts the filter
    click(find('.list-with-filters__toggle'))
    await waitForText('筛选 1')
  })

  it('a lost card’s plate: found nothing under 已发行 says so, 查看全部 finds it', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条（已发行）')
    await openFilters()
    typePlate('浙A77777')
    click(find('.vehicles__search'))
    await waitForText('没有符合条件的车辆（已发行 · 浙A77777）')
    expect(text()).toContain('另有 1 辆其他状态的车辆未显示')
    click(find('.vehicles-show-all'))
    await waitForText('共 1 条（全部状态 · 浙A77777）')
    expect(listRequests().at(-1)).toEqual({
      scope: 'current',
      plate: '浙A77777',
      cardStatus: 'all',
      limit: 20,
    })
    expect(text()).toContain('已挂失')
  })

  it('switches to history vehicles', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条')
    const historyTab = find('.vehicles-scope-history')
    click(historyTab)
    await waitForText('浙C00001')
    expect(text()).toContain('共 1 条（全部状态）')
    expect(text()).toContain('已注销')
  })

  it('opens the vehicle detail from a row', async () => {
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条')
    click(find('.vehicles-item'))
    expect(navigate).toHaveBeenCalledWith({ url: '/packages/etc/pages/vehicle/index?id=veh-1' })
    navigate.mockRestore()
  })
})
