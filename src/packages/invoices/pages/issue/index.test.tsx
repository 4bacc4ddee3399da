import Taro from '@tarojs/taro'
import type { ApiEnvelope, InvoicingModeView } from '../../../../../types'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { click, find, findLater, mount, text, waitForText } from '../../../../testing/render'
import { paidOrder, rechargeOrder } from '../../../../testing/money-fixtures'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { tripDetail } from '../../../bills/testing/fixtures'
import { invoiceDetail, invoiceRow, settingsView, titleView } from '../../testing/fixtures'
import { IssueView, issueSourceOf } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(answers: FakeAnswers): void {
  const fake = fakeSend(answers)
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}
const calls = () => jest.mocked(send).mock.calls

const notChosen: InvoicingModeView = { mode: null, locked: false, applies: false }
const titles = {
  data: {
    items: [
      titleView(),
      titleView({ id: 'tt-2', name: '张*', kind: 'personal', taxNumber: null, isDefault: false }),
    ],
  },
}
const openTrip = tripDetail({ invoice: null })
const issuedTrip = invoiceDetail(invoiceRow({ id: 'inv-new', invoiceNo: '24332000000099998888' }))

/** Where the page went: redirectTo / navigateTo urls, in order. */
function routes(): string[] {
  const urls: string[] = []
  jest.spyOn(Taro, 'redirectTo').mockImplementation((o) => {
    urls.push(`redirect ${o.url}`)
    return Promise.resolve({ errMsg: 'redirectTo:ok' })
  })
  jest.spyOn(Taro, 'navigateTo').mockImplementation((o) => {
    urls.push(`navigate ${o.url}`)
    return Promise.resolve({ errMsg: 'navigateTo:ok' })
  })
  return urls
}

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
})

afterEach(() => jest.restoreAllMocks())

describe('开具发票', () => {
  it('reads its source from the link', () => {
    expect(issueSourceOf({ source: 'trip', tripId: 'trip-1' })).toEqual({ kind: 'trip', tripId: 'trip-1' })
    expect(issueSourceOf({ source: 'recharge', orderNo: 'R2026' })).toEqual({
      kind: 'recharge',
      orderNo: 'R2026',
    })
    expect(issueSourceOf({ source: 'trip' })).toBeNull()
    expect(issueSourceOf({})).toBeNull()
  })

  it('a trip: the default title preselected, another picked, confirmed; a lost answer retried with the same key', async () => {
    let attempts = 0
    serve({
      'trips.detail': { data: openTrip },
      'invoiceTitles.list': titles,
      'invoiceSettings.mode': { data: notChosen },
      'invoices.issue': () => (++attempts === 1 ? { network: true } : { data: issuedTrip }),
    })
    const went = routes()
    await mount(() => <IssueView source={{ kind: 'trip', tripId: 'trip-1' }} />)
    await waitForText('杭州顺达物流有限公司（默认）')
    const subject = text(find('.inv-issue-subject'))
    expect(subject).toContain('发票类型单程票')
    expect(subject).toContain('出入口站浙江台州南站 → 浙江马宅站')
    expect(subject).toContain('开票金额¥188.86')
    expect(payloadsOf(calls(), 'invoiceTitles.list')).toEqual([{ vehicleId: 'veh-1' }])
    expect(text(find('.inv-issue-title--picked'))).toContain('杭州顺达物流有限公司')

    click(Array.from(document.querySelectorAll('.inv-issue-title'))[1])
    await waitForText('张*')
    expect(text(await findLater('.inv-issue-title--picked'))).toBe('张*')
    click(find('.inv-issue-submit'))
    await waitForText('将以“张*”为抬头开具金额 ¥188.86 的发票')
    expect(payloadsOf(calls(), 'invoices.issue')).toHaveLength(0)
    click(find('.nut-dialog-footer-ok'))
    await waitForText('网络异常，请检查网络后重试。再次提交不会重复开票')
    expect(text(find('.inv-issue-submit'))).toBe('重新提交')

    click(find('.inv-issue-submit'))
    click(find('.nut-dialog-footer-ok'))
    await waitForText('发票已开具，发票号码 24332000000099998888')
    const sent = payloadsOf(calls(), 'invoices.issue')
    expect(sent).toHaveLength(2)
    expect(sent[0]).toMatchObject({ source: { kind: 'trip', tripId: 'trip-1' }, titleId: 'tt-2' })
    expect(sent[0].key).toMatch(/^[A-Za-z0-9_-]{8,64}$/)
    expect(sent[1]).toEqual(sent[0])
    expect(went).toEqual(['redirect /packages/invoices/pages/invoice/index?id=inv-new'])
  })

  it('a new intent (another title) gets a new key', async () => {
    let attempts = 0
    serve({
      'trips.detail': { data: openTrip },
      'invoiceTitles.list': titles,
      'invoiceSettings.mode': { data: notChosen },
      'invoices.issue': () =>
        ++attempts === 1 ? { error: 'INVOICE_PLATFORM_UNAVAILABLE' } : { data: issuedTrip },
    })
    routes()
    await mount(() => <IssueView source={{ kind: 'trip', tripId: 'trip-1' }} />)
    await waitForText('杭州顺达物流有限公司（默认）')
    click(find('.inv-issue-submit'))
    click(await findLater('.nut-dialog-footer-ok'))
    await waitForText('开票平台暂时无法连接，请稍后重试')
    click(Array.from(document.querySelectorAll('.inv-issue-title'))[1])
    await waitForText('开具发票')
    click(find('.inv-issue-submit'))
    click(find('.nut-dialog-footer-ok'))
    await waitForText('发票已开具')
    const sent = payloadsOf(calls(), 'invoices.issue')
    expect(sent.map((p) => p.titleId)).toEqual(['tt-1', 'tt-2'])
    expect(sent[1].key).not.toBe(sent[0].key)
  })

  it('the server refusing the 开票方式 explains the rule', async () => {
    serve({
      'trips.detail': { data: openTrip },
      'invoiceTitles.list': titles,
      'invoiceSettings.mode': { data: notChosen },
      'invoices.issue': {
        error: 'INVOICING_MODE_MISMATCH',
        message: '本账户开票方式为“按充值开票”，不能按通行开票',
      },
    })
    routes()
    await mount(() => <IssueView source={{ kind: 'trip', tripId: 'trip-1' }} />)
    await waitForText('杭州顺达物流有限公司（默认）')
    click(find('.inv-issue-submit'))
    click(await findLater('.nut-dialog-footer-ok'))
    await waitForText('本账户开票方式为“按充值开票”，不能按通行开票。')
    expect(text(find('.inv-issue__error'))).toContain('两种方式不能同时使用，首次开票后即锁定')
    expect(document.querySelector('.inv-issue-done')).toBeNull()
  })

  it('a stored-value trip of an account invoicing by recharge: says so before asking', async () => {
    serve({
      'trips.detail': {
        data: tripDetail({
          invoice: null,
          payment: {
            cardType: 'stored',
            cardTypeLabel: '储值卡',
            method: '储值卡扣款',
            paid: openTrip.payment.paid,
            deductionDate: '2026-10-23',
          },
        }),
      },
      'invoiceTitles.list': titles,
      'invoiceSettings.mode': { data: { mode: 'recharge', locked: true, applies: true } },
    })
    await mount(() => <IssueView source={{ kind: 'trip', tripId: 'trip-1' }} />)
    await waitForText('本账户开票方式为“按充值开票”，不能开具此发票。')
    expect(text(find('.inv-issue__mode'))).toContain('两种方式不能同时使用')
    expect(find('.inv-issue-submit').getAttribute('class') ?? '').toContain('disabled')
  })

  it('a vehicle without titles links to 开票设置 to add one', async () => {
    serve({
      'trips.detail': { data: openTrip },
      'invoiceTitles.list': { data: { items: [] } },
      'invoiceSettings.mode': { data: notChosen },
    })
    const went = routes()
    await mount(() => <IssueView source={{ kind: 'trip', tripId: 'trip-1' }} />)
    await waitForText('暂无发票抬头，请先添加发票抬头')
    click(find('.inv-issue__add-title'))
    expect(went).toEqual(['navigate /packages/invoices/pages/settings/index?vehicleId=veh-1'])
  })

  it('an invoiced trip shows its invoice instead of the form', async () => {
    serve({ 'trips.detail': { data: tripDetail() } })
    const went = routes()
    await mount(() => <IssueView source={{ kind: 'trip', tripId: 'trip-1' }} />)
    await waitForText('已开票')
    expect(document.querySelector('.inv-issue-form')).toBeNull()
    click(find('.inv-issue-done__open'))
    expect(went).toEqual(['navigate /packages/invoices/pages/invoice/index?id=inv-1'])
  })

  it('a recharge: the titles of the vehicle its card belongs to; ALREADY_INVOICED in words', async () => {
    const order = paidOrder(
      rechargeOrder({
        target: { kind: 'card', cardId: 'card-2', plate: '浙AD35288', cardNo: '3301*****4421' },
      }),
    )
    serve({
      'recharge.status': { data: order },
      'invoiceSettings.list': {
        data: {
          items: [
            settingsView(),
            settingsView({ vehicleId: 'veh-2', plate: '浙AD35288', cardType: 'stored', defaultTitle: null }),
          ],
          total: 2,
          nextCursor: null,
        },
      },
      'invoiceTitles.list': (p) =>
        (p as { vehicleId: string }).vehicleId === 'veh-2'
          ? { data: { items: [titleView({ id: 'tt-9', vehicleId: 'veh-2', name: '储值抬头有限公司' })] } }
          : titles,
      'invoiceSettings.mode': { data: { mode: 'recharge', locked: false, applies: true } },
      'invoices.issue': { error: 'ALREADY_INVOICED' },
    })
    routes()
    await mount(() => <IssueView source={{ kind: 'recharge', orderNo: order.orderNo }} />)
    await waitForText('储值抬头有限公司（默认）')
    const subject = text(find('.inv-issue-subject'))
    expect(subject).toContain('发票类型充值发票')
    expect(subject).toContain(`充值订单${order.orderNo}`)
    expect(subject).toContain('开票金额¥100.00')
    expect(text(find('.inv-issue-vehicle-veh-2'))).toBe('浙AD35288')
    expect(find('.inv-issue-vehicle-veh-2').getAttribute('class')).toContain('etc-chips__chip--active')

    click(find('.inv-issue-submit'))
    click(await findLater('.nut-dialog-footer-ok'))
    await waitForText('该记录已开具发票，请勿重复开票。可在已开票查询中查看该发票')
    expect(payloadsOf(calls(), 'invoices.issue')[0]).toMatchObject({
      source: { kind: 'recharge', orderNo: order.orderNo },
      titleId: 'tt-9',
    })

    click(find('.inv-issue-vehicle-veh-1'))
    await waitForText('杭州顺达物流有限公司（默认）')
    expect(payloadsOf(calls(), 'invoiceTitles.list')).toEqual([
      { vehicleId: 'veh-2' },
      { vehicleId: 'veh-1' },
    ])
  })

  it('an invoiced recharge shows 已开票 and opens its invoice', async () => {
    const order = paidOrder(rechargeOrder(), { invoiceId: 'inv-r1' })
    serve({
      'recharge.status': { data: order },
      'invoiceSettings.list': { data: { items: [], total: 0, nextCursor: null } },
    })
    const went = routes()
    await mount(() => <IssueView source={{ kind: 'recharge', orderNo: order.orderNo }} />)
    await waitForText('已开票')
    click(find('.inv-issue-done__open'))
    expect(went).toEqual(['navigate /packages/invoices/pages/invoice/index?id=inv-r1'])
  })

  it('a pending recharge cannot be invoiced', async () => {
    serve({
      'recharge.status': { data: rechargeOrder() },
      'invoiceSettings.list': { data: { items: [settingsView()], total: 1, nextCursor: null } },
    })
    await mount(() => <IssueView source={{ kind: 'recharge', orderNo: 'R20261123095445000000001' }} />)
    await waitForText('只有充值成功的订单可以开具发票')
    expect(document.querySelector('.inv-issue-submit')).toBeNull()
  })
})
