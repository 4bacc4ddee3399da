import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../../../types'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { moneyServer, type MoneyServerOptions } from '../../../../testing/money-fixtures'
import { click, find, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { send } from '../../../../services/api/transport'
import { saveSession } from '../../../../services/api/session'
import { RechargeView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))

function serve(options: MoneyServerOptions = {}, extra: FakeAnswers = {}) {
  const server = moneyServer(options)
  const fake = fakeSend({ ...server.answers, ...extra })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
  return server
}

const creates = () => payloadsOf(jest.mocked(send).mock.calls, 'recharge.create')
const okButton = () => find('.nut-dialog-footer-ok')
const dialogText = () => text(find('.nut-dialog'))

let navigateTo: jest.SpyInstance

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  process.env.TARO_ENV = 'h5'
  saveSession({ token: 'session-token', expiresAt: new Date(Date.now() + 3600_000).toISOString() })
  navigateTo = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' })
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  jest.restoreAllMocks()
})

async function open(): Promise<void> {
  await mount(() => <RechargeView />)
  await waitForText('¥128.80')
}

/** 立即充值, then the confirmation dialog's text. */
async function submit(): Promise<string> {
  // the last dialog has finished closing
  await waitFor(() => expect(document.querySelector('.nut-dialog')).toBeNull())
  click(find('.money-recharge__submit'))
  await waitFor(() =>
    expect(document.querySelector('.money-recharge-confirm .nut-dialog-footer-ok')).not.toBeNull(),
  )
  return dialogText()
}

describe('充值', () => {
  it('shows 可用余额, 当前账户 and the window notice, with ¥100 and the only channel chosen', async () => {
    serve()
    await open()
    expect(text(find('.money-funds'))).toContain('可用余额')
    expect(text(find('.money-funds'))).toContain('当前账户张*')
    expect(text(find('.money-recharge__notice'))).toBe('※ 温馨提示: 22:00 至次日 2:00 不可进行充值服务')
    expect(text(find('.money-presets .etc-chips__chip--active'))).toBe('¥100')
    expect(text(find('.money-channel .etc-chips__chip--active'))).toBe('微信支付')
    expect(text(find('.money-recharge__limits'))).toBe('单笔充值金额 0.01–100,000.00 元')
  })

  it('recharges the user account in WeChat: confirm first, then one order and wx.requestPayment', async () => {
    process.env.TARO_ENV = 'weapp'
    const requestPayment = jest
      .spyOn(Taro, 'requestPayment')
      .mockResolvedValue({ errMsg: 'requestPayment:ok' })
    serve()
    await open()

    const confirm = await submit()
    expect(confirm).toContain('充值金额¥100.00')
    expect(confirm).toContain('充值到用户账户')
    expect(confirm).toContain('充值方式微信支付')
    // nothing moves before the user confirms
    expect(creates()).toHaveLength(0)

    click(okButton())
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    expect(creates()).toEqual([
      {
        key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
        target: { kind: 'account' },
        amount: 10000,
        channel: 'wechat',
      },
    ])
    expect(requestPayment).toHaveBeenCalledWith({
      timeStamp: '1795398885',
      nonceStr: 'n0nce',
      package: 'prepay_id=wxR20261123095445000000001',
      signType: 'RSA',
      paySign: 'c2lnbg==',
    })
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/money/pages/recharge-result/index?orderNo=R20261123095445000000001',
    })
  })

  it('a cancelled WeChat cashier still goes to the result page, never to a success', async () => {
    process.env.TARO_ENV = 'weapp'
    jest.spyOn(Taro, 'requestPayment').mockRejectedValue({ errMsg: 'requestPayment:fail cancel' })
    serve()
    await open()
    await submit()
    click(okButton())
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    expect(String(navigateTo.mock.calls[0][0].url)).toContain('recharge-result')
    expect(text()).not.toContain('充值成功')
  })

  it('recharges a card in Alipay: only 已发行 cards can be picked, a custom amount in fen, a fresh auth code', async () => {
    process.env.TARO_ENV = 'alipay'
    const login = jest.spyOn(Taro, 'login').mockResolvedValue({ code: 'auth-code-1', errMsg: 'login:ok' })
    const tradePay = jest.fn().mockResolvedValue({ resultCode: '6004' })
    Object.assign(Taro, { tradePay })
    serve({ launch: 'alipay', summary: { channels: ['alipay'] } })
    await open()
    expect(text(find('.money-channel .etc-chips__chip--active'))).toBe('支付宝')

    click(find('.money-target-card'))
    await waitForText('浙C22222')
    const options = Array.from(document.querySelectorAll('.money-card-option'))
    expect(options.map((o) => text(o))).toEqual([
      expect.stringContaining('3301*****4421'),
      expect.stringContaining('已冻结，不可充值'),
      expect.stringContaining('3301*****8867'),
    ])
    expect(options[1].classList.contains('money-card-option--disabled')).toBe(true)
    click(options[1])
    // two cards receive: nothing is picked for the user
    click(find('.money-recharge__submit'))
    await waitForText('请选择要充值的ETC通行卡')
    expect(document.querySelector('.nut-dialog')).toBeNull()

    click(options[2])
    await waitFor(() => expect(options[2].classList.contains('money-card-option--selected')).toBe(true))
    await typeIn('.money-recharge__custom', '88.8')
    await waitFor(() => expect(document.querySelector('.money-presets .etc-chips__chip--active')).toBeNull())

    const confirm = await submit()
    expect(confirm).toContain('充值金额¥88.80')
    expect(confirm).toContain('充值到浙C22222 3301*****8867')
    expect(confirm).toContain('充值方式支付宝')
    click(okButton())
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    expect(creates()).toEqual([
      {
        key: expect.any(String),
        target: { kind: 'card', cardId: 'card-m3' },
        amount: 8880,
        channel: 'alipay',
        alipayAuthCode: 'auth-code-1',
      },
    ])
    expect(login).toHaveBeenCalledTimes(1)
    // 6004 (unknown) is no success: the result page asks the server
    expect(tradePay).toHaveBeenCalledWith({ tradeNO: '20261123220014000010001' })
    expect(String(navigateTo.mock.calls[0][0].url)).toContain('orderNo=R20261123095445000000001')
    delete (Taro as unknown as { tradePay?: unknown }).tradePay
  })

  it('充值并圈存: the card comes chosen, and the result page is told to load it after the payment', async () => {
    process.env.TARO_ENV = 'weapp'
    jest.spyOn(Taro, 'requestPayment').mockResolvedValue({ errMsg: 'requestPayment:ok' })
    serve()
    await mount(() => <RechargeView loadAfter={{ cardId: 'card-m3', transport: 'ble' }} />)
    await waitForText('浙C22222')
    // no account/card switch: this recharge is for the card to be loaded
    expect(document.querySelector('.money-recharge__target')).toBeNull()
    expect(text(find('.money-recharge__target-hint'))).toContain('支付成功后将继续圈存')
    await waitFor(() => expect(find('.money-card-option--selected').textContent).toContain('3301*****8867'))
    const confirm = await submit()
    expect(confirm).toContain('充值到浙C22222 3301*****8867')
    click(okButton())
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    expect(creates()).toEqual([
      {
        key: expect.any(String),
        target: { kind: 'card', cardId: 'card-m3' },
        amount: 10_000,
        channel: 'wechat',
      },
    ])
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/packages/money/pages/recharge-result/index?orderNo=R20261123095445000000001&then=load&cardId=card-m3&transport=ble',
    })
  })

  it('22:00–02:00: the notice stays, 立即充值 is disabled with the reason and nothing is sent', async () => {
    serve({ summary: { rechargeOpen: false } })
    await open()
    expect(text(find('.money-recharge__notice'))).toContain('22:00 至次日 2:00 不可进行充值服务')
    expect(text(find('.money-recharge__blocked'))).toBe(
      '当前为结算时段，暂停充值：22:00 至次日 2:00 不可进行充值服务',
    )
    const button = find('.money-recharge__submit')
    expect(button.className).toContain('nut-button-disabled')
    click(button)
    await new Promise((r) => setTimeout(r, 50))
    expect(document.querySelector('.nut-dialog')).toBeNull()
    expect(creates()).toHaveLength(0)
  })

  it('refuses amounts outside 0.01–100,000.00 and malformed ones before any dialog', async () => {
    serve()
    await open()
    const amountError = () => document.querySelector('.money-recharge__amount-error')?.textContent ?? null

    await typeIn('.money-recharge__custom', '0')
    await waitFor(() => expect(amountError()).toBe('充值金额最少0.01元'))
    click(find('.money-recharge__submit'))
    await typeIn('.money-recharge__custom', '100000.01')
    await waitFor(() => expect(amountError()).toBe('单笔充值金额最多100,000.00元'))
    await typeIn('.money-recharge__custom', '1.234')
    await waitFor(() => expect(amountError()).toBe('请输入正确的金额，最多两位小数'))
    click(find('.money-recharge__submit'))
    await new Promise((r) => setTimeout(r, 50))
    expect(document.querySelector('.nut-dialog')).toBeNull()

    // cleared: no preset, no amount
    await typeIn('.money-recharge__custom', '')
    await waitFor(() => expect(amountError()).toBe('请选择或输入充值金额'))

    await typeIn('.money-recharge__custom', '100,000.00')
    await waitFor(() => expect(amountError()).toBeNull())
    expect(await submit()).toContain('充值金额¥100,000.00')
    expect(creates()).toHaveLength(0)
  })

  it('reuses the idempotency key when the same recharge is retried after a lost answer, a new one after', async () => {
    process.env.TARO_ENV = 'weapp'
    jest.spyOn(Taro, 'requestPayment').mockResolvedValue({ errMsg: 'requestPayment:ok' })
    serve({ lostCreates: 1 })
    await open()

    await submit()
    click(okButton())
    await waitForText('网络异常，请检查网络后重试')
    expect(navigateTo).not.toHaveBeenCalled()

    await submit()
    click(okButton())
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(1))
    const [lost, retried] = creates()
    expect(retried).toEqual(lost)
    // the server answered the order the lost call had made
    expect(String(navigateTo.mock.calls[0][0].url)).toContain('orderNo=R20261123095445000000001')

    // another recharge is another intent
    click(find('.money-presets-20000'))
    await submit()
    click(okButton())
    await waitFor(() => expect(navigateTo).toHaveBeenCalledTimes(2))
    const third = creates()[2]
    expect(third.amount).toBe(20000)
    expect(third.key).not.toBe(lost.key)
  })

  it('a changed amount after a failure is a new intent with a new key', async () => {
    serve({ lostCreates: 1 })
    await open()
    await submit()
    click(okButton())
    await waitForText('网络异常，请检查网络后重试')
    click(find('.money-presets-5000'))
    await submit()
    click(okButton())
    await waitFor(() => expect(creates()).toHaveLength(2))
    expect(creates()[1].key).not.toBe(creates()[0].key)
    expect(creates()[1].amount).toBe(5000)
  })

  it('H5 with the local sandbox asks first, then POSTs to the cashier path and shows the result', async () => {
    const request = jest
      .spyOn(Taro, 'request')
      .mockResolvedValue({ statusCode: 200, data: {}, header: {}, errMsg: 'request:ok' } as never)
    serve({ launch: 'sandbox' })
    await open()
    await submit()
    click(okButton())
    await waitForText('使用本地沙箱模拟支付？')
    expect(request).not.toHaveBeenCalled()
    click(find('.money-sandbox-confirm .nut-dialog-footer-ok'))
    await waitFor(() => expect(navigateTo).toHaveBeenCalled())
    expect(request).toHaveBeenCalledWith(
      expect.objectContaining({ url: '/sandbox/cashier/R20261123095445000000001', method: 'POST' }),
    )
    expect(String(navigateTo.mock.calls[0][0].url)).toContain('orderNo=R20261123095445000000001')
  })

  it("shows the server's refusal (the window closed meanwhile) and refreshes the summary", async () => {
    serve({}, { 'recharge.create': { error: 'RECHARGE_CLOSED' } })
    await open()
    const summaries = () => payloadsOf(jest.mocked(send).mock.calls, 'money.summary').length
    const before = summaries()
    await submit()
    click(okButton())
    await waitForText('22:00 至次日 2:00 不可进行充值服务，请在 2:00 后再试')
    await waitFor(() => expect(summaries()).toBe(before + 1))
    expect(navigateTo).not.toHaveBeenCalled()
  })

  it('names the automatic allocation when the account has exactly one stored-value card', async () => {
    serve({ summary: { storedCards: 1, receivingCards: 1 } })
    await open()
    expect(text(find('.money-recharge__target-hint'))).toContain(
      '名下仅有一辆储值卡车辆，充值完成后将自动分配到该车辆的ETC通行卡',
    )
    expect(await submit()).toContain('支付成功后将自动分配到名下唯一储值卡车辆的ETC通行卡')
  })
})
