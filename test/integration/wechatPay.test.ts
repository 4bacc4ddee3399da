/**
 * The WeChat Pay gateway through the REAL wx-server-sdk (cloud.cloudPay → @cloudbase/node-sdk →
 * request()), with only request() replaced: the CloudBase emulator's WeChat Pay merchant answers.
 */
import {
  parseWechatPayNotification,
  wechatPayCallbackSource,
} from '../../cloudfunctions/adapters/wechatPay/notification'
import { WechatPayGateway } from '../../cloudfunctions/adapters/wechatPay/wechatPayGateway'
import {
  PaymentProviderError,
  type CreatePayment,
  type PaymentNotification,
} from '../../cloudfunctions/ports/payments'
import { fen } from '../../types/money'
import { openEmulatedCloudPay, type CloudPayEmulator } from '../../tools/cloudbase-emulator/cloudPay'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { unregisterEmulator } from '../../tools/cloudbase-emulator/install'

let now: Date
let emulator: CloudbaseEmulator
let merchant: CloudPayEmulator
let gateway: WechatPayGateway

beforeEach(() => {
  now = new Date('2026-03-01T10:00:00+08:00')
  const opened = openEmulatedCloudPay({ now: () => now })
  emulator = opened.emulator
  merchant = opened.merchant
  gateway = new WechatPayGateway(opened.cloudPay, { subMchId: merchant.subMchId, envId: emulator.envId })
})

afterEach(() => unregisterEmulator(emulator))

function order(orderNo: string, amount = 12345): CreatePayment {
  return {
    orderNo,
    amount: fen(amount),
    description: 'ETC 充值',
    payerId: 'o-payer-openid',
    expiresAt: new Date(now.getTime() + 30 * 60_000),
    clientIp: '10.0.0.8',
  }
}

async function rejection(promise: Promise<unknown>): Promise<PaymentProviderError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof PaymentProviderError) return error
    throw error
  }
  throw new Error('expected a PaymentProviderError')
}

describe('orders through cloudPay', () => {
  test('unifiedOrder answers wx.requestPayment parameters for the order the merchant now holds', async () => {
    const launch = await gateway.create(order('R20260301000001'))
    const held = merchant.order('R20260301000001')
    expect(held).toMatchObject({
      amount: 12345,
      state: 'NOTPAY',
      payerOpenid: 'o-payer-openid',
      notify: { envId: emulator.envId, functionName: 'payNotify' },
      description: 'ETC 充值',
    })
    expect(held?.expiresAt?.toISOString()).toBe('2026-03-01T02:30:00.000Z')
    if (launch.provider !== 'wechat') throw new Error('not a WeChat launch')
    expect(launch.payment.package).toBe(`prepay_id=${held?.prepayId}`)
    expect(launch.payment.signType).toBe('MD5')
    expect(launch.payment.paySign).toMatch(/^[0-9A-F]{32}$/)
    expect(launch.payment.timeStamp).toBe(String(Math.floor(now.getTime() / 1000)))
  })

  test('query: unpaid, then paid with amount, transaction id, time and merchant', async () => {
    await gateway.create(order('R1'))
    expect(await gateway.query('R1')).toEqual({ state: 'unpaid' })
    const paid = merchant.pay('R1', { at: new Date('2026-03-01T10:05:07.250+08:00') })
    expect(await gateway.query('R1')).toEqual({
      state: 'paid',
      amount: 12345,
      providerTradeNo: paid.transactionId,
      paidAt: new Date('2026-03-01T10:05:07+08:00'),
      merchantId: merchant.subMchId,
    })
  })

  test('amounts on the wire as numbers read the same as strings', async () => {
    merchant.wireAmounts = 'number'
    await gateway.create(order('R2', 1))
    merchant.pay('R2')
    expect(await gateway.query('R2')).toMatchObject({ state: 'paid', amount: 1 })
  })

  test('an order WeChat never saw is not_found', async () => {
    expect(await gateway.query('NEVER')).toEqual({ state: 'not_found' })
  })

  test('close: an unpaid order closes (twice is fine) and can no longer be paid', async () => {
    await gateway.create(order('R3'))
    await gateway.close('R3')
    await gateway.close('R3')
    expect(await gateway.query('R3')).toEqual({ state: 'closed' })
    expect(merchant.order('R3')?.state).toBe('CLOSED')
    expect(() => merchant.pay('R3')).toThrow(/CLOSED/)
  })

  test('close refuses a paid order, which stays paid', async () => {
    await gateway.create(order('R4'))
    merchant.pay('R4')
    const error = await rejection(gateway.close('R4'))
    expect(error.kind).toBe('rejected')
    expect(error.providerCode).toBe('ORDERPAID')
    expect(merchant.order('R4')?.state).toBe('SUCCESS')
  })

  test('unifiedOrder again for a paid order is refused (ORDERPAID recovered from err_code_des)', async () => {
    await gateway.create(order('R5'))
    merchant.pay('R5')
    const error = await rejection(gateway.create(order('R5')))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'ORDERPAID' })
  })
})

describe('refunds', () => {
  const refund = (refundNo: string, amount: number) => ({
    orderNo: 'P1',
    refundNo,
    total: fen(12345),
    amount: fen(amount),
    reason: '对账无订单',
  })

  beforeEach(async () => {
    await gateway.create(order('P1'))
    merchant.pay('P1')
  })

  test('the same refund number twice refunds once', async () => {
    const first = await gateway.refund(refund('RF1', 12345))
    const second = await gateway.refund(refund('RF1', 12345))
    expect(first).toEqual({ state: 'accepted', refundNo: 'RF1', amount: 12345 })
    expect(second).toEqual(first)
    expect(merchant.order('P1')?.refunds.map((r) => [r.refundNo, r.amount])).toEqual([['RF1', 12345]])
    expect(await gateway.query('P1')).toMatchObject({ state: 'refunded', amount: 12345 })
  })

  test('more than was paid, or another amount under the same number, is rejected and refunds nothing', async () => {
    await gateway.refund(refund('RF1', 10000))
    expect(await rejection(gateway.refund(refund('RF1', 9000)))).toMatchObject({ kind: 'rejected' })
    expect(await rejection(gateway.refund(refund('RF2', 2346)))).toMatchObject({ kind: 'rejected' })
    expect(merchant.order('P1')?.refunds.map((r) => r.amount)).toEqual([10000])
  })

  test('an unpaid order cannot be refunded', async () => {
    await gateway.create(order('U1'))
    const error = await rejection(gateway.refund({ ...refund('RF9', 100), orderNo: 'U1' }))
    expect(error.kind).toBe('rejected')
    expect(merchant.order('U1')?.refunds).toEqual([])
  })
})

describe('downloadBill', () => {
  test("the day's bill is parsed into statement lines (payments and refunds, Beijing time)", async () => {
    const allDay = { expiresAt: new Date('2026-03-02T00:00:00+08:00') }
    await gateway.create({ ...order('D1', 5000), ...allDay })
    await gateway.create({ ...order('D2', 20000), ...allDay })
    const one = merchant.pay('D1', { at: new Date('2026-03-01T00:00:01+08:00') })
    const two = merchant.pay('D2', { at: new Date('2026-03-01T23:59:59+08:00') })
    now = new Date('2026-03-01T12:00:00+08:00')
    await gateway.refund({
      orderNo: 'D2',
      refundNo: 'RF-D2',
      total: fen(20000),
      amount: fen(1999),
      reason: 'x',
    })
    // paid on 2 March Beijing time even though it is still 1 March in UTC
    await gateway.create({ ...order('D3', 700), expiresAt: new Date('2026-03-02T08:00:00+08:00') })
    merchant.pay('D3', { at: new Date('2026-03-02T07:00:00+08:00') })

    const lines = await gateway.statement('2026-03-01')
    expect(lines).toEqual([
      {
        provider: 'wechat',
        orderNo: 'D1',
        providerTradeNo: one.transactionId,
        kind: 'payment',
        amount: 5000,
        at: '2026-03-01T00:00:01+08:00',
        merchantId: merchant.subMchId,
      },
      {
        provider: 'wechat',
        orderNo: 'D2',
        providerTradeNo: two.transactionId,
        kind: 'refund',
        amount: 1999,
        at: '2026-03-01T12:00:00+08:00',
        merchantId: merchant.subMchId,
        refundNo: 'RF-D2',
      },
      {
        provider: 'wechat',
        orderNo: 'D2',
        providerTradeNo: two.transactionId,
        kind: 'payment',
        amount: 20000,
        at: '2026-03-01T23:59:59+08:00',
        merchantId: merchant.subMchId,
      },
    ])
    expect((await gateway.statement('2026-03-02')).map((l) => l.orderNo)).toEqual(['D3'])
  })

  test('a day without trades is an empty statement; a bill still being made is unavailable', async () => {
    expect(await gateway.statement('2026-02-27')).toEqual([])
    merchant.failNext('downloadBill', { kind: 'return', message: 'Bill Creating' })
    expect(await rejection(gateway.statement('2026-02-28'))).toMatchObject({ kind: 'unavailable' })
  })
})

describe('provider failures', () => {
  test.each([
    ['a network failure', { kind: 'network' } as const, 'unavailable'],
    ['CloudBase SYS_ERR', { kind: 'tcb', code: 'SYS_ERR' } as const, 'unavailable'],
    ['CloudBase EXCEED_REQUEST_LIMIT', { kind: 'tcb', code: 'EXCEED_REQUEST_LIMIT' } as const, 'unavailable'],
    ['CloudBase INVALID_PARAM', { kind: 'tcb', code: 'INVALID_PARAM' } as const, 'rejected'],
    ['return_code FAIL', { kind: 'return', message: '签名错误' } as const, 'rejected'],
    [
      'SYSTEMERROR',
      { kind: 'result', errCode: 'SYSTEMERROR', errCodeDes: '系统错误' } as const,
      'unavailable',
    ],
    ['NOAUTH', { kind: 'result', errCode: 'NOAUTH', errCodeDes: '商户无此接口权限' } as const, 'rejected'],
  ])('%s → %s, and the next call works', async (_name, fault, kind) => {
    merchant.failNext('unifiedOrder', fault)
    const error = await rejection(gateway.create(order('F1')))
    expect(error.kind).toBe(kind)
    expect(merchant.order('F1')).toBeUndefined()
    await gateway.create(order('F1'))
    expect(merchant.order('F1')?.state).toBe('NOTPAY')
  })

  test('a failing query is unavailable, never "not found" or "unpaid"', async () => {
    await gateway.create(order('F2'))
    merchant.failNext('queryOrder', { kind: 'network' })
    expect(await rejection(gateway.query('F2'))).toMatchObject({ kind: 'unavailable' })
  })
})

describe('payNotify events', () => {
  async function paidOrder(orderNo: string): Promise<PaymentNotification> {
    await gateway.create(order(orderNo))
    const paid = merchant.pay(orderNo, { at: new Date('2026-03-01T10:01:02+08:00') })
    return {
      provider: 'wechat',
      orderNo,
      providerTradeNo: paid.transactionId ?? '',
      amount: fen(12345),
      merchantId: merchant.subMchId,
      success: true,
      paidAt: new Date('2026-03-01T10:01:02+08:00'),
    }
  }

  test('camelCase and snake_case, amounts as numbers or strings, parse to the same notification', async () => {
    const expected = await paidOrder('N1')
    for (const casing of ['camel', 'snake'] as const) {
      for (const amountAs of ['number', 'string'] as const) {
        const event = merchant.callbackEvent('N1', { casing, amountAs })
        expect(parseWechatPayNotification(event, wechatPayCallbackSource)).toEqual({
          ok: true,
          notification: expected,
        })
      }
    }
    expect(merchant.callbackEvent('N1', { casing: 'snake' })).toHaveProperty('out_trade_no', 'N1')
    expect(merchant.callbackEvent('N1', { casing: 'camel' })).toHaveProperty('outTradeNo', 'N1')
  })

  test.each([undefined, '', 'wx_client', 'wx_http', 'scf', 'wx_paycallback,scf', 'WX_PAYCALLBACK'])(
    'SOURCE %p is not the payment callback',
    async (source) => {
      await paidOrder('N2')
      const result = parseWechatPayNotification(merchant.callbackEvent('N2'), source)
      expect(result).toMatchObject({ ok: false, refusal: 'WRONG_SOURCE' })
    },
  )

  test.each<[string, (event: Record<string, unknown>) => unknown]>([
    ['not an object', () => 'outTradeNo=N3'],
    ['null', () => null],
    ['an array', (e) => [e]],
    ['no order number', ({ outTradeNo: _o, ...e }) => e],
    ['no amount', ({ totalFee: _t, ...e }) => e],
    ['no merchant', ({ subMchId: _s, ...e }) => e],
    ['no transaction id', ({ transactionId: _t, ...e }) => e],
    ['no return code', ({ returnCode: _r, ...e }) => e],
    ['no time', ({ timeEnd: _t, ...e }) => e],
    ['yuan instead of fen', (e) => ({ ...e, totalFee: '123.45' })],
    ['a float amount', (e) => ({ ...e, totalFee: 123.45 })],
    ['a zero amount', (e) => ({ ...e, totalFee: 0 })],
    ['a negative amount', (e) => ({ ...e, totalFee: -12345 })],
    ['an amount with a sign', (e) => ({ ...e, totalFee: '+12345' })],
    ['an impossible date', (e) => ({ ...e, timeEnd: '20260230120000' })],
    ['an ISO time', (e) => ({ ...e, timeEnd: '2026-03-01T10:01:02+08:00' })],
    ['an unknown result code', (e) => ({ ...e, resultCode: 'OK' })],
    ['a number as order number', (e) => ({ ...e, outTradeNo: 12345 })],
    ['casings that disagree', (e) => ({ ...e, total_fee: 1 })],
  ])('%s is refused as MALFORMED', async (_name, change) => {
    await paidOrder('N3')
    const result = parseWechatPayNotification(change(merchant.callbackEvent('N3')), wechatPayCallbackSource)
    expect(result).toMatchObject({ ok: false, refusal: 'MALFORMED' })
  })

  test('both casings present and agreeing (number and string) is one value', async () => {
    const expected = await paidOrder('N4')
    const event = {
      ...merchant.callbackEvent('N4'),
      ...merchant.callbackEvent('N4', { casing: 'snake', amountAs: 'string' }),
    }
    expect(parseWechatPayNotification(event, wechatPayCallbackSource)).toEqual({
      ok: true,
      notification: expected,
    })
  })

  test('result_code FAIL is a notification that says "not paid"', async () => {
    await paidOrder('N5')
    const { transactionId: _t, timeEnd: _e, ...event } = merchant.callbackEvent('N5')
    const result = parseWechatPayNotification({ ...event, resultCode: 'FAIL' }, wechatPayCallbackSource)
    expect(result).toEqual({
      ok: true,
      notification: expect.objectContaining({
        orderNo: 'N5',
        success: false,
        paidAt: null,
        providerTradeNo: '',
      }),
    })
  })

  test('an event for another mini-program is WRONG_APP', async () => {
    await paidOrder('N6')
    const event = merchant.callbackEvent('N6')
    expect(parseWechatPayNotification(event, wechatPayCallbackSource, { appId: 'wx-other' })).toMatchObject({
      ok: false,
      refusal: 'WRONG_APP',
    })
    expect(
      parseWechatPayNotification(event, wechatPayCallbackSource, { appId: merchant.subAppId }),
    ).toMatchObject({
      ok: true,
    })
  })

  test('no callback exists before the payer pays', async () => {
    await gateway.create(order('N7'))
    expect(() => merchant.callbackEvent('N7')).toThrow(/not paid/)
  })
})
