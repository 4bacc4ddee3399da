import Taro from '@tarojs/taro'
import type { ApiEnvelope, VehicleSummary } from '../../../types'
import { fakeSend, vehicles } from '../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import VehiclesPage from '.'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const third: VehicleSummary = { ...vehicles[0], id: 'veh-3', plate: '浙B54321', plateColor: '黄' }
const old: VehicleSummary = { ...vehicles[0], id: 'veh-9', plate: '浙C00001', cardStatus: 'cancelled' }

beforeEach(() => {
  localStorage.clear()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({
    'vehicles.list': (payload) => {
      const p = payload as { scope?: string; cursor?: string }
      if (p.scope === 'history')
        return { data: { items: [old], total: 1, nextCursor: null, cardStatus: 'all' } }
      if (p.cursor === 'page-2')
        return { data: { items: [third], total: 3, nextCursor: null, cardStatus: 'issued' } }
      return { data: { items: vehicles, total: 3, nextCursor: 'page-2', cardStatus: 'issued' } }
    },
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
})

describe('vehicles page', () => {
  it('pages through the current vehicles with 共 N 条 and 加载更多', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条')
    expect(document.querySelectorAll('.vehicles-item')).toHaveLength(2)
    click(find('.list-with-filters__more'))
    await waitForText('浙B54321')
    expect(document.querySelectorAll('.vehicles-item')).toHaveLength(3)
    expect(text()).toContain('没有更多了')
  })

  it('switches to history vehicles', async () => {
    await mount(() => <VehiclesPage />)
    await waitForText('共 3 条')
    const historyTab = find('.vehicles-scope-history')
    click(historyTab)
    await waitForText('浙C00001')
    expect(text()).toContain('共 1 条')
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
