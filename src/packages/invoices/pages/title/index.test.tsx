import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { titleView, validCreditCode } from '../../testing/fixtures'
import { TitleView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}
const saves = () => payloadsOf(jest.mocked(send).mock.calls, 'invoiceTitles.save')

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  jest.spyOn(Taro, 'navigateBack').mockResolvedValue({ errMsg: 'navigateBack:ok' })
})

afterEach(() => jest.restoreAllMocks())

describe('发票抬头 add / edit', () => {
  it('shows the credit-code error under its field and sends nothing until it is right', async () => {
    serve({ 'invoiceTitles.save': (p) => ({ data: titleView({ id: 'tt-new', ...(p as object) }) }) })
    await mount(() => <TitleView vehicleId="veh-1" />)
    await typeIn('.inv-title-name', '杭州顺达物流有限公司')
    await typeIn('.inv-title-tax', '91330106MA2B3C4D5X')
    click(find('.inv-title-save'))
    await waitForText('统一社会信用代码校验位不正确，请核对')
    expect(find('.inv-title-tax-error').textContent).toBe('统一社会信用代码校验位不正确，请核对')

    await typeIn('.inv-title-tax', '9133 0106')
    click(find('.inv-title-save'))
    await waitForText('统一社会信用代码应为18位')
    await typeIn('.inv-title-tax', '91I30106MA2B3C4D5D')
    click(find('.inv-title-save'))
    await waitForText('统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）')
    await typeIn('.inv-title-phone', 'abc')
    click(find('.inv-title-save'))
    await waitForText('电话格式不正确')
    expect(saves()).toHaveLength(0)

    // typed in groups and lower case: sent normalised, optional fields blank → null
    await typeIn('.inv-title-tax', '9133 0106 ma2b 3c4d 5d')
    await typeIn('.inv-title-phone', '0571-88888888')
    click(find('.inv-title-default'))
    await waitFor(() =>
      expect(
        find('.inv-title-default').querySelector('.nut-checkbox-icon-checked, .nut-checkbox-checked'),
      ).not.toBeNull(),
    )
    click(find('.inv-title-save'))
    await waitFor(() => expect(saves()).toHaveLength(1))
    expect(saves()[0]).toEqual({
      vehicleId: 'veh-1',
      title: {
        kind: 'company',
        name: '杭州顺达物流有限公司',
        taxNumber: validCreditCode,
        address: null,
        phone: '0571-88888888',
        bank: null,
        bankAccount: null,
      },
      isDefault: true,
    })
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled())
  })

  it('a personal title needs only the name', async () => {
    serve({ 'invoiceTitles.save': { data: titleView({ kind: 'personal', name: '张*', taxNumber: null }) } })
    await mount(() => <TitleView vehicleId="veh-1" />)
    click(await findLater('.inv-title-kind-personal'))
    await waitFor(() => expect(document.querySelector('.inv-title-tax')).toBeNull())
    click(find('.inv-title-save'))
    await waitForText('请输入发票抬头')
    expect(saves()).toHaveLength(0)
    await typeIn('.inv-title-name', '张伟')
    click(find('.inv-title-save'))
    await waitFor(() => expect(saves()).toHaveLength(1))
    expect(saves()[0]).toEqual({ vehicleId: 'veh-1', title: { kind: 'personal', name: '张伟' } })
  })

  it('edits an existing title with its values filled in, and shows the server’s field message', async () => {
    serve({
      'invoiceTitles.list': {
        data: { items: [titleView(), titleView({ id: 'tt-2', name: '旧抬头公司', isDefault: false })] },
      },
      'invoiceTitles.save': {
        error: 'INVALID_INPUT',
        message: '请求参数不正确',
        fields: { 'title.name': '发票抬头最长100个字符' },
      },
    })
    await mount(() => <TitleView vehicleId="veh-1" titleId="tt-2" />)
    await waitFor(() => expect((find('.inv-title-name input') as HTMLInputElement).value).toBe('旧抬头公司'))
    expect((find('.inv-title-tax input') as HTMLInputElement).value).toBe(validCreditCode)
    click(find('.inv-title-save'))
    await waitForText('发票抬头最长100个字符')
    expect(saves()[0]).toMatchObject({ vehicleId: 'veh-1', id: 'tt-2', title: { name: '旧抬头公司' } })
    expect(text()).not.toContain('请求参数不正确')
    expect(Taro.navigateBack).not.toHaveBeenCalled()
  })
})
