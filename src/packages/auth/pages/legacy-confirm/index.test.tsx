import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { captcha, codeSent, fakeSend, loginConfirmLegacy, loginHome } from '../../../../testing/fake-api'
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
import { hasSession } from '../../../../services/api'
import { saveLoginStep } from '../../shared/flow'
import LegacyConfirmPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
  saveLoginStep(loginConfirmLegacy())
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'auth.sendLegacyBindingCode': {
        data: { phone: '137****2756', cooldownSeconds: 60, expiresInSeconds: 300 },
      },
      'auth.confirmLegacyBinding': (payload) =>
        (payload as { code: string }).code === '654321'
          ? { data: loginHome() }
          : { error: 'SMS_CODE_INVALID' },
    })(envelope),
  )
})

describe('legacy binding confirmation', () => {
  it('names the reserved phone, sends the code and counts down', async () => {
    await mount(() => <LegacyConfirmPage />)
    expect(text()).toContain('137****2756')
    click(find('.legacy-send-code'))
    await waitForText('60秒后重新获取')
    expect(text()).toContain('验证码已发送至 137****2756')
  })

  it('shows a wrong code as the server says, then confirms with the right one', async () => {
    const reLaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' })
    await mount(() => <LegacyConfirmPage />)
    typeInto(await findLater('.legacy-code'), '12')
    click(find('.legacy-submit'))
    await waitForText('验证码为6位数字')
    await typeIn('.legacy-code', '000000')
    click(find('.legacy-submit'))
    await waitForText('验证码错误')
    await typeIn('.legacy-code', '654321')
    click(find('.legacy-submit'))
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    expect(hasSession()).toBe(true)
    reLaunch.mockRestore()
  })

  it("names how to change a reserved phone that is no longer the user's", async () => {
    await mount(() => <LegacyConfirmPage />)
    expect(text(find('.legacy-phone-help'))).toContain('营业网点')
  })

  it('asks for the graphic captcha when the server wants it, then sends with it', async () => {
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
      fakeSend({
        'auth.captcha': { data: captcha('ab12') },
        'auth.sendLegacyBindingCode': (payload) =>
          (payload as { captchaText?: string }).captchaText === 'ab12'
            ? { data: codeSent('137****2756') }
            : { error: 'CAPTCHA_REQUIRED', fields: { captchaText: '请输入图形验证码' } },
      })(envelope),
    )
    await mount(() => <LegacyConfirmPage />)
    expect(document.querySelector('.legacy-sms-captcha')).toBeNull()
    click(find('.legacy-send-code'))
    await waitForText('该手机号今日已多次获取验证码，请输入图形验证码后再获取')
    await findLater('img.legacy-sms-captcha-image, .legacy-sms-captcha-image[src]')
    click(find('.legacy-send-code'))
    await waitForText('请输入图形验证码')
    // Taro's H5 input renders its native <input> a tick after the field appears
    typeInto(await findLater('.legacy-sms-captcha input'), 'ab12')
    click(find('.legacy-send-code'))
    await waitForText('60秒后重新获取')
    expect(text()).toContain('验证码已发送至 137****2756')
    const sends = jest.mocked(send).mock.calls.filter(([e]) => e.action === 'auth.sendLegacyBindingCode')
    expect(sends.map(([e]) => e.payload)).toEqual([{}, { captchaId: 'captcha-ab12', captchaText: 'ab12' }])
  })
})
