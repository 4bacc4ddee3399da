import Big from 'big.js'
import { fen, type Fen } from '../../../types/money'
import type { StatementLine } from '../../ports/payments'

/**
 * WeChat Pay's daily trade bill (v2 下载交易账单 / cloudPay.downloadBill, bill_type ALL), as text:
 * - [docs] "第一行为表头，后面各行为对应的字段内容"; fields separated by commas; every field of
 *   the detail and summary rows is prefixed with a backtick (`) so Excel keeps long numbers;
 *   amounts are in yuan; the last two lines are the summary header (总交易单数,…) and its values.
 *   (pay.weixin.qq.com 交易账单文件格式说明; CloudPay.downloadBill)
 * - [docs] 交易状态 SUCCESS is a payment, REFUND a refund; a payment refunded the same day shows
 *   twice. A refund row carries the original 微信订单号/商户订单号 plus 微信退款单号/商户退款单号.
 * - Column order is read from the header, never assumed: the current header (特约商户号, 应结订单
 *   金额, 订单金额, 申请退款金额) and the older one (子商户号, 总金额, 退款金额) are both in use in
 *   published samples. [assumed] lines end in \r\n (samples show it; \n is accepted too) and the
 *   file may start with a UTF-8 BOM.
 * - cloudPay is the service-provider mode: 商户号 is the provider's, 特约商户号 ours ("0" when the
 *   bill belongs to an ordinary merchant, then 商户号 is ours).
 */

export class WechatBillFormatError extends Error {
  constructor(message: string) {
    super(`微信支付账单格式错误：${message}`)
    this.name = 'WechatBillFormatError'
  }
}

/** The header wechat writes today for bill_type ALL (order as in its published samples). */
export const wechatBillAllHeader = [
  '交易时间',
  '公众账号ID',
  '商户号',
  '特约商户号',
  '设备号',
  '微信订单号',
  '商户订单号',
  '用户标识',
  '交易类型',
  '交易状态',
  '付款银行',
  '货币种类',
  '应结订单金额',
  '代金券金额',
  '微信退款单号',
  '商户退款单号',
  '退款金额',
  '充值券退款金额',
  '退款类型',
  '退款状态',
  '商品名称',
  '商户数据包',
  '手续费',
  '费率',
  '订单金额',
  '申请退款金额',
  '费率备注',
] as const

export const wechatBillSummaryHeader = [
  '总交易单数',
  '应结订单总金额',
  '退款总金额',
  '充值券退款总金额',
  '手续费总金额',
  '订单总金额',
  '申请退款总金额',
] as const

const summaryMarker = '总交易单数'

function yuanToFen(text: string, column: string, row: number): Fen {
  if (!/^\d{1,13}\.\d{2}$/.test(text))
    throw new WechatBillFormatError(`第 ${row} 行 ${column} 不是金额：${text}`)
  return fen(Number(new Big(text).times(100).toFixed(0)))
}

function fenToYuan(amount: number): string {
  return new Big(amount).div(100).toFixed(2)
}

/** "`a,`b,`c" → ["a", "b", "c"]; splitting on ",`" keeps a comma inside a product name intact. */
function backtickFields(line: string, row: number): string[] {
  if (!line.startsWith('`')) throw new WechatBillFormatError(`第 ${row} 行的字段没有 \` 前缀`)
  return line.slice(1).split(',`')
}

/** "2026-01-02 08:30:00" (Beijing) → "2026-01-02T08:30:00+08:00". */
function beijingIso(text: string, row: number): string {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text)
  if (!match) throw new WechatBillFormatError(`第 ${row} 行交易时间无效：${text}`)
  return `${match[1]}T${match[2]}+08:00`
}

/** Parses a bill_type=ALL bill into statement lines; throws WechatBillFormatError on anything off. */
export function parseWechatBill(text: string): StatementLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  if (lines.length < 3) throw new WechatBillFormatError('缺少表头或汇总行')
  const header = lines[0].split(',')
  const column = (name: string): number => header.indexOf(name)
  const need = (...names: string[]): number => {
    for (const name of names) if (column(name) >= 0) return column(name)
    throw new WechatBillFormatError(`表头缺少 ${names.join('/')}`)
  }
  const at = need('交易时间')
  const providerMerchant = need('商户号')
  const subMerchant = need('特约商户号', '子商户号')
  const providerTradeNo = need('微信订单号')
  const orderNo = need('商户订单号')
  const status = need('交易状态')
  const paymentAmount = need('订单金额', '总金额', '应结订单金额')
  const refundNo = need('商户退款单号')
  const refundAmount = need('申请退款金额', '退款金额')

  const summaryAt = lines.findIndex((line) => line.startsWith(summaryMarker))
  if (summaryAt < 1 || summaryAt !== lines.length - 2) throw new WechatBillFormatError('汇总行不在最后两行')
  const summaryHeader = lines[summaryAt].split(',')
  const summary = backtickFields(lines[summaryAt + 1], summaryAt + 2)
  if (summary.length !== summaryHeader.length) throw new WechatBillFormatError('汇总行字段数与表头不符')
  const declared = summary[summaryHeader.indexOf(summaryMarker)]
  const details = lines.slice(1, summaryAt)
  if (declared !== String(details.length)) {
    throw new WechatBillFormatError(`总交易单数 ${declared} 与明细行数 ${details.length} 不符`)
  }

  return details.map((line, index) => {
    const row = index + 2
    const values = backtickFields(line, row)
    if (values.length !== header.length) {
      throw new WechatBillFormatError(`第 ${row} 行有 ${values.length} 个字段，表头有 ${header.length} 个`)
    }
    const sub = values[subMerchant]
    const merchantId = sub && sub !== '0' ? sub : values[providerMerchant]
    const base = {
      provider: 'wechat' as const,
      orderNo: values[orderNo],
      providerTradeNo: values[providerTradeNo],
      at: beijingIso(values[at], row),
      merchantId,
    }
    if (!base.orderNo || !base.providerTradeNo || !merchantId) {
      throw new WechatBillFormatError(`第 ${row} 行缺少订单号、微信订单号或商户号`)
    }
    switch (values[status]) {
      case 'SUCCESS':
        return {
          ...base,
          kind: 'payment',
          amount: yuanToFen(values[paymentAmount], header[paymentAmount], row),
        }
      case 'REFUND': {
        const number = values[refundNo]
        if (!number || number === '0') throw new WechatBillFormatError(`第 ${row} 行退款没有商户退款单号`)
        return {
          ...base,
          kind: 'refund',
          amount: yuanToFen(values[refundAmount], header[refundAmount], row),
          refundNo: number,
        }
      }
      default:
        // REVOKED (付款码撤销) and anything newer: never silently dropped from a reconciliation
        throw new WechatBillFormatError(`第 ${row} 行交易状态无法处理：${values[status]}`)
    }
  })
}

/** A line to write, with what the real bill shows beyond the StatementLine (all optional). */
export type WechatBillRow = StatementLine & {
  /** The original payment's total, shown in a refund row's 订单金额. */
  orderTotal?: Fen
  providerRefundNo?: string
  payerOpenid?: string
  description?: string
}

export interface WechatBillWriterOptions {
  /** The service provider's appid and merchant number (公众账号ID, 商户号). */
  appId: string
  providerMerchantId: string
  /** 费率, e.g. 0.006; 手续费 = amount × rate to 5 decimals as WeChat prints it. */
  feeRate?: number
}

function clean(value: string, what: string): string {
  if (/[\r\n]|,`/.test(value)) throw new WechatBillFormatError(`${what} 含有换行或 ",\`"：${value}`)
  return value
}

/** "2026-01-02T08:30:00+08:00" → "2026-01-02 08:30:00". */
function beijingWallClock(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\+08:00$/.exec(iso)
  if (!match) throw new WechatBillFormatError(`时间必须是 +08:00 的 ISO 时间：${iso}`)
  return `${match[1]} ${match[2]}`
}

/**
 * Writes rows in the format parseWechatBill reads (the current ALL header), so the sandbox and
 * the emulator hand the reconciliation the same bytes WeChat would.
 */
export function writeWechatBill(rows: readonly WechatBillRow[], options: WechatBillWriterOptions): string {
  const rate = new Big(options.feeRate ?? 0.006)
  const ratePercent = `${rate.times(100).toFixed(2)}%`
  const totals = {
    settled: new Big(0),
    refunded: new Big(0),
    fees: new Big(0),
    ordered: new Big(0),
    asked: new Big(0),
  }
  const out: string[] = [wechatBillAllHeader.join(',')]
  for (const row of rows) {
    if (row.kind === 'refund' && (!row.refundNo || row.refundNo === '0')) {
      throw new WechatBillFormatError(`退款 ${row.orderNo} 没有退款单号（"0" 在账单里表示没有）`)
    }
    const yuan = new Big(fenToYuan(row.amount))
    const payment = row.kind === 'payment'
    const fee = (payment ? yuan : yuan.neg()).times(rate).round(5, Big.roundHalfUp)
    const settled = payment ? yuan : new Big(0)
    const ordered = payment ? yuan : new Big(fenToYuan(row.orderTotal ?? row.amount))
    const refunded = payment ? new Big(0) : yuan
    totals.settled = totals.settled.plus(settled)
    totals.refunded = totals.refunded.plus(refunded)
    totals.fees = totals.fees.plus(fee)
    totals.ordered = totals.ordered.plus(ordered)
    totals.asked = totals.asked.plus(refunded)
    const byColumn: Record<(typeof wechatBillAllHeader)[number], string> = {
      交易时间: beijingWallClock(row.at),
      公众账号ID: options.appId,
      商户号: options.providerMerchantId,
      特约商户号: row.merchantId,
      设备号: '',
      微信订单号: row.providerTradeNo,
      商户订单号: row.orderNo,
      用户标识: row.payerOpenid ?? '',
      交易类型: 'JSAPI',
      交易状态: payment ? 'SUCCESS' : 'REFUND',
      付款银行: 'OTHERS',
      货币种类: 'CNY',
      应结订单金额: settled.toFixed(2),
      代金券金额: '0.00',
      微信退款单号: payment ? '0' : (row.providerRefundNo ?? row.refundNo ?? ''),
      商户退款单号: payment ? '0' : String(row.refundNo),
      退款金额: refunded.toFixed(2),
      充值券退款金额: '0.00',
      退款类型: payment ? '' : 'ORIGINAL',
      退款状态: payment ? '' : 'SUCCESS',
      商品名称: row.description ?? '',
      商户数据包: '',
      手续费: fee.toFixed(5),
      费率: ratePercent,
      订单金额: ordered.toFixed(2),
      申请退款金额: refunded.toFixed(2),
      费率备注: '',
    }
    out.push(wechatBillAllHeader.map((name) => '`' + clean(byColumn[name], name)).join(','))
  }
  out.push(wechatBillSummaryHeader.join(','))
  out.push(
    [
      String(rows.length),
      totals.settled.toFixed(2),
      totals.refunded.toFixed(2),
      '0.00',
      totals.fees.toFixed(5),
      totals.ordered.toFixed(2),
      totals.asked.toFixed(2),
    ]
      .map((v) => '`' + v)
      .join(','),
  )
  return out.join('\r\n') + '\r\n'
}
