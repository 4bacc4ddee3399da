import type { ApiEnvelope } from '../../../../../types'
import Taro from '@tarojs/taro'
import {
  captcha,
  fakeSend,
  loginBind,
  loginChooseAccount,
  loginConfirmLegacy,
  loginHome,
  me,
} from '../../../../testing/fake-api'
import { waitFor } from '@testing-library/dom'
import {
  click,
  find,
  findLater,
  mount,
  text,
  typeIn,
  typeInto,
  waitForText,
} from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { hasSession, loginKind, readSession } from '../../../../services/api'
import LoginPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const answers = fakeSend({
  'auth.sendSmsCode': { data: { cooldownSeconds: 60, expiresInSeconds: 300 } },
  'auth.loginBySms': (payload) =>
    (payload as { code: string }).code === '123456'
      ? { data: loginHome({ accounts: [me.account] }) }
      : { error: 'SMS_CODE_INVALID' },
})

async function agree(): Promise<void> {
  click(find('.login-agree'))
  await waitFor(() => expect(find('.login-agree').getAttribute('aria-checked')).toBe('true'))
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
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
    await typeIn('.login-phone', '12345')
    click(find('.login-send-code'))
    await waitForText('请输入正确的11位手机号')
  })

  it('sends the code and counts down 60 seconds', async () => {
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    click(find('.login-send-code'))
    await waitForText('60秒后重新获取')
    expect(text()).toContain('验证码已发送')
  })

  it('shows the graphic captcha once the server asks for it, and sends the code with it', async () => {
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
      fakeSend({
        'auth.captcha': { data: captcha('ab12') },
        'auth.sendSmsCode': (payload) =>
          (payload as { captchaId?: string }).captchaId === 'captcha-ab12'
            ? { data: { cooldownSeconds: 60, expiresInSeconds: 300 } }
            : { error: 'CAPTCHA_REQUIRED', fields: { captchaText: '请输入图形验证码' } },
      })(envelope),
    )
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    expect(document.querySelector('.login-sms-captcha')).toBeNull()
    click(find('.login-send-code'))
    await waitForText('该手机号今日已多次获取验证码，请输入图形验证码后再获取')
    await findLater('img.login-sms-captcha-image, .login-sms-captcha-image[src]')
    // Taro's H5 input renders its native <input> a tick after the field appears
    typeInto(await findLater('.login-sms-captcha input'), 'ab12')
    click(find('.login-send-code'))
    await waitForText('60秒后重新获取')
    const sends = jest.mocked(send).mock.calls.filter(([e]) => e.action === 'auth.sendSmsCode')
    expect(sends.map(([e]) => e.payload)).toEqual([
      { phone: '13712342756', userType: 'personal' },
      { phone: '13712342756', userType: 'personal', captchaId: 'captcha-ab12', captchaText: 'ab12' },
    ])
  })

  it('requires the agreement before logging in', async () => {
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    await typeIn('.login-code', '123456')
    click(find('.login-submit'))
    await waitForText('请先阅读并同意《用户协议》和《隐私政策》')
    expect(hasSession()).toBe(false)
  })

  it('requires a 6-digit code', async () => {
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    await typeIn('.login-code', '12')
    await agree()
    click(find('.login-submit'))
    await waitForText('验证码为6位数字')
  })

  it('shows the server message for a wrong code and stays logged out', async () => {
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    await typeIn('.login-code', '000000')
    await agree()
    click(find('.login-submit'))
    await waitForText('验证码错误')
    expect(hasSession()).toBe(false)
  })

  it('logs in with the right code and keeps the session', async () => {
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    await typeIn('.login-code', '123456')
    await agree()
    click(find('.login-submit'))
    await waitForText('登录成功')
    expect(hasSession()).toBe(true)
  })
})

describe('login page: nickname login', () => {
  let captchas = 0
  const nicknameAnswers = fakeSend({
    'auth.captcha': () => ({ data: captcha(`c${++captchas}`) }),
    'auth.loginByNickname': (payload) => {
      const p = payload as { password: string; captchaText: string; captchaId: string }
      if (p.password === 'locked') {
        return { error: 'LOGIN_LOCKED', message: '密码错误次数过多，账号已锁定，请30分钟后再试' }
      }
      if (p.captchaId !== `captcha-${p.captchaText}`) return { error: 'CAPTCHA_INVALID' }
      if (p.password !== 'right-pass1') return { error: 'PASSWORD_INVALID' }
      return {
        data: loginHome({ principal: { kind: 'nickname', userType: 'personal', display: 'zhangsan' } }),
      }
    },
  })

  beforeEach(() => {
    captchas = 0
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => nicknameAnswers(envelope))
  })

  function captchaSrc(): string {
    return find('.login-captcha-image').getAttribute('src') ?? ''
  }

  async function openNicknameTab(): Promise<void> {
    await mount(() => <LoginPage />)
    click(find('.login-tab-nickname'))
    await waitFor(() => expect(captchaSrc()).toMatch(/^data:image\/svg\+xml;base64,/))
    for (const field of ['login-nickname', 'login-password', 'login-captcha'])
      await findLater(`.${field} input`)
  }

  it('shows the portal fields, the captcha image and the recovery links', async () => {
    await openNicknameTab()
    expect(find('.login-nickname input').getAttribute('placeholder')).toBe('请输入网站昵称')
    expect(find('.login-password input').getAttribute('placeholder')).toBe('请输入密码')
    expect(find('.login-captcha input').getAttribute('placeholder')).toBe('请输入图形验证码')
    expect(text()).toContain('找回昵称')
    expect(text()).toContain('忘记密码?')
    const svg = Buffer.from(captchaSrc().split(',')[1], 'base64').toString('utf8')
    expect(svg).toContain('c1')
  })

  it('a tap on the image gets a new captcha', async () => {
    await openNicknameTab()
    const first = captchaSrc()
    click(find('.login-captcha-image'))
    await waitFor(() => expect(captchaSrc()).not.toBe(first))
    expect(captchas).toBe(2)
  })

  it('requires the agreement before a nickname login', async () => {
    await openNicknameTab()
    await typeIn('.login-nickname', 'zhangsan')
    await typeIn('.login-password', 'right-pass1')
    await typeIn('.login-captcha', 'c1')
    click(find('.login-submit'))
    await waitForText('请先阅读并同意《用户协议》和《隐私政策》')
    expect(jest.mocked(send).mock.calls.some(([e]) => e.action === 'auth.loginByNickname')).toBe(false)
  })

  it('shows the server error for a wrong password and refreshes the used captcha', async () => {
    await openNicknameTab()
    const first = captchaSrc()
    await typeIn('.login-nickname', 'zhangsan')
    await typeIn('.login-password', 'wrong')
    await typeIn('.login-captcha', 'c1')
    await agree()
    click(find('.login-submit'))
    await waitForText('昵称或密码错误')
    await waitFor(() => expect(captchaSrc()).not.toBe(first))
    expect((find('.login-captcha input') as HTMLInputElement).value).toBe('')
    expect(hasSession()).toBe(false)
  })

  it('shows the lockout message with its minutes as the server gives it', async () => {
    await openNicknameTab()
    await typeIn('.login-nickname', 'zhangsan')
    await typeIn('.login-password', 'locked')
    await typeIn('.login-captcha', 'c1')
    await agree()
    click(find('.login-submit'))
    await waitForText('账号已锁定，请30分钟后再试')
  })

  it('says an over-long password is too long instead of cutting it', async () => {
    await openNicknameTab()
    expect(find('.login-password input').getAttribute('maxlength')).toBe('65')
    await typeIn('.login-nickname', 'zhangsan')
    await typeIn('.login-password', 'x'.repeat(10_000))
    await typeIn('.login-captcha', 'c1')
    await waitForText('密码最多64位，当前输入超出长度，请重新输入')
    await agree()
    click(find('.login-submit'))
    await waitFor(() =>
      expect(text(find('.login-message'))).toBe('密码最多64位，当前输入超出长度，请重新输入'),
    )
    expect(jest.mocked(send).mock.calls.some(([e]) => e.action === 'auth.loginByNickname')).toBe(false)
  })

  it('logs in with the right password and captcha', async () => {
    const reLaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' })
    await openNicknameTab()
    await typeIn('.login-nickname', 'zhangsan')
    await typeIn('.login-password', 'right-pass1')
    await typeIn('.login-captcha', 'c1')
    await agree()
    click(find('.login-submit'))
    await waitForText('登录成功')
    expect(hasSession()).toBe(true)
    expect(loginKind()).toBe('nickname')
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    reLaunch.mockRestore()
  })
})

describe('login page: what comes after the login', () => {
  it.each([
    ['bind', loginBind(), '/packages/auth/pages/bind/index'],
    ['confirmLegacy', loginConfirmLegacy(), '/packages/auth/pages/legacy-confirm/index'],
    ['chooseAccount', loginChooseAccount(), '/packages/auth/pages/bind/index?step=choose'],
  ])('%s goes to its step and is no account session yet', async (_next, result, url) => {
    const redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
    jest
      .mocked(send)
      .mockImplementation((envelope: ApiEnvelope) =>
        fakeSend({ 'auth.loginBySms': { data: result } })(envelope),
      )
    await mount(() => <LoginPage />)
    await typeIn('.login-phone', '13712342756')
    await typeIn('.login-code', '123456')
    await agree()
    click(find('.login-submit'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalledWith({ url }))
    expect(hasSession()).toBe(false)
    expect(readSession()?.pending).toBe(result.next)
    redirectTo.mockRestore()
  })
})
