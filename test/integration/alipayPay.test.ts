/**
 * The Alipay payment gateway through the REAL alipay-sdk against the local Alipay sandbox
 * (tools/sandbox-alipay): an OpenAPI v2 gateway that verifies the app's RSA2 request signature
 * and signs its answers with a locally generated "Alipay" key the SDK must verify, the payer,
 * signed notifications and the bill archive (GBK CSV in a zip). Key pairs are generated per run.
 */
import { createPrivateKey } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AlipaySdk } from 'alipay-sdk'
import fc from 'fast-check'
import { AlipayPaymentGateway, type AlipayPayConfig } from '../../cloudfunctions/adapters/alipay/alipayPay'
import {
  alipayNotificationContent,
  parseAlipayNotification,
  parseAlipayNotificationBody,
} from '../../cloudfunctions/adapters/alipay/alipayNotification'
import {
  fenToYuan,
  parseAlipayBillArchive,
  parseAlipayTradeBill,
  readZip,
  yuanToFen,
} from '../../cloudfunctions/adapters/alipay/alipayStatement'
import {
  PaymentProviderError,
  type CreatePayment,
  type PaymentNotification,
} from '../../cloudfunctions/ports/payments'
import { fen, type Fen } from '../../types/money'
import { encodeGbk, writeZip } from '../../tools/sandbox-alipay/archive'
import { yuanText } from '../../tools/sandbox-alipay/bill'
import { signAsAlipay } from '../../tools/sandbox-alipay/openapi'
import { AlipaySandbox } from '../../tools/sandbox-alipay/sandbox'

const notifyUrl = 'https://env-test.service.tcloudbase.com/alipayNotify'
const buyerId = '2088102150477652'
const start = new Date('2026-03-01T10:00:00+08:00')

let now = start
let sandbox: AlipaySandbox
let counter = 0

beforeAll(async () => {
  sandbox = await AlipaySandbox.start({ now: () => now })
})

afterAll(() => sandbox.stop())

beforeEach(() => {
  now = start
  sandbox.responseMode = 'genuine'
  sandbox.delayMs = 0
  sandbox.requests.length = 0
})

function gateway(overrides: Partial<AlipayPayConfig> = {}): AlipayPaymentGateway {
  return new AlipayPaymentGateway({ ...sandbox.config(), notifyUrl, ...overrides })
}

/** A fresh order number per call: the sandbox keeps its trades for the whole file. */
function orderNo(prefix = 'A'): string {
  counter += 1
  return `${prefix}${String(counter).padStart(8, '0')}`
}

function order(no: string, amount = 12345, extra: Partial<CreatePayment> = {}): CreatePayment {
  return {
    orderNo: no,
    amount: fen(amount),
    description: 'ETC 充值',
    payerId: buyerId,
    expiresAt: new Date(now.getTime() + 30 * 60_000),
    ...extra,
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

const bizOf = (request: { params: Record<string, string> }) =>
  JSON.parse(request.params.biz_content) as Record<string, unknown>

describe('orders through alipay-sdk', () => {
  test('alipay.trade.create opens the trade my.tradePay needs, signed and verified both ways', async () => {
    const no = orderNo()
    const launch = await gateway().create(order(no))
    const held = sandbox.trade(no)
    expect(launch).toEqual({ provider: 'alipay', tradeNo: held?.tradeNo })
    expect(held).toMatchObject({
      amount: 12345,
      subject: 'ETC 充值',
      buyer: { buyer_id: buyerId },
      status: 'WAIT_BUYER_PAY',
      notifyUrl,
      expiresAt: new Date('2026-03-01T10:30:00+08:00'),
    })
    expect(sandbox.requests).toHaveLength(1)
    const [request] = sandbox.requests
    expect(request.verified).toBe(true)
    expect(request.params).toMatchObject({
      method: 'alipay.trade.create',
      app_id: sandbox.appId,
      sign_type: 'RSA2',
      charset: 'utf-8',
      version: '1.0',
      notify_url: notifyUrl,
    })
    expect(bizOf(request)).toEqual({
      out_trade_no: no,
      total_amount: '123.45',
      subject: 'ETC 充值',
      product_code: 'JSAPI_PAY',
      buyer_id: buyerId,
      time_expire: '2026-03-01 10:30:00',
    })
  })

  test('an app switched to OpenID pays as buyer_open_id', async () => {
    const no = orderNo()
    await gateway().create(order(no, 1, { payerId: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' }))
    expect(sandbox.trade(no)?.buyer).toEqual({
      buyer_open_id: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5',
    })
    expect(bizOf(sandbox.requests[0]).total_amount).toBe('0.01')
  })

  test('create again for the same unpaid order is the same trade; another amount is refused', async () => {
    const no = orderNo()
    const first = await gateway().create(order(no))
    expect(await gateway().create(order(no))).toEqual(first)
    const error = await rejection(gateway().create(order(no, 12346)))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'ACQ.CONTEXT_INCONSISTENT' })
    expect(sandbox.trade(no)?.amount).toBe(12345)
  })

  test('query: unpaid, then paid with amount, trade number, payment time and merchant', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    expect(await gateway().query(no)).toEqual({ state: 'unpaid' })
    sandbox.pay(no, { at: new Date('2026-03-01T10:05:07.250+08:00') })
    expect(await gateway().query(no)).toEqual({
      state: 'paid',
      amount: 12345,
      providerTradeNo: sandbox.trade(no)?.tradeNo,
      paidAt: new Date('2026-03-01T10:05:07+08:00'),
      merchantId: sandbox.sellerId,
    })
  })

  test('a trade past its refund period (TRADE_FINISHED) is still paid', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    sandbox.pay(no)
    sandbox.finish(no)
    expect(await gateway().query(no)).toMatchObject({ state: 'paid', amount: 12345 })
  })

  test('an order Alipay never saw is not_found', async () => {
    expect(await gateway().query('NEVER-CREATED')).toEqual({ state: 'not_found' })
  })

  test('close: an unpaid trade closes (twice is fine) and can no longer be paid', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    await gateway().close(no)
    await gateway().close(no)
    expect(await gateway().query(no)).toEqual({ state: 'closed' })
    expect(sandbox.trade(no)?.status).toBe('TRADE_CLOSED')
    expect(() => sandbox.pay(no)).toThrow(/TRADE_CLOSED/)
    const again = await rejection(gateway().create(order(no)))
    expect(again).toMatchObject({ kind: 'rejected', providerCode: 'ACQ.TRADE_HAS_CLOSE' })
  })

  test('close of an order never created at Alipay is fine', async () => {
    await expect(gateway().close('NEVER-CREATED')).resolves.toBeUndefined()
  })

  test('an unpaid trade past time_expire is closed by Alipay', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    now = new Date('2026-03-01T10:30:00+08:00')
    expect(await gateway().query(no)).toEqual({ state: 'closed' })
    await gateway().close(no)
    expect(() => sandbox.pay(no)).toThrow(/TRADE_CLOSED/)
  })

  test('close refuses a paid trade, which stays paid', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    sandbox.pay(no)
    const error = await rejection(gateway().close(no))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'ACQ.TRADE_STATUS_ERROR' })
    expect(sandbox.trade(no)?.status).toBe('TRADE_SUCCESS')
    expect(await gateway().query(no)).toMatchObject({ state: 'paid' })
  })

  test('create again for a paid order is refused', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    sandbox.pay(no)
    const error = await rejection(gateway().create(order(no)))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'ACQ.TRADE_HAS_SUCCESS' })
  })

  test('a non-integer amount never reaches the wire', async () => {
    const no = orderNo()
    await expect(gateway().create({ ...order(no), amount: 1.5 as Fen })).rejects.toThrow(/整数分/)
    expect(sandbox.requests).toHaveLength(0)
  })
})

describe('refunds', () => {
  const refund = (no: string, refundNo: string, amount: number) => ({
    orderNo: no,
    refundNo,
    total: fen(12345),
    amount: fen(amount),
    reason: '对账无订单',
  })

  async function paid(): Promise<string> {
    const no = orderNo('P')
    await gateway().create(order(no))
    sandbox.pay(no)
    return no
  }

  test('the same refund number twice refunds once', async () => {
    const no = await paid()
    const first = await gateway().refund(refund(no, 'RF1', 12345))
    const second = await gateway().refund(refund(no, 'RF1', 12345))
    expect(first).toEqual({ state: 'succeeded', refundNo: 'RF1', amount: 12345 })
    expect(second).toEqual(first)
    expect(sandbox.trade(no)?.refunds.map((r) => [r.refundNo, r.amount])).toEqual([['RF1', 12345]])
    const [call] = sandbox.requests.filter((r) => r.params.method === 'alipay.trade.refund')
    expect(bizOf(call)).toEqual({
      out_trade_no: no,
      refund_amount: '123.45',
      out_request_no: 'RF1',
      refund_reason: '对账无订单',
    })
    expect(await gateway().query(no)).toEqual({
      state: 'refunded',
      amount: 12345,
      providerTradeNo: sandbox.trade(no)?.tradeNo,
    })
  })

  test("alipay-sdk's HTTP client replays a refund whose answer was lost: Alipay refunds once", async () => {
    const no = await paid()
    sandbox.failNext('alipay.trade.refund', { kind: 'lostAnswer' })
    expect(await gateway().refund(refund(no, 'RF2', 2000))).toEqual({
      state: 'succeeded',
      refundNo: 'RF2',
      amount: 2000,
    })
    // urllib (socketErrorRetry: 1) sent the same signed POST again after the dropped connection
    const refunds = sandbox.requests.filter((r) => r.method === 'alipay.trade.refund')
    expect(refunds).toHaveLength(2)
    expect(refunds[1].params.sign).toBe(refunds[0].params.sign)
    expect(sandbox.trade(no)?.refunds.map((r) => r.amount)).toEqual([2000])
  })

  test('our retry after every answer was lost refunds once and reports the refund', async () => {
    const no = await paid()
    sandbox.failNext('alipay.trade.refund', { kind: 'lostAnswer' })
    sandbox.failNext('alipay.trade.refund', { kind: 'lostAnswer' })
    const lost = await rejection(gateway().refund(refund(no, 'RF2', 2000)))
    expect(lost.kind).toBe('unavailable')
    expect(sandbox.trade(no)?.refunds.map((r) => r.amount)).toEqual([2000])
    expect(await gateway().refund(refund(no, 'RF2', 2000))).toEqual({
      state: 'succeeded',
      refundNo: 'RF2',
      amount: 2000,
    })
    expect(sandbox.trade(no)?.refunds.map((r) => r.amount)).toEqual([2000])
  })

  test('partial refunds add up; more than was paid is refused and refunds nothing', async () => {
    const no = await paid()
    await gateway().refund(refund(no, 'RF1', 10000))
    await gateway().refund(refund(no, 'RF2', 2000))
    const error = await rejection(gateway().refund(refund(no, 'RF3', 346)))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL' })
    expect(sandbox.trade(no)?.refunds.map((r) => r.amount)).toEqual([10000, 2000])
    // alipay.trade.query does not show partial refunds: the trade is still TRADE_SUCCESS
    expect(await gateway().query(no)).toMatchObject({ state: 'paid', amount: 12345 })
    await gateway().refund(refund(no, 'RF4', 345))
    expect(await gateway().query(no)).toMatchObject({ state: 'refunded', amount: 12345 })
  })

  test('an unpaid trade cannot be refunded', async () => {
    const no = orderNo()
    await gateway().create(order(no))
    const error = await rejection(gateway().refund(refund(no, 'RF9', 100)))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'ACQ.TRADE_STATUS_ERROR' })
    expect(sandbox.trade(no)?.refunds).toEqual([])
  })

  test.each([0, -1, 12346])('an amount of %p fen is refused before any call', async (amount) => {
    const no = await paid()
    sandbox.requests.length = 0
    const error = await rejection(gateway().refund(refund(no, 'RFX', amount)))
    expect(error.kind).toBe('rejected')
    expect(sandbox.requests).toHaveLength(0)
  })

  test('fund_change N with no succeeded refund behind it is accepted, not succeeded', async () => {
    const no = await paid()
    sandbox.failNext('alipay.trade.refund', {
      kind: 'answer',
      code: '10000',
      msg: 'Success',
      fund_change: 'N',
    })
    expect(await gateway().refund(refund(no, 'RF5', 500))).toEqual({
      state: 'accepted',
      refundNo: 'RF5',
      amount: 500,
    })
    expect(sandbox.requests.map((r) => r.method)).toContain('alipay.trade.fastpay.refund.query')
  })
})

describe('statement: the trade bill', () => {
  test("the day's bill (GBK CSV in a zip) is parsed into payments and refunds, Beijing time", async () => {
    now = new Date('2026-04-09T23:00:00+08:00')
    const allDay = { expiresAt: new Date('2026-04-12T00:00:00+08:00') }
    const d1 = orderNo('D')
    const d2 = orderNo('D')
    const d3 = orderNo('D')
    await gateway().create(order(d1, 5000, allDay))
    await gateway().create(order(d2, 20000, allDay))
    await gateway().create(order(d3, 700, allDay))
    // 00:00:01 Beijing time is still 9 April in UTC
    sandbox.pay(d1, { at: new Date('2026-04-10T00:00:01+08:00') })
    sandbox.pay(d2, { at: new Date('2026-04-10T23:59:59+08:00') })
    sandbox.pay(d3, { at: new Date('2026-04-11T07:00:00+08:00') })
    now = new Date('2026-04-10T12:00:00+08:00')
    await gateway().refund({
      orderNo: d2,
      refundNo: 'RF-D2',
      total: fen(20000),
      amount: fen(1999),
      reason: 'x',
    })
    now = new Date('2026-04-12T09:30:00+08:00')

    const tradeNo = (no: string) => sandbox.trade(no)?.tradeNo
    expect(await gateway().statement('2026-04-10')).toEqual([
      {
        provider: 'alipay',
        orderNo: d1,
        providerTradeNo: tradeNo(d1),
        kind: 'payment',
        amount: 5000,
        at: '2026-04-10T00:00:01+08:00',
        merchantId: sandbox.sellerId,
      },
      {
        provider: 'alipay',
        orderNo: d2,
        providerTradeNo: tradeNo(d2),
        kind: 'refund',
        amount: 1999,
        at: '2026-04-10T12:00:00+08:00',
        merchantId: sandbox.sellerId,
        refundNo: 'RF-D2',
      },
      {
        provider: 'alipay',
        orderNo: d2,
        providerTradeNo: tradeNo(d2),
        kind: 'payment',
        amount: 20000,
        at: '2026-04-10T23:59:59+08:00',
        merchantId: sandbox.sellerId,
      },
    ])
    expect((await gateway().statement('2026-04-11')).map((line) => line.orderNo)).toEqual([d3])
    const call = sandbox.requests.find((r) => r.method === 'alipay.data.dataservice.bill.downloadurl.query')
    expect(call && bizOf(call)).toEqual({ bill_type: 'trade', bill_date: '2026-04-10' })
  })

  test('the archive is what Alipay serves: GBK names and text, # header and footer, refunds negative', async () => {
    now = new Date('2026-04-15T08:00:00+08:00')
    const no = orderNo('Z')
    await gateway().create(order(no, 20000))
    sandbox.pay(no)
    await gateway().refund({
      orderNo: no,
      refundNo: 'RF-Z',
      total: fen(20000),
      amount: fen(1999),
      reason: 'x',
    })
    now = new Date('2026-04-16T09:30:00+08:00')
    const archive = sandbox.billArchive('2026-04-15')
    const entries = readZip(archive)
    expect(entries.map((entry) => entry.name)).toEqual([
      `${sandbox.sellerId}0156_20260415_业务明细.csv`,
      `${sandbox.sellerId}0156_20260415_业务明细(汇总).csv`,
    ])
    const detail = entries[0].data
    // GBK bytes of 支付宝, and not valid UTF-8
    expect(detail.subarray(1, 7)).toEqual(Buffer.from([0xd6, 0xa7, 0xb8, 0xb6, 0xb1, 0xa6]))
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(detail)).toThrow()
    const text = new TextDecoder('gbk').decode(detail)
    const rows = text.split('\r\n')
    expect(rows[0]).toBe('#支付宝业务明细查询')
    expect(rows[1]).toBe(`#账号：[${sandbox.sellerId}0156]`)
    expect(rows[2]).toMatch(
      /^#起始日期：\[2026年04月15日 00:00:00\]   终止日期：\[2026年04月16日 00:00:00\]$/,
    )
    expect(rows[4]).toMatch(/^支付宝交易号,商户订单号,业务类型,/)
    expect(rows[5]).toMatch(new RegExp(`^\\d{28}\\t,${no}\\t,交易\\t,ETC 充值,.*,200\\.00,200\\.00,`))
    expect(rows[6]).toMatch(new RegExp(`^\\d{28}\\t,${no}\\t,退款\\t,.*,-19\\.99,-19\\.99,.*,RF-Z\\t,`))
    expect(rows[7]).toMatch(/^#-+业务明细列表结束-+$/)
    expect(rows.at(-2)).toBe('#导出时间：[2026年04月16日 09:30:00]')
    expect(parseAlipayBillArchive(archive)).toMatchObject({
      account: `${sandbox.sellerId}0156`,
      merchantId: sandbox.sellerId,
      day: '2026-04-15',
      lines: [
        expect.objectContaining({ kind: 'payment', amount: 20000, fee: 120 }),
        expect.objectContaining({ kind: 'refund', amount: 1999, refundNo: 'RF-Z' }),
      ],
    })
  })

  test('a file as Alipay writes it, columns in another order and one more, parses by column name', () => {
    const csv = [
      '#支付宝业务明细查询',
      '#账号：[20881234567890120156]',
      '#起始日期：[2026年05月01日 00:00:00]   终止日期：[2026年05月02日 00:00:00]',
      '#-----------------------------------------业务明细列表----------------------------------------',
      '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注,商户识别号',
      '2026050122001404561442170911\t,R202605010001\t,交易\t,"ETC 充值, 苏A12345",2026-05-01 08:00:00,2026-05-01 08:00:09,\t,\t,\t,\t,138****5678\t,100000.00,100000.00,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,-600.00,0.00,,X1',
      '2026050122001404561442170911\t,R202605010001\t,退款\t,"ETC 充值, 苏A12345",2026-05-01 08:00:00,2026-05-01 21:14:03,\t,\t,\t,\t,138****5678\t,-0.01,-0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,RF202605010001\t,0.00,0.00,,X1',
      '#-----------------------------------------业务明细列表结束------------------------------------',
      '#交易合计：1笔，商家实收共100000.00元，商家优惠共0.00元',
      '#退款合计：1笔，商家实收退款共-0.01元，商家优惠退款共0.00元',
      '#导出时间：[2026年05月02日 09:01:12]',
    ].join('\r\n')
    const bill = parseAlipayTradeBill(csv)
    expect(bill).toMatchObject({ merchantId: '2088123456789012', day: '2026-05-01' })
    expect(bill.lines).toEqual([
      expect.objectContaining({
        kind: 'payment',
        orderNo: 'R202605010001',
        subject: 'ETC 充值, 苏A12345',
        amount: 10_000_000,
        fee: 60000,
      }),
      expect.objectContaining({ kind: 'refund', amount: 1, refundNo: 'RF202605010001' }),
    ])
    // the same file zipped and GBK-encoded the way the bill centre serves it
    const zipped = writeZip(
      [{ name: '20881234567890120156_20260501_业务明细.csv', data: encodeGbk(csv) }],
      now,
    )
    expect(parseAlipayBillArchive(zipped)).toEqual(bill)
  })

  test('a day without trades is an empty statement; today is not made yet (unavailable)', async () => {
    now = new Date('2026-04-20T10:00:00+08:00')
    expect(await gateway().statement('2026-04-19')).toEqual([])
    const error = await rejection(gateway().statement('2026-04-20'))
    expect(error).toMatchObject({ kind: 'unavailable', providerCode: 'isp.bill_not_exist' })
  })

  test('a failed or broken download is unavailable', async () => {
    now = new Date('2026-04-20T10:00:00+08:00')
    sandbox.failNext('bill.download', { kind: 'http', status: 503 })
    expect(await rejection(gateway().statement('2026-04-19'))).toMatchObject({ kind: 'unavailable' })
    sandbox.failNext('bill.download', { kind: 'network' })
    expect(await rejection(gateway().statement('2026-04-19'))).toMatchObject({ kind: 'unavailable' })
    expect(await gateway().statement('2026-04-19')).toEqual([])
  })

  test("another merchant's bill is refused", async () => {
    now = new Date('2026-04-20T10:00:00+08:00')
    const other = gateway({ sellerId: '2088000000000009' })
    expect(await rejection(other.statement('2026-04-19'))).toMatchObject({ kind: 'rejected' })
  })

  test('a malformed day never reaches Alipay', async () => {
    await expect(gateway().statement('2026-4-1')).rejects.toThrow(RangeError)
    expect(sandbox.requests).toHaveLength(0)
  })
})

describe('provider failures', () => {
  test.each([
    [
      '20000 service unavailable',
      'unavailable',
      { kind: 'answer', code: '20000', sub_code: 'isp.unknow-error' },
    ],
    ['ACQ.SYSTEM_ERROR', 'unavailable', { kind: 'answer', code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' }],
    ['a dropped connection', 'unavailable', { kind: 'network' }],
    ['HTTP 502 from a proxy', 'unavailable', { kind: 'http', status: 502 }],
    ['ACQ.ACCESS_FORBIDDEN', 'rejected', { kind: 'answer', code: '40004', sub_code: 'ACQ.ACCESS_FORBIDDEN' }],
    [
      '40006 insufficient permissions',
      'rejected',
      { kind: 'answer', code: '40006', sub_code: 'isv.insufficient-isv-permissions' },
    ],
  ] as const)('%s → %s, and the next call works', async (_name, kind, fault) => {
    const no = orderNo('F')
    sandbox.failNext('alipay.trade.create', fault)
    // alipay-sdk's HTTP client retries once after a socket error: the connection must drop twice
    if (fault.kind === 'network') sandbox.failNext('alipay.trade.create', fault)
    const error = await rejection(gateway().create(order(no)))
    expect(error.kind).toBe(kind)
    expect(sandbox.trade(no)).toBeUndefined()
    await gateway().create(order(no))
    expect(sandbox.trade(no)?.status).toBe('WAIT_BUYER_PAY')
  })

  test('a failing query is unavailable, never "not found" or "unpaid"', async () => {
    const no = orderNo('F')
    await gateway().create(order(no))
    sandbox.failNext('alipay.trade.query', { kind: 'answer', code: '40004', sub_code: 'ACQ.SYSTEM_ERROR' })
    expect(await rejection(gateway().query(no))).toMatchObject({
      kind: 'unavailable',
      providerCode: 'ACQ.SYSTEM_ERROR',
    })
    sandbox.failNext('alipay.trade.query', { kind: 'network' })
    sandbox.failNext('alipay.trade.query', { kind: 'network' })
    expect(await rejection(gateway().query(no))).toMatchObject({ kind: 'unavailable' })
  })

  test('answers not signed by Alipay, or altered after signing, are never believed', async () => {
    const no = orderNo('F')
    await gateway().create(order(no))
    sandbox.pay(no)
    for (const mode of ['forged', 'altered'] as const) {
      sandbox.responseMode = mode
      expect(await rejection(gateway().query(no))).toMatchObject({ kind: 'unavailable' })
    }
    sandbox.responseMode = 'genuine'
    expect(await gateway().query(no)).toMatchObject({ state: 'paid', amount: 12345 })
  })

  test('a private key Alipay does not know for this app is refused by the gateway (isv.invalid-signature)', async () => {
    const no = orderNo('K')
    const wrongKey = gateway({ privateKey: sandbox.stranger.privateKey })
    const error = await rejection(wrongKey.create(order(no)))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'isv.invalid-signature' })
    expect(sandbox.requests.map((r) => r.verified)).toEqual([false])
    expect(sandbox.trade(no)).toBeUndefined()
  })

  test('an unreadable private or public key is a configuration refusal before any request', async () => {
    const badPrivate = gateway({ privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-a-key' })
    expect(await rejection(badPrivate.query('X'))).toMatchObject({
      kind: 'rejected',
      providerCode: 'INVALID_PRIVATE_KEY',
    })
    // not cached as a broken client: the same instance tries (and fails) again
    expect(await rejection(badPrivate.query('X'))).toMatchObject({ providerCode: 'INVALID_PRIVATE_KEY' })
    const badPublic = gateway({ alipayPublicKey: 'not-a-key' })
    expect(await rejection(badPublic.query('X'))).toMatchObject({
      kind: 'rejected',
      providerCode: 'INVALID_PUBLIC_KEY',
    })
    expect(sandbox.requests).toHaveLength(0)
  })

  test("with someone else's key as Alipay's, no answer verifies: unavailable, while the trade exists", async () => {
    const no = orderNo('K')
    const wrongAlipayKey = gateway({ alipayPublicKey: sandbox.stranger.publicKey })
    expect(await rejection(wrongAlipayKey.create(order(no)))).toMatchObject({ kind: 'unavailable' })
    // the request was genuine and Alipay acted on it: only a later verified query can say so
    expect(sandbox.trade(no)?.status).toBe('WAIT_BUYER_PAY')
    expect(await gateway().query(no)).toEqual({ state: 'unpaid' })
  })

  test.each(['pkcs1', 'pkcs8'] as const)(
    'the app key as %s PEM works as well as bare base64',
    async (type) => {
      const pem = createPrivateKey(sandbox.app.privateKey).export({ type, format: 'pem' }).toString()
      expect(await gateway({ privateKey: pem }).query('NEVER-CREATED')).toEqual({ state: 'not_found' })
      expect(sandbox.requests.map((r) => r.verified)).toEqual([true])
    },
  )

  test('an unknown app id is refused (error_response)', async () => {
    const error = await rejection(gateway({ appId: '2021000000000999' }).query('X'))
    expect(error).toMatchObject({ kind: 'rejected', providerCode: 'isv.invalid-app-id' })
  })

  test('an unreachable gateway and a timeout are unavailable', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const deadPort = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const unreachable = gateway({ gateway: `http://127.0.0.1:${deadPort}/gateway.do` })
    expect(await rejection(unreachable.query('X'))).toMatchObject({ kind: 'unavailable' })

    // urllib's timers tick about once a second, so a 100 ms timeout fires after about 1 s
    sandbox.delayMs = 2500
    expect(await rejection(gateway({ timeoutMs: 100 }).query('X'))).toMatchObject({ kind: 'unavailable' })
  })
})

describe('notifications (alipayNotify)', () => {
  const config = () => ({ appId: sandbox.appId, alipayPublicKey: sandbox.config().alipayPublicKey })

  async function paidOrder(amount = 12345, extra: Partial<CreatePayment> = {}) {
    const no = orderNo('N')
    await gateway().create(order(no, amount, extra))
    const params = sandbox.pay(no, { at: new Date('2026-03-01T10:01:02+08:00') })
    const expected: PaymentNotification = {
      provider: 'alipay',
      orderNo: no,
      providerTradeNo: sandbox.trade(no)?.tradeNo ?? '',
      amount: fen(amount),
      merchantId: sandbox.sellerId,
      success: true,
      paidAt: new Date('2026-03-01T10:01:02+08:00'),
    }
    return { no, params, expected }
  }

  test('a genuine notification verifies, as the form body and as parsed parameters', async () => {
    const { no, params, expected } = await paidOrder()
    const body = sandbox.notificationBodyFor(no)
    expect(body).toContain('sign_type=RSA2')
    expect(parseAlipayNotification(body, config())).toEqual({ ok: true, notification: expected })
    expect(parseAlipayNotification(params, config())).toEqual({ ok: true, notification: expected })
  })

  test("alipay-sdk's own check (checkNotifySignV2) agrees with the adapter", async () => {
    const { no, params } = await paidOrder()
    const sdk = new AlipaySdk({
      appId: sandbox.appId,
      privateKey: sandbox.config().privateKey,
      keyType: 'PKCS8',
      alipayPublicKey: sandbox.config().alipayPublicKey,
    })
    const cases = [
      params,
      sandbox.notificationFor(no, {}, 'stranger'),
      sandbox.notificationFor(no, { total_amount: '0.01' }, 'tampered'),
    ]
    for (const notification of cases) {
      expect(parseAlipayNotification(notification, config()).ok).toBe(
        sdk.checkNotifySignV2({ ...notification }),
      )
    }
    expect(sdk.checkNotifySignV2({ ...params })).toBe(true)
  })

  test('subjects with &, =, %, + and Chinese survive the form encoding and verify', async () => {
    const { no, expected } = await paidOrder(1, { description: 'ETC 充值 & 圈存 = 100% + 1 苏A·12345' })
    const body = sandbox.notificationBodyFor(no)
    expect(parseAlipayNotificationBody(body)?.subject).toBe('ETC 充值 & 圈存 = 100% + 1 苏A·12345')
    expect(parseAlipayNotification(body, config())).toEqual({ ok: true, notification: expected })
  })

  test('the signed content is every parameter but sign and sign_type, sorted, values decoded', async () => {
    const { params } = await paidOrder()
    const content = alipayNotificationContent(params)
    expect(content.startsWith('app_id=')).toBe(true)
    expect(content).not.toMatch(/(^|&)sign(_type)?=/)
    expect(content).toContain('&subject=ETC 充值&')
    expect(signAsAlipay(content, sandbox.alipay.privateKey)).toBe(params.sign)
  })

  test('forged with another key is BAD_SIGNATURE', async () => {
    const { no } = await paidOrder()
    const forged = sandbox.notificationBodyFor(no, {}, 'stranger')
    expect(parseAlipayNotification(forged, config())).toMatchObject({ ok: false, refusal: 'BAD_SIGNATURE' })
  })

  test.each<[string, Record<string, string | null>]>([
    ['an altered amount', { total_amount: '1.00' }],
    ['another order number', { out_trade_no: 'SOMEONE-ELSES' }],
    ['another seller', { seller_id: '2088000000000009' }],
    ['a changed status', { trade_status: 'TRADE_FINISHED' }],
    ['a changed payment time', { gmt_payment: '2026-03-01 10:01:03' }],
    ['an added parameter', { passback_params: 'x' }],
    ['a removed parameter', { buyer_logon_id: null }],
    ['another app id', { app_id: '2021000000000999' }],
  ])('%s after signing is BAD_SIGNATURE', async (_name, change) => {
    const { no } = await paidOrder()
    const tampered = sandbox.notificationBodyFor(no, change, 'tampered')
    expect(parseAlipayNotification(tampered, config())).toMatchObject({ ok: false, refusal: 'BAD_SIGNATURE' })
  })

  test.each<[string, Record<string, string | null>]>([
    ['no sign', { sign: null }],
    ['an empty sign', { sign: '' }],
    ['sign_type RSA', { sign_type: 'RSA' }],
    ['no sign_type', { sign_type: null }],
    ['a sign that is not base64 of a signature', { sign: 'not-a-signature' }],
  ])('%s is BAD_SIGNATURE', async (_name, change) => {
    const { no } = await paidOrder()
    // sign and sign_type are outside the signed content, so 'tampered' changes only them
    const params = sandbox.notificationFor(no, change, 'tampered')
    expect(parseAlipayNotification(params, config())).toMatchObject({ ok: false, refusal: 'BAD_SIGNATURE' })
  })

  test("Alipay's genuine notification for another app is WRONG_APP", async () => {
    const { no } = await paidOrder()
    const other = sandbox.notificationFor(no, { app_id: '2021000000000999', auth_app_id: '2021000000000999' })
    expect(parseAlipayNotification(other, config())).toMatchObject({ ok: false, refusal: 'WRONG_APP' })
  })

  test("a key that is not Alipay's in our config verifies nothing", async () => {
    const { params } = await paidOrder()
    const wrong = { appId: sandbox.appId, alipayPublicKey: sandbox.stranger.publicKey }
    expect(parseAlipayNotification(params, wrong)).toMatchObject({ ok: false, refusal: 'BAD_SIGNATURE' })
    const broken = { appId: sandbox.appId, alipayPublicKey: 'not-a-key' }
    expect(parseAlipayNotification(params, broken)).toMatchObject({ ok: false, refusal: 'BAD_SIGNATURE' })
  })

  test.each<[string, Record<string, string | null>]>([
    ['three decimals', { total_amount: '123.456' }],
    ['a negative amount', { total_amount: '-123.45' }],
    ['an exponent', { total_amount: '1e3' }],
    ['a zero amount', { total_amount: '0.00' }],
    ['a padded amount', { total_amount: ' 123.45' }],
    ['a leading zero', { total_amount: '0123.45' }],
    ['no amount', { total_amount: null }],
    ['no order number', { out_trade_no: null }],
    ['no trade number', { trade_no: null }],
    ['no seller', { seller_id: null }],
    ['no notify id', { notify_id: null }],
    ['no app id', { app_id: null }],
    ['an unknown status', { trade_status: 'TRADE_PENDING' }],
    ['an impossible payment time', { gmt_payment: '2026-02-30 10:01:02' }],
    ['an ISO payment time', { gmt_payment: '2026-03-01T10:01:02+08:00' }],
    ['success without payment time', { gmt_payment: null }],
    ['another notification type', { notify_type: 'trade_refund_sync' }],
    ['a GBK charset', { charset: 'gbk' }],
  ])('%s, even signed by Alipay, is MALFORMED', async (_name, change) => {
    const { no } = await paidOrder()
    const params = sandbox.notificationFor(no, change)
    expect(parseAlipayNotification(params, config())).toMatchObject({ ok: false, refusal: 'MALFORMED' })
  })

  test.each<[string, string | ((body: string) => unknown)]>([
    ['a parameter given twice', (body) => `${body}&total_amount=0.01`],
    ['broken percent-encoding', (body) => `${body}&x=%E4%B8`],
    [
      'an array value',
      (body) => ({ ...Object.fromEntries(new URLSearchParams(body)), out_trade_no: ['A', 'B'] }),
    ],
    [
      'a number value',
      (body) => ({ ...Object.fromEntries(new URLSearchParams(body)), total_amount: 123.45 }),
    ],
    ['null', () => null],
    ['an array', (body) => [body]],
  ])('%s is MALFORMED', async (_name, change) => {
    const { no } = await paidOrder()
    const body = sandbox.notificationBodyFor(no)
    const input = typeof change === 'string' ? change : change(body)
    expect(parseAlipayNotification(input as string, config())).toMatchObject({
      ok: false,
      refusal: 'MALFORMED',
    })
  })

  test('a closed trade notifies "not paid"; a notification arriving twice reads the same', async () => {
    const no = orderNo('N')
    await gateway().create(order(no))
    await gateway().close(no)
    const closed = parseAlipayNotification(sandbox.notificationBodyFor(no), config())
    expect(closed).toEqual({
      ok: true,
      notification: expect.objectContaining({ orderNo: no, success: false, paidAt: null, amount: 12345 }),
    })
    const again = parseAlipayNotification(sandbox.notificationBodyFor(no), config())
    expect(again).toEqual(closed)
  })
})

describe('properties', () => {
  /** Independent yuan text: integer arithmetic on the digits, no big.js. */
  const expectedYuan = (amount: number) =>
    `${Math.floor(amount / 100)}.${String(amount % 100).padStart(2, '0')}`

  test('yuan ↔ fen is exact for every fen amount 1..10,000,000', () => {
    const edges = [1, 9, 10, 99, 100, 101, 110, 999, 1000, 12345, 999_999, 1_000_000, 9_999_999, 10_000_000]
    for (const amount of edges) {
      expect(fenToYuan(fen(amount))).toBe(expectedYuan(amount))
      expect(yuanToFen(fenToYuan(fen(amount)))).toBe(amount)
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (amount) => {
        const yuan = fenToYuan(fen(amount))
        expect(yuan).toBe(expectedYuan(amount))
        expect(yuan).toBe(yuanText(amount))
        expect(yuanToFen(yuan)).toBe(amount)
        // one decimal place, as Alipay sometimes writes, reads the same
        if (amount % 10 === 0) expect(yuanToFen(yuan.slice(0, -1))).toBe(amount)
      }),
      { numRuns: 20_000 },
    )
  })

  test('notification round trip: Alipay signs, the adapter verifies the same order and amount', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
        async (amount, suffix, description) => {
          const no = `${orderNo('Q')}${suffix}`
          await gateway().create(order(no, amount, { description }))
          sandbox.pay(no)
          const result = parseAlipayNotification(sandbox.notificationBodyFor(no), {
            appId: sandbox.appId,
            alipayPublicKey: sandbox.config().alipayPublicKey,
          })
          expect(result).toEqual({
            ok: true,
            notification: expect.objectContaining({ orderNo: no, amount, success: true }),
          })
          expect(await gateway().query(no)).toMatchObject({ state: 'paid', amount })
        },
      ),
      { numRuns: 40 },
    )
  })
})
