import { waitFor } from '@testing-library/dom'
import type { ActionRequest, ApiEnvelope, InvoiceSettingsView } from '../../../../../types'
import { fakeSend, me, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { applyAnswer, fleetRows, pageOf, previewOf, unitMe, validCreditCode } from '../../testing/fixtures'
import { FleetView } from '.'

// twenty rows of checkboxes and a title form render slowly under a loaded machine
jest.setTimeout(30_000)

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

type ListRequest = ActionRequest<'invoiceSettings.list'>
type ApplyRequest = ActionRequest<'invoiceSettings.fleetApply'>

/** 60 vehicles: the first 50 stored-value; the list filters like the server. */
const fleet: InvoiceSettingsView[] = fleetRows(60).map((r, i) => ({
  ...r,
  cardType: i < 50 ? 'stored' : 'credit',
}))
const matching = (p: ListRequest) =>
  fleet.filter(
    (r) =>
      (!p.cardType || r.cardType === p.cardType) &&
      (!p.plate || r.plate === p.plate) &&
      (p.title === undefined || (r.defaultTitle ?? '') === p.title),
  )

function serve(answers: FakeAnswers): void {
  const fake = fakeSend({
    'account.me': { data: unitMe },
    'invoiceSettings.list': (p) => ({ data: pageOf(matching(p as ListRequest), p) }),
    'invoiceSettings.titleNames': { data: { names: ['旧抬头公司'] } },
    'invoiceSettings.fleetPreview': (p) => {
      const req = p as ActionRequest<'invoiceSettings.fleetPreview'>
      const rows = req.allMatching
        ? matching(req.allMatching)
        : fleet.filter((r) => req.vehicleIds?.includes(r.vehicleId))
      return { data: previewOf(rows, req.change.title?.name ?? '') }
    },
    ...answers,
  })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}
const calls = () => jest.mocked(send).mock.calls
const applies = () => payloadsOf(calls(), 'invoiceSettings.fleetApply')
const rows = () => Array.from(document.querySelectorAll('.inv-fleet-row'))

const newTitle = {
  kind: 'company',
  name: '杭州顺达物流有限公司',
  taxNumber: validCreditCode,
  address: null,
  phone: null,
  bank: null,
  bankAccount: null,
} as const

async function typeCompanyTitle(code = validCreditCode): Promise<void> {
  await typeIn('.inv-fleet-title-name', '杭州顺达物流有限公司')
  await typeIn('.inv-fleet-title-tax', code)
}

async function filterStored(): Promise<void> {
  click(find('.list-with-filters__toggle'))
  click(await findLater('.inv-fleet-card-stored'))
  await waitForText('共 50 条（储值卡）')
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

describe('批量开票设置 (fleet admin)', () => {
  it('全选 N 辆 selects the filter, not the loaded page: preview and apply send the filter', async () => {
    let call = 0
    serve({
      'invoiceSettings.fleetApply': (p) => {
        const req = p as ApplyRequest
        call += 1
        return {
          data:
            call === 1
              ? applyAnswer({
                  batchKey: req.batchKey,
                  state: 'running',
                  continuation: 'c1-000000000000',
                  total: 50,
                  processed: 30,
                  changed: 30,
                })
              : applyAnswer({ batchKey: req.batchKey, total: 50, processed: 50, changed: 48, unchanged: 2 }),
        }
      },
    })
    await mount(() => <FleetView />)
    await waitForText('共 60 条')
    await filterStored()
    expect(rows()).toHaveLength(20)
    click(find('.inv-fleet-select-all'))
    await waitForText('已选 50 辆')
    expect(text()).toContain('已选择符合筛选条件（储值卡）的全部 50 辆，包括未加载的车辆')

    await typeCompanyTitle()
    click(find('.inv-fleet-preview-button'))
    await waitForText('将修改 50 辆，0 辆已是目标设置')
    expect(text()).toContain('对 50 辆车：默认发票抬头设为“杭州顺达物流有限公司”')
    expect(text(find('.inv-fleet-preview__row'))).toContain('抬头：未设置 → 杭州顺达物流有限公司')
    expect(payloadsOf(calls(), 'invoiceSettings.fleetPreview')).toEqual([
      { allMatching: { cardType: 'stored' }, change: { title: newTitle }, limit: 20 },
    ])

    click(find('.inv-fleet-apply'))
    await waitForText('确定对 50 辆车默认发票抬头设为“杭州顺达物流有限公司”吗？')
    expect(applies()).toHaveLength(0)
    click(find('.nut-dialog-footer-ok'))
    await waitForText('已为 48 辆车完成修改（默认发票抬头设为“杭州顺达物流有限公司”），2 辆原已如此')
    const sent = applies()
    expect(sent).toHaveLength(2)
    expect(sent[0]).toEqual({
      allMatching: { cardType: 'stored' },
      change: { title: newTitle },
      batchKey: sent[0].batchKey,
    })
    expect(sent[1]).toEqual({ ...sent[0], continuation: 'c1-000000000000' })
    expect(sent[0].vehicleIds).toBeUndefined()
  })

  it('ticked rows go as ids; settings changes are checked before the preview', async () => {
    serve({
      'invoiceSettings.fleetApply': (p) => ({
        data: applyAnswer({ batchKey: (p as ApplyRequest).batchKey, total: 2, processed: 2, changed: 2 }),
      }),
    })
    await mount(() => <FleetView />)
    await waitForText('共 60 条')
    click(find('.inv-fleet-select', rows()[0]))
    await waitForText('已选 1 辆')
    click(find('.inv-fleet-select', rows()[3]))
    await waitForText('已选 2 辆')
    click(find('.inv-fleet-set-title'))
    click(find('.inv-fleet-set-settings'))
    click(await findLater('.inv-fleet-single-on'))
    click(await findLater('.inv-fleet-merged-on'))
    await waitFor(() => expect(find('.inv-fleet-merged-on').className).toContain('active'))
    click(find('.inv-fleet-preview-button'))
    await waitForText('省内单程一张票与省内单月合并票只能开启一种')
    expect(payloadsOf(calls(), 'invoiceSettings.fleetPreview')).toHaveLength(0)

    click(find('.inv-fleet-merged-off'))
    await waitFor(() => expect(find('.inv-fleet-merged-off').className).toContain('active'))
    click(find('.inv-fleet-preview-button'))
    await waitForText('将修改 2 辆')
    expect(payloadsOf(calls(), 'invoiceSettings.fleetPreview')[0]).toEqual({
      vehicleIds: ['veh-1', 'veh-4'],
      change: { settings: { singleTrip: true, monthlyMerged: false } },
      limit: 20,
    })
    click(find('.inv-fleet-apply'))
    click(await findLater('.nut-dialog-footer-ok'))
    await waitForText('已为 2 辆车完成修改（省内单程一张票开启，省内单月合并票关闭）')
    expect(applies()[0]).toMatchObject({ vehicleIds: ['veh-1', 'veh-4'] })
  })

  it('shows the credit-code error under its field and asks nothing', async () => {
    serve({})
    await mount(() => <FleetView />)
    await waitForText('共 60 条')
    click(find('.inv-fleet-select-all'))
    await waitForText('已选 60 辆')
    await typeCompanyTitle('91330106MA2B3C4D5X')
    click(find('.inv-fleet-preview-button'))
    await waitForText('统一社会信用代码校验位不正确，请核对')
    expect(find('.inv-fleet-title-tax-error').textContent).toBe('统一社会信用代码校验位不正确，请核对')
    expect(payloadsOf(calls(), 'invoiceSettings.fleetPreview')).toHaveLength(0)
  })

  it('a failed batch call is resumed with the same key and lists the failures', async () => {
    let call = 0
    serve({
      'invoiceSettings.fleetApply': (p) => {
        call += 1
        // the first call and its automatic retry are lost; 继续 finishes the same batch
        if (call <= 2) return { network: true }
        return {
          data: applyAnswer({
            batchKey: (p as ApplyRequest).batchKey,
            total: 50,
            processed: 50,
            changed: 49,
            failed: 1,
            failures: [
              {
                targetId: 'veh-7',
                label: '浙F00007',
                code: 'VEHICLE_NOT_CURRENT',
                message: '历史车辆无法设置',
              },
            ],
          }),
        }
      },
    })
    await mount(() => <FleetView />)
    await waitForText('共 60 条')
    await filterStored()
    click(find('.inv-fleet-select-all'))
    await waitForText('已选 50 辆')
    await typeCompanyTitle()
    click(find('.inv-fleet-preview-button'))
    await waitForText('将修改 50 辆')
    click(find('.inv-fleet-apply'))
    click(await findLater('.nut-dialog-footer-ok'))
    await waitForText('操作未完成：网络异常，请检查网络后重试。')
    expect(applies()).toHaveLength(2)

    click(find('.fleet-batch__resume'))
    await waitForText('已为 49 辆车完成修改')
    expect(text()).toContain('1 辆未能处理')
    expect(text()).toContain('浙F00007 历史车辆无法设置')
    const sent = applies()
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((r) => r.batchKey)).size).toBe(1)
    expect(sent[2]).toEqual(sent[0])
    expect(sent[2].allMatching).toEqual({ cardType: 'stored' })
  })

  it('filters by the current title (未设置 sends an empty title)', async () => {
    serve({})
    await mount(() => <FleetView />)
    await waitForText('共 60 条')
    click(find('.list-with-filters__toggle'))
    click(await findLater('.inv-fleet-title-filter-__none__'))
    await waitForText('共 30 条（未设置抬头）')
    expect(payloadsOf(calls(), 'invoiceSettings.list').at(-1)).toEqual({ title: '', limit: 20 })
  })

  it('is for unit accounts only', async () => {
    serve({ 'account.me': { data: me } })
    await mount(() => <FleetView />)
    await waitForText('批量开票设置仅对单位用户开放')
    expect(payloadsOf(calls(), 'invoiceSettings.list')).toHaveLength(0)
  })
})
