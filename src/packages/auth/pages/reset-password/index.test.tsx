import type { ApiEnvelope } from '../../../../../types'
import { captcha, fakeSend } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeInto, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import ResetPasswordPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'auth.captcha': { data: captcha('ab12') },
      'auth.resetPassword': { data: { reset: true } },
    })(envelope),
  )
})

async function fill(newPassword: string, confirm: string): Promise<void> {
  await mount(() => <ResetPasswordPage />)
  const fields = [
    'reset-nickname',
    'reset-user-name',
    'reset-id-number',
    'reset-new-password',
    'reset-confirm-password',
  ]
  for (const f of [...fields, 'login-captcha']) await findLater(`.${f} input`)
  typeInto(find('.reset-nickname'), 'zhangsan')
  typeInto(find('.reset-user-name'), '张三')
  typeInto(find('.reset-id-number'), '33010219900101123X')
  typeInto(find('.reset-new-password'), newPassword)
  typeInto(find('.reset-confirm-password'), confirm)
  typeInto(find('.login-captcha'), 'ab12')
}

describe('重置密码', () => {
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

  it('refuses two different new passwords', async () => {
    await fill('abc12345', 'abc12346')
    click(find('.reset-submit'))
    await waitForText('两次输入的密码不一致')
    expect(jest.mocked(send).mock.calls.some(([e]) => e.action === 'auth.resetPassword')).toBe(false)
  })

  it('refuses a weak new password with the server wording', async () => {
    await fill('12345678', '12345678')
    click(find('.reset-submit'))
    await waitForText('密码必须同时包含字母和数字')
  })

  it('resets the password', async () => {
    await fill('abc12345', 'abc12345')
    click(find('.reset-submit'))
    await waitForText('密码已重置，请使用新密码登录')
    const sent = jest.mocked(send).mock.calls.find(([e]) => e.action === 'auth.resetPassword')
    expect(sent?.[0].payload).toMatchObject({
      userType: 'personal',
      idType: '身份证',
      idNumber: '33010219900101123X',
    })
  })
})
