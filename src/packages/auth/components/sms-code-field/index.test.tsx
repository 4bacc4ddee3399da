import type { Captcha } from '../../../../hooks/useCaptcha'
import { click, find, findLater, mount, text } from '../../../../testing/render'
import SmsCodeField, { type SmsCodeFieldProps } from '.'

const captcha: Captcha = {
  captchaId: 'c1',
  imageSrc: 'data:image/svg+xml,%3Csvg%2F%3E',
  text: '',
  setText: jest.fn(),
  loading: false,
  error: null,
  refresh: jest.fn(async () => undefined),
}

function field(overrides: Partial<SmsCodeFieldProps> = {}) {
  const props: SmsCodeFieldProps = {
    prefix: 'x',
    className: 'row',
    code: '',
    onCodeChange: jest.fn(),
    countdown: 0,
    sending: false,
    onSend: jest.fn(),
    ...overrides,
  }
  return mount(() => <SmsCodeField {...props} />)
}

describe('短信验证码 field', () => {
  it('offers 获取验证码, and sends on tap', async () => {
    const onSend = jest.fn()
    await field({ onSend })
    expect(text()).toContain('获取验证码')
    expect(document.querySelector('.x-sms-captcha')).toBeNull()
    click(find('.x-send-code'))
    expect(onSend).toHaveBeenCalledTimes(1)
  })

  it('shows the sending state and the countdown', async () => {
    await field({ sending: true })
    expect(text()).toContain('发送中…')
    await field({ countdown: 42 })
    expect(text()).toContain('42秒后重新获取')
  })

  it('shows the graphic captcha when a send needs one', async () => {
    await field({ captcha })
    await findLater('.x-sms-captcha input')
    expect(text()).toContain('请输入图形验证码后再获取短信验证码')
  })

  it('shows what went wrong, or where the code went', async () => {
    await field({ error: '该手机号今日获取验证码次数已达上限，请明天再试' })
    expect(text(find('.x-sms-error'))).toBe('该手机号今日获取验证码次数已达上限，请明天再试')
    await field({ notice: '验证码已发送至 138****8000，请注意查收短信', sendLabel: '重新获取' })
    expect(text(find('.x-sms-notice'))).toBe('验证码已发送至 138****8000，请注意查收短信')
    expect(text()).toContain('重新获取')
  })
})
