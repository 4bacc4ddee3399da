import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { captcha, codeSent, fakeSend, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import RecoverNicknamePage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

let captchas = 0
function answer(overrides: FakeAnswers = {}) {
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'auth.captcha': () => ({ data: captcha(`c${++captchas}`) }),
      // the same answer whether or not the plate and phone match: the phone typed, masked
      'auth.sendRecoverNicknameCode': (payload) => ({
        data: codeSent(
          `${(payload as { phone: string }).phone.slice(0, 3)}****${(payload as { phone: string }).phone.slice(-4)}`,
        ),
      }),
      'auth.recoverNickname': (payload) =>
        (payload as { code: string }).code === '654321'
          ? { data: { nickname: 'zhangsan', cardNos: ['1811*****9788', '1811*****9583'] } }
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

async function fill(phone: string): Promise<void> {
  await mount(() => <RecoverNicknamePage />)
  for (const f of ['recover-plate', 'recover-phone', 'login-captcha']) await findLater(`.${f} input`)
  await findLater('img.login-captcha-image, .login-captcha-image[src]')
  await typeIn('.recover-plate', '浙A12345')
  await typeIn('.recover-phone', phone)
  await typeIn('.login-captcha', 'c1')
}

describe('找回昵称', () => {
  it('checks the plate format first', async () => {
    await mount(() => <RecoverNicknamePage />)
    await findLater('.recover-plate input')
    await typeIn('.recover-plate', '12345')
    click(find('.recover-ask'))
    await waitForText('车牌号码格式不正确')
    expect(sent('auth.sendRecoverNicknameCode')).toEqual([])
  })

  it('step 1 shows no nickname: it says a matching phone gets a code', async () => {
    await fill('13712342756')
    click(find('.recover-ask'))
    await waitForText('如车牌与手机号匹配，验证码已发送至 137****2756')
    expect(text()).not.toContain('zhangsan')
    expect(sent('auth.sendRecoverNicknameCode')).toEqual([
      {
        plate: '浙A12345',
        plateColor: '蓝',
        phone: '13712342756',
        captchaId: 'captcha-c1',
        captchaText: 'c1',
      },
    ])
    expect(text(find('.recover-phone-help'))).toContain('营业网点')
  })

  it('step 2: a wrong code as the server says, then the nickname and the masked card numbers', async () => {
    await fill('13712342756')
    click(find('.recover-ask'))
    await findLater('.recover-code input')
    await typeIn('.recover-code', '000000')
    click(find('.recover-submit'))
    await waitForText('验证码错误')
    expect(text()).not.toContain('zhangsan')
    await typeIn('.recover-code', '654321')
    click(find('.recover-submit'))
    await waitForText('zhangsan')
    expect(text(find('.recover-result'))).toContain('1811*****9788')
    expect(text(find('.recover-result'))).toContain('1811*****9583')
    expect(sent('auth.recoverNickname').at(-1)).toEqual({
      plate: '浙A12345',
      plateColor: '蓝',
      phone: '13712342756',
      code: '654321',
    })
  })

  it('shows the limit as the server says it and takes a new captcha', async () => {
    answer({
      'auth.sendRecoverNicknameCode': {
        error: 'RATE_LIMITED',
        message: '该车牌今日找回昵称的次数已达上限，请明天再试',
      },
    })
    await fill('13900000000')
    click(find('.recover-ask'))
    await waitForText('该车牌今日找回昵称的次数已达上限，请明天再试')
    await waitFor(() => expect(captchas).toBe(2))
    expect(document.querySelector('.recover-code')).toBeNull()
  })

  it('goes back to step 1 to correct the plate or phone', async () => {
    await fill('13712342756')
    click(find('.recover-ask'))
    await findLater('.recover-previous')
    click(find('.recover-previous'))
    await findLater('.recover-phone input')
    expect((find('.recover-phone input') as HTMLInputElement).value).toBe('13712342756')
  })
})
