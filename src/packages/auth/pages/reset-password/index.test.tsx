import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { captcha, codeSent, fakeSend, type FakeAnswers } from '../../../../testing/fake-api'
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
import ResetPasswordPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

let captchas = 0
function answer(overrides: FakeAnswers = {}) {
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'auth.captcha': () => ({ data: captcha(`c${++captchas}`) }),
      'auth.sendResetPasswordCode': { data: codeSent('138****8000') },
      'auth.resetPassword': (payload) =>
        (payload as { code: string }).code === '654321'
          ? { data: { reset: true } }
          : { error: 'SMS_CODE_INVALID' },
      ...overrides,
    })(envelope),
  )
}

beforeEach(() => {
  localStorage.clear()
  captchas = 0
  jest.mocked(send).mockClear()
  answer()
})

const sent = (action: string) =>
  jest
    .mocked(send)
    .mock.calls.filter(([e]) => e.action === action)
    .map(([e]) => e.payload as Record<string, unknown>)

async function fillStep1(): Promise<void> {
  await mount(() => <ResetPasswordPage />)
  for (const f of ['reset-nickname', 'reset-user-name', 'reset-id-number', 'login-captcha'])
    await findLater(`.${f} input`)
  await findLater('img.login-captcha-image, .login-captcha-image[src]')
  await typeIn('.reset-nickname', 'zhangsan')
  await typeIn('.reset-user-name', '张三')
  await typeIn('.reset-id-number', '33010219900101123x')
  await typeIn('.login-captcha', 'c1')
}

async function toStep2(): Promise<void> {
  await fillStep1()
  click(find('.reset-verify'))
  await waitForText('验证码已发送至预留手机号 138****8000')
  for (const f of ['reset-code', 'reset-new-password', 'reset-confirm-password'])
    await findLater(`.${f} input`)
}

describe('重置密码 step 1: registered details send a code to the reserved phone', () => {
  it('offers the ID types of the user type', async () => {
    await mount(() => <ResetPasswordPage />)
    await waitForText('港澳居民来往内地通行证')
    expect(text(find('.reset-id-type'))).not.toContain('统一社会信用代码')
    const unit = Array.from(document.querySelectorAll('.reset-user-type .nut-radio')).find((el) =>
      el.textContent?.includes('单位用户'),
    )
    click(unit as Element)
    await waitForText('统一社会信用代码')
    expect(text(find('.reset-id-type'))).not.toContain('身份证')
  })

  it('asks for no password yet, and says how to change a reserved phone that is gone', async () => {
    await mount(() => <ResetPasswordPage />)
    await findLater('.reset-nickname input')
    expect(document.querySelector('.reset-new-password')).toBeNull()
    expect(text(find('.reset-phone-help'))).toContain('营业网点')
    expect(text(find('.reset-phone-help'))).toContain('有效身份证件')
  })

  it('checks the form before sending anything', async () => {
    await mount(() => <ResetPasswordPage />)
    await findLater('.reset-nickname input')
    await typeIn('.reset-nickname', 'zhangsan')
    click(find('.reset-verify'))
    await waitForText('请输入个人名称')
    expect(sent('auth.sendResetPasswordCode')).toEqual([])
  })

  it('shows the server message for wrong details and takes a new captcha', async () => {
    answer({
      'auth.sendResetPasswordCode': {
        error: 'RESET_MISMATCH',
        message: '注册信息不匹配，请核对后重试，还可尝试9次',
      },
    })
    await fillStep1()
    click(find('.reset-verify'))
    await waitForText('注册信息不匹配，请核对后重试，还可尝试9次')
    await waitFor(() => expect(captchas).toBe(2))
    expect(document.querySelector('.reset-code')).toBeNull()
  })

  it('shows a lockout as the server says it', async () => {
    answer({
      'auth.sendResetPasswordCode': {
        error: 'LOGIN_LOCKED',
        message: '注册信息校验失败次数过多，请15分钟后再试',
      },
    })
    await fillStep1()
    click(find('.reset-verify'))
    await waitForText('注册信息校验失败次数过多，请15分钟后再试')
  })

  it('names the outlet when the account has no reserved phone to text', async () => {
    answer({ 'auth.sendResetPasswordCode': { error: 'RESERVED_PHONE_UNAVAILABLE' } })
    await fillStep1()
    click(find('.reset-verify'))
    await waitForText('请本人携带有效身份证件到浙江ETC营业网点办理预留手机号变更')
  })

  it('sends the details and the captcha, no password', async () => {
    await toStep2()
    expect(sent('auth.sendResetPasswordCode')).toEqual([
      {
        nickname: 'zhangsan',
        userType: 'personal',
        userName: '张三',
        idType: '身份证',
        idNumber: '33010219900101123X',
        captchaId: 'captcha-c1',
        captchaText: 'c1',
      },
    ])
    expect(text()).toContain('60秒后重新获取')
    expect(text(find('.reset-phone-help'))).toContain('营业网点')
  })
})

describe('重置密码 step 2: the texted code and the new password', () => {
  it('refuses two different new passwords before sending', async () => {
    await toStep2()
    await typeIn('.reset-code', '654321')
    await typeIn('.reset-new-password', 'abc12345')
    await typeIn('.reset-confirm-password', 'abc12346')
    click(find('.reset-submit'))
    await waitForText('两次输入的密码不一致')
    expect(sent('auth.resetPassword')).toEqual([])
  })

  it('says a 10,000-character password is too long, never cuts it', async () => {
    await toStep2()
    const long = 'Ab1'.repeat(3334)
    expect(find('.reset-new-password input').getAttribute('maxlength')).toBe('21')
    await typeIn('.reset-code', '654321')
    await typeIn('.reset-new-password', long)
    await typeIn('.reset-confirm-password', long)
    await waitForText('密码最多20位，当前输入超出长度，请重新输入')
    click(find('.reset-submit'))
    await waitFor(() =>
      expect(text(find('.reset-message'))).toBe('密码最多20位，当前输入超出长度，请重新输入'),
    )
    expect(sent('auth.resetPassword')).toEqual([])
  })

  it('shows a wrong code as the server says, then resets with the right one', async () => {
    await toStep2()
    await typeIn('.reset-new-password', 'abc12345')
    await typeIn('.reset-confirm-password', 'abc12345')
    await typeIn('.reset-code', '12')
    click(find('.reset-submit'))
    await waitForText('验证码为6位数字')
    await typeIn('.reset-code', '000000')
    click(find('.reset-submit'))
    await waitForText('验证码错误')
    await typeIn('.reset-code', '654321')
    click(find('.reset-submit'))
    await waitForText('密码已重置，请使用新密码登录')
    expect(sent('auth.resetPassword').at(-1)).toEqual({
      nickname: 'zhangsan',
      userType: 'personal',
      code: '654321',
      newPassword: 'abc12345',
      confirmPassword: 'abc12345',
    })
  })

  it('sends again only with a new graphic captcha once the countdown ends', async () => {
    answer({ 'auth.sendResetPasswordCode': { data: { ...codeSent('138****8000'), cooldownSeconds: 1 } } })
    await toStep2()
    expect(document.querySelector('.reset-sms-captcha')).toBeNull()
    // the countdown (1 s here) ends: 重新获取 with a new captcha
    await waitFor(() => find('.reset-sms-captcha input'), { timeout: 3000 })
    await waitForText('重新获取')
    click(find('.reset-send-code'))
    await waitForText('请输入图形验证码')
    expect(sent('auth.sendResetPasswordCode')).toHaveLength(1)
    await findLater('img.reset-sms-captcha-image, .reset-sms-captcha-image[src]')
    typeInto(await findLater('.reset-sms-captcha input'), 'c2')
    click(find('.reset-send-code'))
    await waitFor(() => expect(sent('auth.sendResetPasswordCode')).toHaveLength(2))
    expect(sent('auth.sendResetPasswordCode')[1]).toMatchObject({
      nickname: 'zhangsan',
      captchaId: 'captcha-c2',
      captchaText: 'c2',
    })
  })
})
