import { waitFor } from '@testing-library/dom'
import Taro from '@tarojs/taro'
import type { ApiEnvelope } from '../../../../../types'
import type { OutletRechargeStatus, OutletRechargeView } from '../../../../../types/actions/outlet'
import { fen } from '../../../../../types/money'
import { CardLinkError } from '../../../../ble/errors'
import { ApiError } from '../../../../services/api/errors'
import { send } from '../../../../services/api/transport'
import { fakeSend, payloadsOf, type FakeAnswers } from '../../../../testing/fake-api'
import { operatorLogin, operatorProfile } from '../../../../testing/operator-fixtures'
import { click, find, mount, text, typeIn, waitForText } from '../../../../testing/render'
import { CREDIT_CARD_REFUSED } from '../../../load/flow'
import { saveOperatorSession } from '../../../operator/shared/session'
import { qrOf } from '../../components/pay-code/qr'
import type { OutletCardReading } from '../../recharge/cardInfo'
import { outletCardReader } from '../../recharge/readCard'
import { NOT_OUTLET } from '../../shared/useOutletSession'
import { RechargeView } from '.'

jest.mock('../../../../services/api/transport', () => ({ send: jest.fn(), initTransport: jest.fn() }))
// the card in the outlet's device: the page reaches it only through this module
jest.mock('../../recharge/readCard', () => ({ outletCardReader: jest.fn() }))

const DEVICE = 'C8:47:8C:00:12:34'
const CARD_NO = '33010123456789012345'

const stored: OutletCardReading = {
  cardNo: CARD_NO,
  maskedCardNo: '3301*****2345',
  plate: '浙AD35288',
  plateColor: '渐变绿',
  cardType: '储值卡',
  refusal: null,
  balance: fen(12_345),
}

/** The card readings the device gives, one per 【读卡】 (the last one repeats). */
function cardReads(...readings: Array<OutletCardReading | Error>): jest.Mock {
  let n = 0
  const reader = jest.fn(() => {
    const r = readings[Math.min(n++, readings.length - 1)]
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r)
  })
  jest.mocked(outletCardReader).mockReturnValue(reader)
  return reader
}

/** An outlet's intents as the server keeps them: one per key, the status as the test moves it. */
function outletServer(answers: FakeAnswers = {}) {
  const intents = new Map<string, OutletRechargeView>()
  const statuses: OutletRechargeStatus[] = []
  const create = (payload: unknown) => {
    const p = payload as { key: string; cardNo: string; amount: number }
    let view = intents.get(p.key)
    if (!view) {
      const intentId = `orc-${intents.size + 1}`
      view = {
        intentId,
        cardNo: `${p.cardNo.slice(0, 4)}*****${p.cardNo.slice(-4)}`,
        plate: '浙AD35288',
        plateColor: '渐变绿',
        amount: fen(p.amount),
        status: 'awaiting',
        orderNo: null,
        expiresAt: '2026-12-02T04:35:00.000Z', // 12:35:00 in Shanghai
        path: `/packages/outlet/pages/pay/index?intent=${intentId}`,
      }
      intents.set(p.key, view)
    }
    return { data: view }
  }
  const status = (payload: unknown) => {
    const { intentId } = payload as { intentId: string }
    const view = [...intents.values()].find((v) => v.intentId === intentId)
    if (!view) return { error: 'NOT_FOUND' as const }
    const next = statuses.shift()
    if (next) view.status = next
    return { data: { ...view, orderNo: view.status === 'awaiting' ? null : 'R1' } }
  }
  const fake = fakeSend({ 'outlet.recharge.create': create, 'outlet.recharge.status': status, ...answers })
  jest.mocked(send).mockImplementation((envelope: ApiEnvelope) => fake(envelope))
  return {
    /** the statuses the next outlet.recharge.status calls answer, in order */
    then: (...next: OutletRechargeStatus[]) => statuses.push(...next),
  }
}

const creates = () => payloadsOf(jest.mocked(send).mock.calls, 'outlet.recharge.create')
const statusCalls = () => payloadsOf(jest.mocked(send).mock.calls, 'outlet.recharge.status')
const tokens = () => jest.mocked(send).mock.calls.map(([, token]) => token)

let redirectTo: jest.SpyInstance

beforeEach(() => {
  localStorage.clear()
  jest.mocked(send).mockReset()
  jest.mocked(outletCardReader).mockReset()
  process.env.TARO_ENV = 'h5'
  const login = operatorLogin({
    operator: {
      ...operatorProfile,
      loginName: 'outlet-demo',
      name: '网点操作员',
      roles: ['outlet'],
      outletId: 'outlet-1',
    },
  })
  saveOperatorSession({ token: login.token, expiresAt: login.expiresAt, operator: login.operator })
  redirectTo = jest.spyOn(Taro, 'redirectTo').mockResolvedValue({ errMsg: 'redirectTo:ok' })
})

afterEach(() => {
  process.env.TARO_ENV = 'h5'
  jest.restoreAllMocks()
})

async function open(pollMs = 60_000): Promise<void> {
  await mount(() => <RechargeView deviceId={DEVICE} pollMs={pollMs} />)
}

/** 在线支付 with `yuan`, then the confirmation dialog's text. */
async function payWith(yuan: string): Promise<string> {
  await typeIn('.outlet-recharge__amount', yuan)
  await waitFor(() => expect(document.querySelector('.nut-dialog')).toBeNull())
  click(find('.outlet-recharge__pay'))
  await waitFor(() =>
    expect(document.querySelector('.outlet-recharge-confirm .nut-dialog-footer-ok')).not.toBeNull(),
  )
  return text(find('.nut-dialog'))
}

const confirmDialog = () => click(find('.outlet-recharge-confirm .nut-dialog-footer-ok'))

describe('用户卡充值', () => {
  it('reads the card on the picked device on open, and again on 【读卡】', async () => {
    outletServer()
    const reader = cardReads(stored, { ...stored, balance: fen(12_400) })
    await open()
    await waitForText('¥123.45')
    expect(outletCardReader).toHaveBeenCalledWith(DEVICE)
    const card = text(find('.outlet-recharge__card'))
    expect(card).toContain('车牌浙AD35288渐变绿牌')
    expect(card).toContain('卡号3301*****2345')
    expect(card).toContain('卡类型储值卡')
    expect(card).toContain('充值前余额¥123.45')
    expect(card).not.toContain(CARD_NO)

    click(find('.outlet-recharge__read'))
    await waitForText('¥124.00')
    expect(reader).toHaveBeenCalledTimes(2)
  })

  it('says why a reading failed and reads again on 【读卡】', async () => {
    outletServer()
    cardReads(new CardLinkError('BLE_DISCONNECTED', 'link lost'), stored)
    await open()
    await waitFor(() => expect(document.querySelector('.outlet-recharge__read-error')).not.toBeNull())
    expect(text(find('.outlet-recharge__read-error'))).toBe(new CardLinkError('BLE_DISCONNECTED').message)
    click(find('.outlet-recharge__read'))
    await waitForText('¥123.45')
    expect(document.querySelector('.outlet-recharge__read-error')).toBeNull()
  })

  it('refuses a credit card: its details show, no code can be made', async () => {
    outletServer()
    cardReads({ ...stored, cardType: '记账卡', refusal: CREDIT_CARD_REFUSED })
    await open()
    await waitForText(CREDIT_CARD_REFUSED)
    expect(text(find('.outlet-recharge__card'))).toContain('卡类型记账卡')
    click(find('.outlet-recharge__pay'))
    expect(document.querySelector('.nut-dialog')).toBeNull()
    expect(creates()).toHaveLength(0)
  })

  it('checks the amount in yuan: at most 100,000.00, and none at all is asked for', async () => {
    outletServer()
    cardReads(stored)
    await open()
    await waitForText('¥123.45')
    expect(text(find('.outlet-recharge__form'))).toContain('单笔充值金额 0.01–100,000.00 元')
    click(find('.outlet-recharge__pay'))
    await waitForText('请输入充值金额')
    await typeIn('.outlet-recharge__amount', '100000.01')
    await waitForText('单笔充值金额最多100,000.00元')
    click(find('.outlet-recharge__pay'))
    await typeIn('.outlet-recharge__amount', '12.345')
    await waitFor(() => expect(document.querySelector('.outlet-recharge__amount-error')).not.toBeNull())
    expect(document.querySelector('.nut-dialog')).toBeNull()
    expect(creates()).toHaveLength(0)
  })

  it('在线支付: confirm first, then the code with amount, expiry and status; once paid, on to writing the card', async () => {
    const server = outletServer()
    const reader = cardReads(stored)
    await open()
    await waitForText('¥123.45')

    const dialog = await payWith('100000')
    expect(dialog).toContain('向 浙AD35288 卡（3301*****2345）充值 100,000.00 元？')
    // no code before the operator confirms
    expect(creates()).toHaveLength(0)
    confirmDialog()
    await waitForText('请客户使用微信或支付宝扫码支付')
    expect(creates()).toEqual([
      { key: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/), cardNo: CARD_NO, amount: 10_000_000 },
    ])
    expect(new Set(tokens())).toEqual(new Set(['op.operator-token']))

    const code = text(find('.outlet-recharge__code'))
    expect(code).toContain('充值金额¥100,000.00')
    expect(code).toContain('充值卡片浙AD35288 3301*****2345')
    expect(code).toContain('有效期至2026-12-02 12:35:00')
    expect(code).toContain('支付状态等待客户扫码支付')
    expect(code).toContain('支付过程中请勿退出用户卡充值界面！')
    // the code holds the H5 link of the customer's pay page, shown under it too
    const link = 'http://localhost/#/packages/outlet/pages/pay/index?intent=orc-1'
    expect(text(find('.pay-code__link'))).toBe(link)
    expect(Number(find('.pay-code__qr').getAttribute('data-modules'))).toBe(qrOf(link).size)
    // the amount and the card stay as they are while the code may be paid
    expect(document.querySelector('.outlet-recharge__amount')).toBeNull()
    click(find('.outlet-recharge__read'))
    expect(reader).toHaveBeenCalledTimes(1)

    // 【已完成支付】 before the customer paid: asked at once, the card is not written
    server.then('awaiting')
    click(find('.outlet-recharge__paid'))
    await waitForText('尚未收到客户的支付，请确认客户已扫码并完成支付')
    server.then('paying')
    click(find('.outlet-recharge__paid'))
    await waitForText('客户的支付尚未完成')
    expect(text(find('.outlet-recharge__status'))).toBe('客户正在支付')
    expect(redirectTo).not.toHaveBeenCalled()

    server.then('paid')
    click(find('.outlet-recharge__paid'))
    await waitFor(() => expect(redirectTo).toHaveBeenCalled())
    expect(redirectTo).toHaveBeenCalledWith({
      url: '/packages/outlet/pages/card/index?task=recharge&intentId=orc-1&deviceId=C8%3A47%3A8C%3A00%3A12%3A34',
    })
    expect(statusCalls()).toEqual([{ intentId: 'orc-1' }, { intentId: 'orc-1' }, { intentId: 'orc-1' }])
  })

  it('polls the status while the code is shown and moves on by itself once paid', async () => {
    const server = outletServer()
    cardReads(stored)
    await open(40)
    await waitForText('¥123.45')
    await payWith('500')
    server.then('awaiting', 'paying', 'paid')
    confirmDialog()
    await waitFor(() => expect(redirectTo).toHaveBeenCalled(), { timeout: 3_000 })
    expect(String(redirectTo.mock.calls[0][0].url)).toContain('task=recharge&intentId=orc-1')
    expect(statusCalls().length).toBeGreaterThanOrEqual(3)
    expect(creates()).toEqual([expect.objectContaining({ amount: 50_000 })])
  })

  it('a lost answer is retried with the same key; an expired code is made again under a new one', async () => {
    let lost = 1
    const server = outletServer()
    const fake = jest.mocked(send).getMockImplementation()!
    jest.mocked(send).mockImplementation((envelope: ApiEnvelope, token: string | null) => {
      if (envelope.action === 'outlet.recharge.create' && lost > 0) {
        lost -= 1
        // the server made the intent; only its answer was lost
        void fake(envelope, token)
        return Promise.reject(ApiError.network())
      }
      return fake(envelope, token)
    })
    cardReads(stored)
    await open()
    await waitForText('¥123.45')
    await payWith('200')
    confirmDialog()
    await waitForText(ApiError.network().message)
    expect(document.querySelector('.pay-code')).toBeNull()

    await waitFor(() => expect(document.querySelector('.nut-dialog')).toBeNull())
    click(find('.outlet-recharge__pay'))
    await waitFor(() =>
      expect(document.querySelector('.outlet-recharge-confirm .nut-dialog-footer-ok')).not.toBeNull(),
    )
    confirmDialog()
    await waitForText('等待客户扫码支付')
    const [first, retry] = creates()
    expect(retry).toEqual(first)
    expect(text(find('.pay-code__link'))).toContain('intent=orc-1')

    server.then('closed')
    click(find('.outlet-recharge__paid'))
    await waitForText('支付码已过期或订单已关闭，请重新生成')
    expect(find('.pay-code').className).toContain('pay-code--dimmed')
    click(find('.outlet-recharge__regenerate'))
    await waitFor(() =>
      expect(document.querySelector('.outlet-recharge-confirm .nut-dialog-footer-ok')).not.toBeNull(),
    )
    confirmDialog()
    await waitForText('intent=orc-2')
    const third = creates()[2]
    expect(third).toEqual({ ...first, key: expect.any(String) })
    expect(third.key).not.toBe(first.key)
  })

  it('in WeChat: the code links under the registered prefix, and leaving asks first while it may be paid', async () => {
    process.env.TARO_ENV = 'weapp'
    const enable = jest.fn()
    const disable = jest.fn()
    Object.assign(Taro, { enableAlertBeforeUnload: enable, disableAlertBeforeUnload: disable })
    const server = outletServer()
    cardReads(stored)
    await open()
    await waitForText('¥123.45')
    await payWith('50')
    expect(enable).not.toHaveBeenCalled()
    confirmDialog()
    await waitForText('等待客户扫码支付')
    expect(text(find('.pay-code__link'))).toBe(
      'https://etc-app.example.invalid/mp/packages/outlet/pages/pay/index?intent=orc-1',
    )
    await waitFor(() =>
      expect(enable).toHaveBeenCalledWith({ message: '支付过程中请勿退出用户卡充值界面！确定离开吗？' }),
    )
    server.then('closed')
    click(find('.outlet-recharge__paid'))
    await waitForText('支付码已过期或订单已关闭')
    await waitFor(() => expect(disable).toHaveBeenCalled())
  })

  it("shows the server's refusal and makes no code", async () => {
    outletServer({
      'outlet.recharge.create': { error: 'CARD_CANNOT_RECEIVE', message: '该储值卡不是已发行状态，无法充值' },
    })
    cardReads(stored)
    await open()
    await waitForText('¥123.45')
    await payWith('50')
    confirmDialog()
    await waitForText('该储值卡不是已发行状态，无法充值')
    expect(document.querySelector('.pay-code')).toBeNull()
  })

  it('an operator without the outlet role reads no card', async () => {
    outletServer()
    const reader = cardReads(stored)
    const login = operatorLogin()
    saveOperatorSession({ token: login.token, expiresAt: login.expiresAt, operator: login.operator })
    await open()
    await waitForText(NOT_OUTLET)
    expect(reader).not.toHaveBeenCalled()
    expect(jest.mocked(send)).not.toHaveBeenCalled()
  })
})
