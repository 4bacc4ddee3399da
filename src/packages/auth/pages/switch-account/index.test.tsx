import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, loginHome, me, unitAccount } from '../../../../testing/fake-api'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { readSession } from '../../../../services/api'
import SwitchAccountPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
  Taro.setStorageSync('etc.session', {
    token: 'old-token',
    expiresAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
  })
})

function answer(accounts: 'two' | 'error') {
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'account.me': { data: me },
      'auth.accounts':
        accounts === 'two'
          ? { data: { current: me.account, accounts: [me.account, unitAccount] } }
          : { error: 'INTERNAL' },
      'auth.switchAccount': { data: loginHome({ token: 'unit-token', account: unitAccount }) },
    })(envelope),
  )
}

describe('切换账号', () => {
  it('lists the reachable accounts with the current one marked, and switches', async () => {
    answer('two')
    const reLaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' })
    await mount(() => <SwitchAccountPage />)
    await waitForText('杭州**物流有限公司')
    expect(document.querySelectorAll('.account-item')).toHaveLength(2)
    const current = find('.account-current').closest('.account-item')
    expect(current?.textContent).toContain('张*')

    // the current account: nothing happens
    click(current as Element)
    const unit = Array.from(document.querySelectorAll('.account-item')).find((el) =>
      el.textContent?.includes('杭州**物流有限公司'),
    )
    click(unit as Element)
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    const switches = jest.mocked(send).mock.calls.filter(([e]) => e.action === 'auth.switchAccount')
    expect(switches).toHaveLength(1)
    expect(switches[0][0].payload).toEqual({ accountId: unitAccount.id })
    expect(readSession()?.token).toBe('unit-token')
    reLaunch.mockRestore()
  })

  it('shows an error with a retry', async () => {
    answer('error')
    await mount(() => <SwitchAccountPage />)
    await waitForText('系统繁忙，请稍后再试')
    expect(text()).toContain('重试')
  })
})
