import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, loginHome } from '../../../../testing/fake-api'
import { waitFor } from '@testing-library/dom'
import { click, find, mount, text } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import type { LoginResult } from '../../../../../types'
import PhoneQuickLogin from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
  jest
    .mocked(send)
    .mockImplementation((envelope: ApiEnvelope) =>
      fakeSend({ 'auth.loginByWechatPhone': { data: loginHome() } })(envelope),
    )
})

describe('one-tap phone login', () => {
  it('is hidden on H5', async () => {
    await mount(() => (
      <PhoneQuickLogin platform="h5" userType="personal" agreed onLogin={jest.fn()} onMessage={jest.fn()} />
    ))
    expect(document.querySelector('.login-wechat-phone')).toBeNull()
  })

  it('does not open the platform popup before the agreement is ticked', async () => {
    const onMessage = jest.fn()
    await mount(() => (
      <PhoneQuickLogin
        platform="weapp"
        userType="personal"
        agreed={false}
        onLogin={jest.fn()}
        onMessage={onMessage}
      />
    ))
    const button = find('.login-wechat-phone')
    expect(button.getAttribute('open-type') ?? button.getAttribute('opentype')).toBeNull()
    click(button)
    expect(onMessage).toHaveBeenCalledWith('请先阅读并同意《用户协议》和《隐私政策》')
    expect(send).not.toHaveBeenCalled()
  })

  it('on WeChat sends the getPhoneNumber code to auth.loginByWechatPhone', async () => {
    const logins: LoginResult[] = []
    await mount(() => (
      <PhoneQuickLogin
        platform="weapp"
        userType="unit"
        agreed
        onLogin={(r) => logins.push(r)}
        onMessage={jest.fn()}
      />
    ))
    expect(text()).toContain('手机号一键登录')
    const button = find('.login-wechat-phone')
    button.dispatchEvent(new CustomEvent('getphonenumber', { bubbles: true, detail: { code: 'wx-code' } }))
    await waitFor(() => expect(logins).toHaveLength(1))
    expect(jest.mocked(send).mock.calls[0][0]).toEqual({
      action: 'auth.loginByWechatPhone',
      payload: { code: 'wx-code', userType: 'unit' },
    })
  })
})
