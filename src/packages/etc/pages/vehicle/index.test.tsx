import type { ApiEnvelope } from '../../../../../types'
import { vehicleDetail } from '../../../../testing/etc-fixtures'
import { fakeSend } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { VehicleDetailView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function answerDetail(type: 'credit' | 'stored'): void {
  const fake = fakeSend({ 'vehicles.detail': { data: vehicleDetail(type) } })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('车辆详情', () => {
  it('shows vehicle, card, tag, card history, signing and invoice titles of a credit vehicle', async () => {
    answerDetail('credit')
    await mount(() => <VehicleDetailView vehicleId="veh-1" />)
    await waitForText('车辆信息')
    expect(jest.mocked(send).mock.calls.map(([e]) => e)).toContainEqual({
      action: 'vehicles.detail',
      payload: { vehicleId: 'veh-1' },
    })
    const page = find('.etc-vehicle-detail')
    expect(text(page)).toContain('浙A12345')
    expect(text(page)).toContain('拓展授权已开启')
    expect(text(find('.etc-card-info'))).toContain('1811*****9788')
    expect(text(find('.etc-card-info'))).toContain('记账卡')
    expect(text(find('.etc-tag-info'))).toContain('金溢')
    expect(text(find('.etc-tag-info'))).toContain('杭州西湖服务网点')
    expect(text(page)).toContain('历史通行卡')
    expect(text(page)).toContain('1005*****8867')
    expect(text(find('.etc-signing'))).toContain('已签约')
    expect(text(find('.etc-signing'))).toContain('中国银行')
    expect(text(page)).toContain('发票抬头')
    expect(text(page)).toContain('默认')
  })

  it('shows no signing for a stored-value vehicle', async () => {
    answerDetail('stored')
    await mount(() => <VehicleDetailView vehicleId="veh-1" />)
    await waitForText('车辆信息')
    expect(text()).toContain('储值卡')
    expect(document.querySelector('.etc-signing')).toBeNull()
    expect(text()).not.toContain('签约')
  })

  it('shows the server error (e.g. another account’s vehicle) with a retry', async () => {
    const fake = fakeSend({ 'vehicles.detail': { error: 'NOT_FOUND', message: '记录不存在' } })
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
    await mount(() => <VehicleDetailView vehicleId="veh-x" />)
    await waitForText('记录不存在')
    answerDetail('stored')
    click(find('.etc-page-retry'))
    await waitForText('车辆信息')
  })
})
