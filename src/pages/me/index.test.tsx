import type { ApiEnvelope, Me } from '../../../types'
import { creditVehicle, storedVehicle } from '../../testing/etc-fixtures'
import { fakeSend, me } from '../../testing/fake-api'
import { find, mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import MePage from '.'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function answerMe(data: Me): void {
  const fake = fakeSend({ 'account.me': { data } })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const withVehicles: Me = {
  ...me,
  vehicleCount: 3,
  validVehicles: { items: [creditVehicle, storedVehicle], total: 12, nextCursor: 'next' },
}

beforeEach(() => {
  localStorage.clear()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('我的 (user center)', () => {
  it('shows the masked name, the vehicle count and the ETC management menu', async () => {
    answerMe(withVehicles)
    await mount(() => <MePage />)
    await waitForText('张*')
    expect(text(find('.me__vehicles'))).toBe('3 辆')
    expect(text()).toContain('137****2756')
    for (const [cls, title] of [
      ['me-menu-vehicles', '车辆管理'],
      ['me-menu-cards', '通行卡管理'],
      ['me-menu-tags', '标签管理'],
      ['me-menu-parking', '拓展授权管理'],
      ['me-menu-profile', '用户基本信息'],
    ]) {
      expect(text(find(`.${cls}`))).toContain(title)
    }
  })

  it('lists valid vehicles: credit ones with tag, card and signing, stored-value ones without signing', async () => {
    answerMe(withVehicles)
    await mount(() => <MePage />)
    await waitForText('有效车辆')
    const cards = Array.from(document.querySelectorAll('.me-vehicle'))
    expect(cards).toHaveLength(2)
    expect(text(cards[0])).toContain('记账卡')
    expect(text(cards[0])).toContain('3301*****9788')
    expect(text(cards[0])).toContain('标签 3301*****0001')
    expect(text(cards[0])).toContain('已签约 · 中国银行')
    expect(text(cards[1])).toContain('储值卡')
    expect(text(cards[1])).toContain('标签 3301*****0002')
    expect(text(cards[1])).not.toMatch(/签约/)
    expect(text()).toContain('查看全部 12 辆有效车辆')
  })

  it('shows 储值卡资金服务 only when the server says so', async () => {
    answerMe({ ...withVehicles, showStoredValueMenu: true })
    await mount(() => <MePage />)
    await waitForText('有效车辆')
    expect(document.querySelector('.me-menu-stored')).not.toBeNull()
    expect(text()).toContain('储值卡资金服务')
  })

  it('hides 储值卡资金服务 when there is no stored-value card and no account funds', async () => {
    answerMe({ ...withVehicles, showStoredValueMenu: false })
    await mount(() => <MePage />)
    await waitForText('有效车辆')
    expect(document.querySelector('.me-menu-stored')).toBeNull()
    expect(text()).not.toContain('储值卡资金服务')
  })
})
