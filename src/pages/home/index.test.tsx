import type { ApiEnvelope } from '../../../types'
import { fakeSend, me, vehicles, type FakeAnswers } from '../../testing/fake-api'
import { mount, text, waitForText } from '../../testing/render'
import { send } from '../../services/api/transport'
import { saveSession } from '../../services/api/session'
import HomePage from '.'

jest.mock('../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function answer(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

beforeEach(() => {
  localStorage.clear()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('home page', () => {
  it("greets the user and lists the account's current vehicles", async () => {
    answer({
      'account.me': { data: me },
      'vehicles.list': {
        data: { items: vehicles, total: 2, nextCursor: null, cardStatus: 'issued', hiddenByStatus: 0 },
      },
    })
    await mount(() => <HomePage />)
    await waitForText('您好，张*')
    await waitForText('浙AD12345')
    expect(text()).toContain('名下车辆 2 辆')

    const cards = Array.from(document.querySelectorAll('.home-vehicle'))
    expect(cards).toHaveLength(2)
    expect(text(cards[0])).toContain('浙A12345')
    expect(text(cards[0])).toContain('记账卡')
    expect(text(cards[0])).toContain('3301*****9788')
    expect(text(cards[0])).toContain('已发行')
    expect(text(cards[0])).toContain('已签约')
    expect(cards[0].querySelector('.plate-tag--blue')).not.toBeNull()

    expect(text(cards[1])).toContain('储值卡')
    expect(text(cards[1])).toContain('已冻结')
    expect(text(cards[1])).toContain('未绑定标签')
    expect(text(cards[1])).not.toMatch(/签约/)
    expect(cards[1].querySelector('.plate-tag--green')).not.toBeNull()
  })

  it('says so when the account has no current vehicle', async () => {
    answer({
      'account.me': { data: { ...me, vehicleCount: 0 } },
      'vehicles.list': {
        data: { items: [], total: 0, nextCursor: null, cardStatus: 'issued', hiddenByStatus: 0 },
      },
    })
    await mount(() => <HomePage />)
    await waitForText('暂无有效车辆')
    expect(text()).toContain('名下车辆 0 辆')
  })

  it('shows the error message with a retry when the server fails', async () => {
    answer({
      'account.me': { data: me },
      'vehicles.list': { error: 'INTERNAL' },
    })
    await mount(() => <HomePage />)
    await waitForText('系统繁忙，请稍后再试')
    expect(text()).toContain('重试')
    expect(document.querySelectorAll('.home-vehicle')).toHaveLength(0)
  })

  it('does not load anything without a session', async () => {
    localStorage.clear()
    answer({ 'account.me': { data: me } })
    await mount(() => <HomePage />)
    expect(text()).toContain('正在前往登录…')
    expect(text()).not.toContain('张*')
  })
})
