/**
 * The sandbox's trade bill ("业务明细"), laid out the way Alipay's bill centre serves it: '#'
 * header lines, the column header, one record per line with identifiers tab-padded, refunds
 * negative, then the '#' summary lines, CRLF line ends; GBK-encoded and zipped by the caller.
 * Written independently of the adapter's reader (its own column list and money formatting), so
 * the adapter's parser is tested against a file it did not write.
 */
import dayjs from 'dayjs'
import { businessTimeZone } from '../../cloudfunctions/core/businessTime'

/** Alipay's detail columns, in Alipay's order (the file's header line). */
export const billHeader =
  '支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,' +
  '订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,' +
  '商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注'

export interface BillRecord {
  tradeNo: string
  orderNo: string
  kind: 'payment' | 'refund'
  subject: string
  /** 'yyyy-MM-dd HH:mm:ss' Beijing time. */
  createdAt: string
  finishedAt: string
  /** Positive fen; refunds are written negative. */
  amount: number
  received: number
  fee: number
  refundNo?: string
  counterparty: string
  remark?: string
}

/** Integer fen → yuan text with two decimals, by string arithmetic (no floats, no big.js). */
export function yuanText(amountFen: number, negative = false): string {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new RangeError(`不是非负整数分: ${amountFen}`)
  const digits = String(amountFen).padStart(3, '0')
  const text = `${digits.slice(0, -2)}.${digits.slice(-2)}`
  return negative && amountFen !== 0 ? `-${text}` : text
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

const tab = (value: string) => `${value}\t`

export function writeTradeBill(bill: {
  /** '#账号：[…]': the merchant PID followed by the product suffix, e.g. 2088…0156. */
  account: string
  day: string
  records: BillRecord[]
  exportedAt: Date
}): string {
  const start = dayjs.tz(bill.day, businessTimeZone)
  const chinese = (at: dayjs.Dayjs) => at.format('YYYY年MM月DD日')
  const rows = bill.records.map((record) => {
    const refund = record.kind === 'refund'
    const cells = [
      tab(record.tradeNo),
      tab(record.orderNo),
      tab(refund ? '退款' : '交易'),
      record.subject,
      record.createdAt,
      record.finishedAt,
      '\t',
      '\t',
      '\t',
      '\t',
      tab(record.counterparty),
      yuanText(record.amount, refund),
      yuanText(record.received, refund),
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '',
      '0.00\t',
      '0.00',
      tab(record.refundNo ?? ''),
      yuanText(record.fee, refund),
      '0.00',
      record.remark ?? '',
    ]
    return cells.map(csvField).join(',')
  })
  const total = (kind: BillRecord['kind']) => {
    const of = bill.records.filter((record) => record.kind === kind)
    return { count: of.length, received: of.reduce((sum, record) => sum + record.received, 0) }
  }
  const payments = total('payment')
  const refunds = total('refund')
  return [
    '#支付宝业务明细查询',
    `#账号：[${bill.account}]`,
    `#起始日期：[${chinese(start)} 00:00:00]   终止日期：[${chinese(start.add(1, 'day'))} 00:00:00]`,
    '#-----------------------------------------业务明细列表----------------------------------------',
    billHeader,
    ...rows,
    '#-----------------------------------------业务明细列表结束------------------------------------',
    `#交易合计：${payments.count}笔，商家实收共${yuanText(payments.received)}元，商家优惠共0.00元`,
    `#退款合计：${refunds.count}笔，商家实收退款共${yuanText(refunds.received, true)}元，商家优惠退款共0.00元`,
    `#导出时间：[${dayjs(bill.exportedAt).tz(businessTimeZone).format('YYYY年MM月DD日 HH:mm:ss')}]`,
    '',
  ].join('\r\n')
}

/** The summary file ('…_业务明细(汇总).csv') that sits beside the details in the archive. */
export function writeTradeSummary(bill: { account: string; day: string; records: BillRecord[] }): string {
  const payments = bill.records.filter((record) => record.kind === 'payment')
  const refunds = bill.records.filter((record) => record.kind === 'refund')
  const net =
    payments.reduce((sum, record) => sum + record.received, 0) -
    refunds.reduce((sum, record) => sum + record.received, 0)
  return [
    '#支付宝业务汇总查询',
    `#账号：[${bill.account}]`,
    '#-----------------------------------------业务汇总列表----------------------------------------',
    '门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,服务费（元）,实收净额（元）',
    `合计,,${payments.length},${refunds.length},,,,${net < 0 ? yuanText(-net, true) : yuanText(net)}`,
    '#-----------------------------------------业务汇总列表结束------------------------------------',
    '',
  ].join('\r\n')
}
