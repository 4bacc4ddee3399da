import dayjs from 'dayjs'
import fc from 'fast-check'
import { fen } from '../../../types/money'
import { businessTimeZone } from '../../core/businessTime'
import type { StatementLine } from '../../ports/payments'
import { parseWechatBill, WechatBillFormatError, writeWechatBill, type WechatBillRow } from './statement'

const writer = { appId: 'wxd2d16a504f24665e', providerMerchantId: '1800008281' }

/** A bill in the published format, written by hand (current header, CRLF, BOM). */
const currentFormat =
  '\uFEFF交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n' +
  '`2026-03-01 09:15:30,`wxd2d16a504f24665e,`1800008281,`1900000109,`,`4200000001202603010000000001,`R0001,`o-openid,`JSAPI,`SUCCESS,`OTHERS,`CNY,`100.00,`0.00,`0,`0,`0.00,`0.00,`,`,`ETC 充值, 粤B12345,`,`0.60000,`0.60%,`100.00,`0.00,`\r\n' +
  '`2026-03-01 18:00:00,`wxd2d16a504f24665e,`1800008281,`1900000109,`,`4200000001202603010000000001,`R0001,`o-openid,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50000000012026030100000001,`RF0001,`30.01,`0.00,`ORIGINAL,`SUCCESS,`ETC 充值, 粤B12345,`,`-0.18006,`0.60%,`100.00,`30.01,`\r\n' +
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n' +
  '`2,`100.00,`30.01,`0.00,`0.41994,`200.00,`30.01\r\n'

/** The older header (子商户号, 总金额, no 申请退款金额), as in bills from before the change. */
const olderFormat =
  '交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率\n' +
  '`2019-11-03 16:07:09,`wxdf00000000000000,`1393091302,`0,`,`4200000449201911030600420721,`ORD-7,`o1,`NATIVE,`SUCCESS,`CFT,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`收费,`,`0.00000,`0.60%\n' +
  '总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额\n' +
  '`1,`0.01,`0.00,`0.00,`0.00000\n'

test('the current format: payment and refund rows, Beijing time, yuan to fen, commas in names', () => {
  expect(parseWechatBill(currentFormat)).toEqual<StatementLine[]>([
    {
      provider: 'wechat',
      orderNo: 'R0001',
      providerTradeNo: '4200000001202603010000000001',
      kind: 'payment',
      amount: fen(10000),
      at: '2026-03-01T09:15:30+08:00',
      merchantId: '1900000109',
    },
    {
      provider: 'wechat',
      orderNo: 'R0001',
      providerTradeNo: '4200000001202603010000000001',
      kind: 'refund',
      amount: fen(3001),
      at: '2026-03-01T18:00:00+08:00',
      merchantId: '1900000109',
      refundNo: 'RF0001',
    },
  ])
})

test('the older format, where an ordinary merchant (特约/子商户号 0) is 商户号', () => {
  expect(parseWechatBill(olderFormat)).toEqual([
    expect.objectContaining({ orderNo: 'ORD-7', amount: 1, merchantId: '1393091302', kind: 'payment' }),
  ])
})

test('the writer produces the published layout', () => {
  const rows = parseWechatBill(currentFormat).map((l) =>
    l.kind === 'refund' ? { ...l, orderTotal: fen(10000) } : l,
  )
  const text = writeWechatBill(rows, writer)
  const lines = text.split('\r\n')
  expect(lines[0]).toBe(currentFormat.slice(1).split('\r\n')[0])
  expect(lines[1].split(',`')).toHaveLength(27)
  expect(lines.at(-2)).toBe('`2,`100.00,`30.01,`0.00,`0.41994,`200.00,`30.01')
  expect(text.endsWith('\r\n')).toBe(true)
})

test.each<[string, string]>([
  ['a truncated file (no summary)', currentFormat.split('总交易单数')[0]],
  ['a count that does not match', currentFormat.replace('`2,`100.00', '`3,`100.00')],
  ['fields without the backtick', currentFormat.replace('`2026-03-01 09:15:30,`', '2026-03-01 09:15:30,`')],
  ['a missing field', currentFormat.replace(',`0.60%,`100.00,`0.00,`\r\n', ',`0.60%,`100.00,`0.00\r\n')],
  [
    'an amount with three decimals',
    currentFormat.replace('`0.60%,`100.00,`0.00,`\r\n', '`0.60%,`100.001,`0.00,`\r\n'),
  ],
  ['an unknown status', currentFormat.replace('`SUCCESS,`OTHERS', '`REVOKED,`OTHERS')],
  ['a refund without its number', currentFormat.replace('`RF0001', '`0')],
  ['a bad time', currentFormat.replace('2026-03-01 09:15:30', '2026/03/01 09:15')],
  ['a header without 商户订单号', currentFormat.replace('商户订单号,用户标识', '订单,用户标识')],
  ['an empty answer', ''],
])('%s is a WechatBillFormatError', (_name, text) => {
  expect(() => parseWechatBill(text)).toThrow(WechatBillFormatError)
})

const idChars = /^[0-9A-Za-z_-]{1,32}$/
const line: fc.Arbitrary<WechatBillRow> = fc
  .record({
    orderNo: fc.stringMatching(idChars),
    providerTradeNo: fc.stringMatching(/^42\d{26}$/),
    // "0" is how the bill says "no refund number", so it cannot be one
    refund: fc.option(
      fc.stringMatching(/^[0-9A-Za-z_-]{1,64}$/).filter((n) => n !== '0'),
      { nil: undefined },
    ),
    amount: fc.integer({ min: 1, max: 99_999_999_999 }),
    at: fc.date({
      min: new Date('2015-01-01T00:00:00Z'),
      max: new Date('2040-12-31T00:00:00Z'),
      noInvalidDate: true,
    }),
    merchantId: fc.stringMatching(/^[1-9]\d{9}$/),
    description: fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]|,`/.test(s)),
  })
  .map(({ refund, amount, at, description, ...rest }) => ({
    provider: 'wechat' as const,
    ...rest,
    kind: refund === undefined ? ('payment' as const) : ('refund' as const),
    amount: fen(amount),
    at: dayjs(at).tz(businessTimeZone).format('YYYY-MM-DDTHH:mm:ss') + '+08:00',
    description,
    ...(refund === undefined ? {} : { refundNo: refund }),
  }))

test('round trip: parse(write(lines)) gives the lines back, to the fen', () => {
  fc.assert(
    fc.property(fc.array(line, { maxLength: 30 }), (rows) => {
      const parsed = parseWechatBill(writeWechatBill(rows, writer))
      const expected = rows.map(({ description: _d, ...l }) => l)
      expect(parsed).toEqual(expected)
    }),
    { numRuns: 300 },
  )
})
