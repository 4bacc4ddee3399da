import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ActionRequest, ApiEnvelope, InvoicingModeView } from '../../../../../types'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { fleetRows, pageOf, settingsView, titleView, unitMe } from '../../testing/fixtures'
import { SettingsView } from '.'
import { SettingsListView } from './settingsList'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(answers: FakeAnswers): void {
  const fake = fakeSend({
    'invoiceSettings.get': {
      data: {
        settings: settingsView(),
        titles: [
          titleView(),
          titleView({ id: 'tt-2', kind: 'personal', name: '张*', taxNumber: null, isDefault: false }),
        ],
      },
    },
    'invoiceSettings.mode': { data: { mode: null, locked: false, applies: false } },
    ...answers,
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}
const calls = () => jest.mocked(send).mock.calls
const sets = () => payloadsOf(calls(), 'invoiceSettings.set')

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => jest.restoreAllMocks())

describe('开票设置 of one vehicle', () => {
  it('shows the settings and titles with the default marked; saves all four fields', async () => {
    serve({
      'invoiceSettings.set': (p) => ({
        data: settingsView(p as Partial<ActionRequest<'invoiceSettings.set'>>),
      }),
    })
    await mount(() => <SettingsView vehicleId="veh-1" />)
    await waitForText('发票抬头')
    expect(payloadsOf(calls(), 'invoiceSettings.get')).toEqual([{ vehicleId: 'veh-1' }])
    expect((find('.inv-settings-email input') as HTMLInputElement).value).toBe('123456789@163.com')
    const titles = Array.from(document.querySelectorAll('.inv-settings-title'))
    expect(text(titles[0])).toContain('杭州顺达物流有限公司默认')
    expect(text(titles[0])).toContain('单位 · 税号 91330106MA2B3C4D5D')
    expect(text(titles[1])).not.toContain('默认个人')
    expect(text(titles[1])).toContain('设为默认')

    // both kinds on: refused under the field, nothing sent
    click(find('.inv-settings-single'))
    await waitFor(() => expect(find('.inv-settings-single').className).not.toContain('nut-switch-close'))
    click(find('.inv-settings-save'))
    await waitForText('省内单程一张票与省内单月合并票只能开启一种')
    expect(sets()).toHaveLength(0)
    click(find('.inv-settings-merged'))
    await waitFor(() => expect(find('.inv-settings-merged').className).toContain('nut-switch-close'))
    await typeIn('.inv-settings-email', 'fleet@')
    click(find('.inv-settings-save'))
    await waitForText('邮箱格式不正确，例如 name@example.com')
    expect(sets()).toHaveLength(0)

    await typeIn('.inv-settings-email', 'fleet@shunda.com.cn')
    click(find('.inv-settings-save'))
    await waitForText('已保存')
    expect(sets()).toEqual([
      {
        vehicleId: 'veh-1',
        singleTrip: true,
        monthlyMerged: false,
        email: 'fleet@shunda.com.cn',
        autoSend: true,
      },
    ])
  })

  it('auto-send needs an e-mail address', async () => {
    serve({})
    await mount(() => <SettingsView vehicleId="veh-1" />)
    await waitForText('发票抬头')
    await typeIn('.inv-settings-email', '')
    click(find('.inv-settings-save'))
    await waitForText('开启自动发送前请先填写发票接收邮箱')
    expect(sets()).toHaveLength(0)
  })

  it('sets a default and removes a title after confirming', async () => {
    serve({
      'invoiceTitles.setDefault': {
        data: {
          items: [
            titleView({ id: 'tt-2', kind: 'personal', name: '张*', taxNumber: null, isDefault: true }),
            titleView({ isDefault: false }),
          ],
        },
      },
      'invoiceTitles.remove': {
        data: {
          items: [titleView({ id: 'tt-2', kind: 'personal', name: '张*', taxNumber: null, isDefault: true })],
        },
      },
    })
    await mount(() => <SettingsView vehicleId="veh-1" />)
    await waitForText('设为默认')
    click(find('.inv-settings-title-default'))
    await waitFor(() =>
      expect(text(document.querySelectorAll('.inv-settings-title')[0])).toContain('张*默认'),
    )
    expect(payloadsOf(calls(), 'invoiceTitles.setDefault')).toEqual([{ id: 'tt-2' }])

    click(document.querySelectorAll('.inv-settings-title-remove')[1])
    await waitForText('确定删除“杭州顺达物流有限公司”吗？')
    expect(payloadsOf(calls(), 'invoiceTitles.remove')).toHaveLength(0)
    click(find('.nut-dialog-footer-ok'))
    await waitFor(() => expect(document.querySelectorAll('.inv-settings-title')).toHaveLength(1))
    expect(payloadsOf(calls(), 'invoiceTitles.remove')).toEqual([{ id: 'tt-1' }])
  })

  it('adds and edits titles on the title page', async () => {
    serve({})
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <SettingsView vehicleId="veh-1" />)
    await waitForText('+ 添加抬头')
    click(find('.inv-settings-title-add'))
    expect(navigateTo).toHaveBeenLastCalledWith({
      url: '/packages/invoices/pages/title/index?vehicleId=veh-1',
    })
    click(find('.inv-settings-title-edit'))
    expect(navigateTo).toHaveBeenLastCalledWith({
      url: '/packages/invoices/pages/title/index?vehicleId=veh-1&id=tt-1',
    })
  })

  it('a stored-value account chooses 开票方式; once locked it says why', async () => {
    let mode: InvoicingModeView = { mode: null, locked: false, applies: true }
    serve({
      'invoiceSettings.mode': () => ({ data: mode }),
      'invoiceSettings.setMode': (p) => {
        mode = { ...mode, mode: (p as ActionRequest<'invoiceSettings.setMode'>).mode }
        return { data: mode }
      },
    })
    await mount(() => <SettingsView vehicleId="veh-1" />)
    await waitForText('开票方式（储值卡账户）')
    expect(text()).toContain('开具第一张发票后，开票方式将锁定')
    click(find('.inv-settings-mode-recharge'))
    await waitFor(() =>
      expect(find('.inv-settings-mode-recharge').className).toContain('etc-chips__chip--active'),
    )
    expect(payloadsOf(calls(), 'invoiceSettings.setMode')).toEqual([{ mode: 'recharge' }])
  })

  it('a locked mode cannot change and names the reason', async () => {
    serve({ 'invoiceSettings.mode': { data: { mode: 'trip', locked: true, applies: true } } })
    await mount(() => <SettingsView vehicleId="veh-1" />)
    await waitForText('按通行开票（已锁定）')
    expect(text()).toContain('本账户已按通行开票开具过发票，开票方式已锁定，不能再更改')
    expect(document.querySelector('.inv-settings-mode-recharge')).toBeNull()
  })
})

describe('开票设置查询 (no vehicle)', () => {
  it('lists every vehicle with the seed columns; a unit account sees the fleet entry', async () => {
    const rows = fleetRows(3)
    serve({
      'account.me': { data: unitMe },
      'invoiceSettings.list': (p) => ({ data: pageOf(rows, p) }),
    })
    const navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
    await mount(() => <SettingsListView />)
    await waitForText('共 3 条')
    const row = text(find('.inv-settings-row'))
    expect(row).toContain('车牌号码浙F00001')
    expect(row).toContain('省内单程一张票关闭')
    expect(row).toContain('省内单月合并票开启')
    expect(row).toContain('发票接收邮箱123456789@163.com')
    expect(row).toContain('是否自动发送开启')
    await waitForText('批量设置发票抬头和开票设置')
    click(find('.inv-settings-list__fleet'))
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/packages/invoices/pages/fleet/index' })
    click(find('.inv-settings-row'))
    expect(navigateTo).toHaveBeenLastCalledWith({
      url: '/packages/invoices/pages/settings/index?vehicleId=veh-1',
    })
  })
})
