import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, me } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import ChangePasswordPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

let wrongTries = 0
beforeEach(() => {
  localStorage.clear()
  wrongTries = 0
  jest.mocked(send).mockClear()
  Taro.setStorageSync('etc.session', {
    token: 'nick-token',
    expiresAt: new Date(Date.now() + 3 * 86400_000).toISOString(),
    principal: 'nickname',
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'account.me': { data: me },
      'auth.changePassword': (payload) => {
        const p = payload as { oldPassword: string }
        if (p.oldPassword === 'Right2019') return { data: { changed: true, revokedSessions: 2 } }
        wrongTries += 1
        if (wrongTries >= 10) return { error: 'LOGIN_LOCKED', message: '原密码错误次数过多，请15分钟后再试' }
        const message = `原密码错误，还可尝试${10 - wrongTries}次`
        return { error: 'PASSWORD_INVALID', message, fields: { oldPassword: message } }
      },
    })(envelope),
  )
})

const changes = () => jest.mocked(send).mock.calls.filter(([e]) => e.action === 'auth.changePassword')

async function fill(oldPassword: string, newPassword: string, confirm = newPassword): Promise<void> {
  await mount(() => <ChangePasswordPage />)
  for (const f of ['change-old-password', 'change-new-password', 'change-confirm-password'])
    await findLater(`.${f} input`)
  await typeIn('.change-old-password', oldPassword)
  await typeIn('.change-new-password', newPassword)
  await typeIn('.change-confirm-password', confirm)
}

describe('修改密码', () => {
  it('says how many tries are left after a wrong old password, then the lockout', async () => {
    await fill('Wrong2019', 'NewPass2025')
    click(find('.change-password-submit'))
    await waitForText('原密码错误，还可尝试9次')
    wrongTries = 9
    click(find('.change-password-submit'))
    await waitForText('原密码错误次数过多，请15分钟后再试')
  })

  it('refuses a 10,000-character new password with a clear message, never cut', async () => {
    const long = 'Ab1'.repeat(3334)
    await fill('Right2019', long)
    expect(find('.change-new-password input').getAttribute('maxlength')).toBe('21')
    expect(find('.change-old-password input').getAttribute('maxlength')).toBe('65')
    await waitForText('密码最多20位，当前输入超出长度，请重新输入')
    click(find('.change-password-submit'))
    await waitFor(() =>
      expect(text(find('.change-password-message'))).toBe('密码最多20位，当前输入超出长度，请重新输入'),
    )
    expect(changes()).toEqual([])
  })

  it('changes the password and says the other devices were logged out', async () => {
    await fill('Right2019', 'NewPass2025')
    click(find('.change-password-submit'))
    await waitForText('密码修改成功')
    expect(text()).toContain('已退出该昵称在其他2处设备上的登录')
    expect(changes()[0][0].payload).toEqual({
      oldPassword: 'Right2019',
      newPassword: 'NewPass2025',
      confirmPassword: 'NewPass2025',
    })
  })
})
