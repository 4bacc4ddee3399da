import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, me } from '../../../../testing/fake-api'
import { waitFor } from '@testing-library/dom'
import { click, find, mount, text, typeInto, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { hasSession } from '../../../../services/api'
import LoginPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const answers = fakeSend({
  'auth.sendSmsCode': { data: { cooldownSeconds: 60, expiresInSeconds: 300 } },
  'auth.loginBySms': (payload) =>
    (payload as { code: string }).code === '123456'
      ? {
          data: {
            token: 'session-token',
            expiresAt: new Date(Date.now() + 3600_000).toISOString(),
            account: me.account,
            accounts: [me.account],
          },
        }
      : { error: 'SMS_CODE_INVALID' },
})

async function agree(): Promise<void> {
  click(find('.login-agree'))
  await waitFor(() => expect(find('.login-agree').getAttribute('aria-checked')).toBe('true'))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => answers(envelope))
})

describe('login page', () => {
  it('shows the personal SMS login with the portal wording and switches to unit users', async () => {
    await mount(() => <LoginPage />)
    expect(text()).toContain('个人用户')
    expect(text()).toContain('切换单位用户 >')
    expect(text()).toContain('短信登录')
    expect(text()).toContain('获取验证码')
    expect(text()).toContain('登录浙江ETC服务营业厅')
    expect(text()).toContain('我已阅读并同意《用户协议》和《隐私政策》')
    expect(find('.login-phone input').getAttribute('placeholder')).toBe('请输入ETC办理时预留的个人手机号')
    expect(find('.login-code input').getAttribute('placeholder')).toBe('请输入短信验证码')

    click(find('.login-switch-type'))
    await waitForText('切换个人用户 >')
    expect(text()).toContain('单位用户')
    await waitFor(() =>
      expect(find('.login-phone input').getAttribute('placeholder')).toBe(
        '请输入ETC办理时预留的经办人手机号',
      ),
    )
  })

  it('refuses a bad phone number before sending a code', async () => {
    await mount(() => <LoginPage />)
    typeInto(find('.login-phone'), '12345')
    click(find('.login-send-code'))
    await waitForText('请输入正确的11位手机号')
  })

  it('sends the code and counts down 60 seconds', async () => {
    await mount(() => <LoginPage />)
    typeInto(find('.login-phone'), '13712342756')
    click(find('.login-send-code'))
    await waitForText('60秒后重新获取')
    expect(text()).toContain('验证码已发送')
  })

  it('requires the agreement before logging in', async () => {
    await mount(() => <LoginPage />)
    typeInto(find('.login-phone'), '13712342756')
    typeInto(find('.login-code'), '123456')
    click(find('.login-submit'))
    await waitForText('请先阅读并同意《用户协议》和《隐私政策》')
    expect(hasSession()).toBe(false)
  })

  it('requires a 6-digit code', async () => {
    await mount(() => <LoginPage />)
    typeInto(find('.login-phone'), '13712342756')
    typeInto(find('.login-code'), '12')
    await agree()
    click(find('.login-submit'))
    await waitForText('验证码为6位数字')
  })

  it('shows the server message for a wrong code and stays logged out', async () => {
    await mount(() => <LoginPage />)
    typeInto(find('.login-phone'), '13712342756')
    typeInto(find('.login-code'), '000000')
    await agree()
    click(find('.login-submit'))
    await waitForText('验证码错误')
    expect(hasSession()).toBe(false)
  })

  it('logs in with the right code and keeps the session', async () => {
    await mount(() => <LoginPage />)
    typeInto(find('.login-phone'), '13712342756')
    typeInto(find('.login-code'), '123456')
    await agree()
    click(find('.login-submit'))
    await waitForText('登录成功')
    expect(hasSession()).toBe(true)
  })
})
