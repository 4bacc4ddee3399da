import type { ApiEnvelope } from '../../../../../types'
import { unitProfile } from '../../../../testing/etc-fixtures'
import { fakeSend } from '../../../../testing/fake-api'
import { mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import ProfilePage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  const fake = fakeSend({ 'account.profile': { data: unitProfile } })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
})

describe('用户基本信息', () => {
  it('shows what the server returns, masked as it is', async () => {
    await mount(() => <ProfilePage />)
    await waitForText('单位用户')
    expect(text()).toContain('单位名称杭州**物流有限公司')
    expect(text()).toContain('证件类型统一社会信用代码')
    expect(text()).toContain('证件号码913***********123X')
    expect(text()).toContain('经办人王*')
    expect(text()).toContain('经办人手机号139****0001')
  })
})
