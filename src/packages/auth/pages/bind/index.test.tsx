import Taro from '@tarojs/taro'
import { waitFor } from '@testing-library/dom'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, loginBind, loginChooseAccount, loginHome, unitAccount } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeInto, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { hasSession } from '../../../../services/api'
import { saveLoginStep } from '../../shared/flow'
import BindPage from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

let reLaunch: jest.SpyInstance
beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockClear()
  reLaunch = jest.spyOn(Taro, 'reLaunch').mockResolvedValue({ errMsg: 'reLaunch:ok' })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) =>
    fakeSend({
      'auth.bind': (payload) =>
        (payload as { idNumber: string }).idNumber === '33010219900101123X'
          ? { data: loginChooseAccount() }
          : { error: 'BINDING_MISMATCH' },
      'auth.switchAccount': (payload) =>
        (payload as { accountId: string }).accountId === unitAccount.id
          ? { data: loginHome({ account: unitAccount }) }
          : { error: 'ACCOUNT_NOT_REACHABLE' },
    })(envelope),
  )
})
afterEach(() => reLaunch.mockRestore())

/** The labels of the text fields, as the user reads them. */
const labels = () =>
  Array.from(document.querySelectorAll('.bind-verify .auth-form__label')).map((el) => text(el))

describe('账号绑定', () => {
  it('personal users: 个人名称, the four personal ID types, 个人证件号码', async () => {
    saveLoginStep(loginBind())
    await mount(() => <BindPage />)
    await waitForText('信息校验')
    expect(text()).toContain('用户登录')
    expect(text()).toContain('账号登录')
    expect((await findLater('.bind-name input')).getAttribute('placeholder')).toBe('请输入个人名称')
    expect((await findLater('.bind-id-number input')).getAttribute('placeholder')).toBe('请输入个人证件号码')
    expect(labels()).toEqual(['个人名称', '个人证件号码'])
    expect(text()).not.toMatch(/[{}]/)
    const types = text(find('.bind-id-type'))
    for (const t of ['身份证', '护照', '港澳居民来往内地通行证', '台湾居民来往大陆通行证'])
      expect(types).toContain(t)
    expect(types).not.toContain('统一社会信用代码')
    expect(text()).toContain('系统已全面升级，您需要关联个人信息，才能查看详细信息')
  })

  it('unit users: 单位名称, 统一社会信用代码 / 组织机构代码证, 单位证件号码', async () => {
    saveLoginStep(
      loginBind({
        principal: { kind: 'phone', userType: 'unit', display: '138****8000' },
        idTypes: ['统一社会信用代码', '组织机构代码证'],
      }),
    )
    await mount(() => <BindPage />)
    expect((await findLater('.bind-name input')).getAttribute('placeholder')).toBe('请输入单位名称')
    expect((await findLater('.bind-id-number input')).getAttribute('placeholder')).toBe('请输入单位证件号码')
    expect(labels()).toEqual(['单位名称', '单位证件号码'])
    expect(text(find('.bind-id-type .option-picker__label'))).toBe('单位证件类型')
    expect(text()).not.toMatch(/[{}]/)
    const types = text(find('.bind-id-type'))
    expect(types).toContain('统一社会信用代码')
    expect(types).toContain('组织机构代码证')
    expect(types).not.toContain('身份证')
  })

  it('shows the server message when the details do not match', async () => {
    saveLoginStep(loginBind())
    await mount(() => <BindPage />)
    typeInto(await findLater('.bind-name'), '张三')
    typeInto(await findLater('.bind-id-number'), '330102199001011234')
    click(find('.bind-submit'))
    await waitForText('信息校验未通过，请核对名称、证件类型和证件号码')
  })

  it('after the check, chooses an account and logs in to it', async () => {
    saveLoginStep(loginBind())
    await mount(() => <BindPage />)
    typeInto(await findLater('.bind-name'), '张三')
    typeInto(await findLater('.bind-id-number'), '33010219900101123x')
    click(find('.bind-submit'))
    await waitForText('137****2756 已通过')
    expect(document.querySelectorAll('.account-item')).toHaveLength(2)
    click(find('.bind-login'))
    await waitForText('请选择账户')
    const unit = Array.from(document.querySelectorAll('.account-item')).find((el) =>
      el.textContent?.includes('杭州**物流有限公司'),
    )
    click(unit as Element)
    expect(text(await findLater('.account-item--selected'))).toContain('杭州**物流有限公司')
    click(find('.bind-login'))
    expect(jest.mocked(send).mock.calls.find(([e]) => e.action === 'auth.bind')?.[0].payload).toEqual({
      userType: 'personal',
      name: '张三',
      idType: '身份证',
      idNumber: '33010219900101123X',
    })
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    expect(hasSession()).toBe(true)
  })
})
