import type { ApiEnvelope } from '../../../../../types'
import { captcha, fakeSend } from '../../../../testing/fake-api'
import { click, find, findLater, mount, typeInto, waitForText, text } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import RecoverNicknamePage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'auth.captcha': { data: captcha('ab12') },
      'auth.recoverNickname': (payload) =>
        (payload as { phone: string }).phone === '13712342756'
          ? { data: { nickname: 'zhangsan', cardNos: ['1811*****9788', '1811*****9583'] } }
          : { error: 'NICKNAME_NOT_FOUND' },
    })(envelope),
  )
})

async function fill(phone: string): Promise<void> {
  await mount(() => <RecoverNicknamePage />)
  for (const f of ['recover-plate', 'recover-phone', 'login-captcha']) await findLater(`.${f} input`)
  await findLater('img.login-captcha-image, .login-captcha-image[src]')
  typeInto(find('.recover-plate'), '浙A12345')
  typeInto(find('.recover-phone'), phone)
  typeInto(find('.login-captcha'), 'ab12')
}

describe('找回昵称', () => {
  it('checks the plate format first', async () => {
    await mount(() => <RecoverNicknamePage />)
    await findLater('.recover-plate input')
    typeInto(find('.recover-plate'), '12345')
    click(find('.recover-submit'))
    await waitForText('车牌号码格式不正确')
  })

  it('shows the nickname and the masked card numbers', async () => {
    await fill('13712342756')
    click(find('.recover-submit'))
    await waitForText('zhangsan')
    expect(text(find('.recover-result'))).toContain('1811*****9788')
    expect(text(find('.recover-result'))).toContain('1811*****9583')
    const sent = jest.mocked(send).mock.calls.find(([e]) => e.action === 'auth.recoverNickname')
    expect(sent?.[0].payload).toEqual({
      plate: '浙A12345',
      plateColor: '蓝',
      phone: '13712342756',
      captchaId: 'captcha-ab12',
      captchaText: 'ab12',
    })
  })

  it('shows the server message when nothing matches', async () => {
    await fill('13900000000')
    click(find('.recover-submit'))
    await waitForText('未找到匹配的昵称，请核对车牌号码和手机号')
  })
})
