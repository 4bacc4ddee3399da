import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, loginConfirmLegacy, loginHome } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeInto, waitForText } from '../../../../testing/render'
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
    typeInto(find('.legacy-code'), '000000')
    click(find('.legacy-submit'))
    await waitForText('验证码错误')
    typeInto(find('.legacy-code'), '654321')
    click(find('.legacy-submit'))
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    expect(hasSession()).toBe(true)
    reLaunch.mockRestore()
  })
})
