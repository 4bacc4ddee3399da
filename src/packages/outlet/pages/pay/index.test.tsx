import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../../../types'
import type { OutletRechargeIntent } from '../../../../../types/actions/outlet'
import { fen } from '../../../../../types/money'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { moneyServer, type MoneyServerOptions } from '../../../../testing/money-fixtures'
import { click, find, mount, text, waitForText } from '../../../../testing/render'
import { CLOSED, NO_INTENT, OutletPayView, PAID } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

const INTENT = 'orc-0123456789abcdef0123456789abcdef01234567'

const intentOf = (over: Partial<OutletRechargeIntent> = {}): OutletRechargeIntent => ({
  intentId: INTENT,
  cardId: 'card-m1',
  cardNo: '3301*****2345',
  plate: '浙AD35288',
  plateColor: '渐变绿',
  amount: fen(50_000),
  expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  status: 'awaiting',
  ...over,
})

function serve(
  intent: FakeAnswers['outlet.recharge.intent'],
  options: MoneyServerOptions = {},
  extra: FakeAnswers = {},
) {
  const server = moneyServer(options)
  const fake = fakeSend({ ...server.answers, 'outlet.recharge.intent': intent, ...extra })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
}

const creates = () => payloadsOf(jest.mocked(send).mock.calls, 'recharge.create')

let redirectTo: jest.SpyInstance

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  process.env.TARO_ENV = 'h5'
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  jest.restoreAllMocks()
})

async function open(intentId: string | null = INTENT): Promise<void> {
  await mount(() => <OutletPayView intentId={intentId} />)
}

async function confirm(): Promise<string> {
  await waitFor(() =>
    expect(find('.outlet-pay__submit').classList.contains('nut-button-disabled')).toBe(false),
  )
  click(find('.outlet-pay__submit'))
  await waitFor(() =>
    expect(document.querySelector('.outlet-pay-confirm .nut-dialog-footer-ok')).not.toBeNull(),
  )
  return text(find('.outlet-pay-confirm'))
}

describe('网点充值支付', () => {
  it("shows the code's card, amount and expiry, as the card's own account asked for it", async () => {
    const expiresAt = '2026-12-02T04:35:00.000Z'
    serve({ data: intentOf({ expiresAt: new Date(Date.now() + 60_000).toISOString() }) })
    await open()
    await waitForText('¥500.00')
    const info = text(find('.outlet-pay__intent'))
    expect(info).toContain('车牌浙AD35288渐变绿牌')
    expect(info).toContain('卡号3301*****2345')
    expect(info).toContain('充值金额¥500.00')
    expect(payloadsOf(jest.mocked(send).mock.calls, 'outlet.recharge.intent')).toEqual([{ intentId: INTENT }])
    expect(jest.mocked(send).mock.calls.every(([, token]) => token === 'session-token')).toBe(true)
    expect(text(find('.money-channel .etc-chips__chip--active'))).toBe('微信支付')

    serve({ data: intentOf({ expiresAt, status: 'paying' }) })
    await open()
    await waitForText('有效期至2026-12-02 12:35:00')
  })

  it('pays in WeChat: confirm, then recharge.create for this card with the code as its key, then the result', async () => {
    process.env.TARO_ENV = 'weapp'
    const requestPayment = jest
      .spyOn(Taro, 'requestPayment')
      .mockResolvedValue({ errMsg: 'requestPayment:ok' })
    serve({ data: intentOf() })
    await open()
    await waitForText('¥500.00')
    const dialog = await confirm()
    expect(dialog).toContain('充值金额¥500.00')
    expect(dialog).toContain('充值到浙AD35288 3301*****2345')
    expect(dialog).toContain('支付方式微信支付')
    expect(creates()).toHaveLength(0)

    click(find('.outlet-pay-confirm .nut-dialog-footer-ok'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    expect(creates()).toEqual([
      { key: INTENT, target: { kind: 'card', cardId: 'card-m1' }, amount: 50_000, channel: 'wechat' },
    ])
    expect(requestPayment).toHaveBeenCalledWith(
      expect.objectContaining({ package: 'prepay_id=wxR20261123095445000000001' }),
    )
    expect(redirectTo).toHaveBeenCalledWith({
      url: '/packages/money/pages/recharge-result/index?orderNo=R20261123095445000000001',
    })
  })

  it('H5 pays in the local sandbox cashier, then the result', async () => {
    const request = jest
      .spyOn(Taro, 'request')
      .mockResolvedValue({ statusCode: 200, data: {}, header: {}, errMsg: 'request:ok' } as never)
    serve({ data: intentOf() }, { launch: 'sandbox' })
    await open()
    await waitForText('¥500.00')
    await confirm()
    click(find('.outlet-pay-confirm .nut-dialog-footer-ok'))
    await waitForText('使用本地沙箱模拟支付？')
    click(find('.money-sandbox-confirm .nut-dialog-footer-ok'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    expect(request).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/sandbox/cashier/R20261123095445000000001', method: 'POST' }),
    )
    expect(String(redirectTo.mock.calls[0][0].url)).toContain('orderNo=R20261123095445000000001')
  })

  it('a paid code says so and offers no payment', async () => {
    serve({ data: intentOf({ status: 'paid' }) })
    await open()
    await waitForText(PAID)
    expect(document.querySelector('.outlet-pay__submit')).toBeNull()
  })

  it('an expired or closed code says so and offers no payment', async () => {
    serve({ data: intentOf({ status: 'closed' }) })
    await open()
    await waitForText(CLOSED)
    expect(document.querySelector('.outlet-pay__submit')).toBeNull()

    // past its expiry on this phone's clock before the server said so
    serve({ data: intentOf({ expiresAt: new Date(Date.now() - 1_000).toISOString() }) })
    await open()
    await waitFor(() => expect(document.querySelectorAll('.outlet-pay__state--closed')).toHaveLength(2))
  })

  it("another account's phone is told whose card it is", async () => {
    serve({ error: 'FORBIDDEN', message: '该通行卡不属于当前登录账户，请使用持卡人的账户扫码支付' })
    await open()
    await waitForText('该通行卡不属于当前登录账户，请使用持卡人的账户扫码支付')
    expect(creates()).toHaveLength(0)
  })

  it('the settlement window blocks paying', async () => {
    serve({ data: intentOf() }, { summary: { rechargeOpen: false } })
    await open()
    await waitForText('当前为结算时段，暂停充值')
    expect(find('.outlet-pay__submit').classList.contains('nut-button-disabled')).toBe(true)
    click(find('.outlet-pay__submit'))
    expect(document.querySelector('.nut-dialog')).toBeNull()
    expect(creates()).toHaveLength(0)
  })

  it('a refused order shows why and asks the code again', async () => {
    serve({ data: intentOf() }, {}, { 'recharge.create': { error: 'RECHARGE_CLOSED' } })
    await open()
    await waitForText('¥500.00')
    await confirm()
    click(find('.outlet-pay-confirm .nut-dialog-footer-ok'))
    await waitForText('请在 2:00 后再试')
    expect(redirectTo).not.toHaveBeenCalled()
    expect(payloadsOf(jest.mocked(send).mock.calls, 'outlet.recharge.intent')).toHaveLength(2)
  })

  it('without an intent in the link', async () => {
    serve({ data: intentOf() })
    await open(null)
    await waitForText(NO_INTENT)
    expect(jest.mocked(send)).not.toHaveBeenCalled()
  })
})
