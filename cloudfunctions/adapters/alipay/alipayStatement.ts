import { inflateRawSync } from 'node:zlib'
import Big from 'big.js'
import dayjs from 'dayjs'
import { businessTimeZone, shanghaiInstant } from '../../core/businessTime'
import { fen, type Fen } from '../../../types/money'
import type { StatementLine } from '../../ports/payments'

/*
 * Alipay's wire formats that the payment adapter and the notification verifier share: yuan
 * strings, Beijing wall-clock times, and the trade bill ("业务明细") that
 * alipay.data.dataservice.bill.downloadurl.query points to (a zip of GBK CSV files). Only readers
 * live here; the local sandbox writes its bills with its own code (tools/sandbox-alipay/bill.ts).
 */

/** '0.01' → 1 fen. Refuses anything but a plain decimal with at most two places (no floats, no exponent). */
export function yuanToFen(text: string, options: { signed?: boolean } = {}): Fen {
  const pattern = options.signed ? /^-?(0|[1-9]\d{0,11})(\.\d{1,2})?$/ : /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/
  if (!pattern.test(text)) throw new RangeError(`不是有效的元金额: ${JSON.stringify(text)}`)
  return fen(Number(new Big(text).times(100).toFixed(0)))
}

/** 1 fen → '0.01', the form Alipay's total_amount / refund_amount expect. Refuses a non-integer. */
export function fenToYuan(amount: Fen): string {
  return new Big(fen(amount)).div(100).toFixed(2)
}

const wallClock = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

/** Alipay writes times as 'yyyy-MM-dd HH:mm:ss' Beijing time; null when the text is not such a time. */
export function parseAlipayTime(text: string): Date | null {
  if (!wallClock.test(text)) return null
  const at = shanghaiInstant(text)
  // dayjs rolls 2026-02-30 over to March; a rolled-over date is not what Alipay sent
  if (Number.isNaN(at.getTime()) || alipayTime(at) !== text) return null
  return at
}

export function alipayTime(at: Date): string {
  return dayjs(at).tz(businessTimeZone).format('YYYY-MM-DD HH:mm:ss')
}

/** The columns of the trade bill's detail file, in Alipay's order. */
export const alipayBillColumns = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '商品名称',
  '创建时间',
  '完成时间',
  '门店编号',
  '门店名称',
  '操作员',
  '终端号',
  '对方账户',
  '订单金额（元）',
  '商家实收（元）',
  '支付宝红包（元）',
  '集分宝（元）',
  '支付宝优惠（元）',
  '商家优惠（元）',
  '券核销金额（元）',
  '券名称',
  '商家红包消费金额（元）',
  '卡消费金额（元）',
  '退款批次号/请求号',
  '服务费（元）',
  '分润（元）',
  '备注',
] as const

/** One detail line of the trade bill. Amounts are positive fen; the file writes refunds negative. */
export interface AlipayBillLine {
  tradeNo: string
  orderNo: string
  kind: 'payment' | 'refund'
  subject: string
  /** 'yyyy-MM-dd HH:mm:ss' Beijing time, as in the file. */
  createdAt: string
  finishedAt: string
  /** 订单金额（元）: the payment, or the part refunded. */
  amount: Fen
  /** 商家实收（元）: what reached the merchant (equal to amount when nobody paid a discount). */
  received: Fen
  /** 服务费（元）: Alipay's fee, not part of the order amount. */
  fee: Fen
  /** 退款批次号/请求号: our out_request_no on refund lines. */
  refundNo?: string
  counterparty?: string
  remark?: string
}

export interface AlipayBill {
  /** The account of the '#账号：[…]' line: the merchant's PID followed by a product suffix. */
  account: string
  /** The merchant's PID (2088 + 12 digits), the seller_id of its trades. */
  merchantId: string
  /** The first day the bill covers ('#起始日期：[yyyy年MM月dd日 00:00:00]'), 'yyyy-MM-dd'; null when absent. */
  day: string | null
  lines: AlipayBillLine[]
}

export class AlipayBillFormatError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AlipayBillFormatError'
  }
}

/** Splits one CSV record; Alipay pads most values with a tab, which is not part of the value. */
function splitRecord(line: string): string[] {
  const fields: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        current += '"'
        i += 1
      } else if (ch === '"') {
        quoted = false
      } else {
        current += ch
      }
    } else if (ch === '"' && current.trim() === '') {
      quoted = true
      current = ''
    } else if (ch === ',') {
      fields.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  fields.push(current)
  return fields.map((field) => field.replace(/^[\t ]+|[\t ]+$/g, ''))
}

/** The merchant PID is the first 16 digits of the bill account (files show e.g. 2088…0156). */
function merchantOf(account: string): string {
  const match = /^(2088\d{12})\d*$/.exec(account)
  return match ? match[1] : account
}

/** Reads the detail CSV text (already decoded from GBK). */
export function parseAlipayTradeBill(text: string): AlipayBill {
  const rows = text.replace(/^\uFEFF/, '').split(/\r?\n/)
  const accountLine = rows.find((row) => row.startsWith('#账号：'))
  const account = /\[([^\]]*)\]/.exec(accountLine ?? '')?.[1]?.trim() ?? ''
  const start = /^#起始日期：\[(\d{4})年(\d{2})月(\d{2})日/.exec(
    rows.find((row) => row.startsWith('#起始日期')) ?? '',
  )
  const day = start ? `${start[1]}-${start[2]}-${start[3]}` : null
  const headerAt = rows.findIndex((row) => !row.startsWith('#') && row.includes('支付宝交易号'))
  if (headerAt < 0) throw new AlipayBillFormatError('账单缺少表头（支付宝交易号…）')
  const header = splitRecord(rows[headerAt])
  const column = (name: (typeof alipayBillColumns)[number], required = true): number => {
    const at = header.indexOf(name)
    if (at < 0 && required) throw new AlipayBillFormatError(`账单缺少列 ${name}`)
    return at
  }
  const at = {
    tradeNo: column('支付宝交易号'),
    orderNo: column('商户订单号'),
    kind: column('业务类型'),
    subject: column('商品名称', false),
    createdAt: column('创建时间'),
    finishedAt: column('完成时间'),
    counterparty: column('对方账户', false),
    amount: column('订单金额（元）'),
    received: column('商家实收（元）', false),
    fee: column('服务费（元）', false),
    refundNo: column('退款批次号/请求号', false),
    remark: column('备注', false),
  }
  const lines: AlipayBillLine[] = []
  for (let index = headerAt + 1; index < rows.length; index += 1) {
    const row = rows[index]
    // '#…业务明细列表结束' and the '#交易合计/#退款合计/#导出时间' summary follow the details
    if (row.startsWith('#')) break
    if (row.trim() === '') continue
    const fields = splitRecord(row)
    const value = (position: number): string => (position >= 0 ? (fields[position] ?? '') : '')
    const where = `账单第 ${index + 1} 行`
    const kindText = value(at.kind)
    if (kindText !== '交易' && kindText !== '退款') {
      throw new AlipayBillFormatError(`${where}: 未知业务类型 ${kindText}`)
    }
    const money = (position: number, name: string): Fen => {
      const text = value(position)
      if (position < 0 || text === '') return fen(0)
      try {
        return fen(Math.abs(yuanToFen(text, { signed: true })))
      } catch {
        throw new AlipayBillFormatError(`${where}: ${name} 不是金额: ${text}`)
      }
    }
    const createdAt = value(at.createdAt)
    const finishedAt = value(at.finishedAt)
    if (!parseAlipayTime(finishedAt) || (createdAt !== '' && !parseAlipayTime(createdAt))) {
      throw new AlipayBillFormatError(`${where}: 时间格式错误`)
    }
    const tradeNo = value(at.tradeNo)
    const orderNo = value(at.orderNo)
    if (!tradeNo) throw new AlipayBillFormatError(`${where}: 缺少支付宝交易号`)
    const refundNo = value(at.refundNo)
    const counterparty = value(at.counterparty)
    const remark = value(at.remark)
    lines.push({
      tradeNo,
      orderNo,
      kind: kindText === '交易' ? 'payment' : 'refund',
      subject: value(at.subject),
      createdAt,
      finishedAt,
      amount: money(at.amount, '订单金额'),
      received: money(at.received, '商家实收'),
      fee: money(at.fee, '服务费'),
      ...(refundNo ? { refundNo } : {}),
      ...(counterparty ? { counterparty } : {}),
      ...(remark ? { remark } : {}),
    })
  }
  return { account, merchantId: merchantOf(account), day, lines }
}

/** The port's statement lines of a parsed bill. */
export function statementLinesOf(bill: AlipayBill): StatementLine[] {
  return bill.lines.map((line) => ({
    provider: 'alipay',
    orderNo: line.orderNo,
    providerTradeNo: line.tradeNo,
    kind: line.kind,
    amount: line.amount,
    at: `${line.finishedAt.replace(' ', 'T')}+08:00`,
    merchantId: bill.merchantId,
    ...(line.refundNo ? { refundNo: line.refundNo } : {}),
  }))
}

export interface ZipEntry {
  name: string
  data: Buffer
}

/**
 * The entries of a zip archive (stored or deflated, no zip64), read from its central directory.
 * Names without the UTF-8 flag are GBK, as in the archives Alipay's bill centre serves.
 */
export function readZip(archive: Buffer): ZipEntry[] {
  const minimumEnd = 22
  let end = -1
  for (
    let at = archive.length - minimumEnd;
    at >= Math.max(0, archive.length - minimumEnd - 0xffff);
    at -= 1
  ) {
    if (archive.readUInt32LE(at) === 0x06054b50) {
      end = at
      break
    }
  }
  if (end < 0) throw new AlipayBillFormatError('账单文件不是 zip 压缩包')
  const count = archive.readUInt16LE(end + 10)
  let at = archive.readUInt32LE(end + 16)
  const gbk = new TextDecoder('gbk')
  const entries: ZipEntry[] = []
  for (let index = 0; index < count; index += 1) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new AlipayBillFormatError('zip 目录损坏')
    const flags = archive.readUInt16LE(at + 8)
    const method = archive.readUInt16LE(at + 10)
    const compressedSize = archive.readUInt32LE(at + 20)
    const nameLength = archive.readUInt16LE(at + 28)
    const extraLength = archive.readUInt16LE(at + 30)
    const commentLength = archive.readUInt16LE(at + 32)
    const localAt = archive.readUInt32LE(at + 42)
    const rawName = archive.subarray(at + 46, at + 46 + nameLength)
    const name = flags & 0x800 ? rawName.toString('utf8') : gbk.decode(rawName)
    if (archive.readUInt32LE(localAt) !== 0x04034b50) throw new AlipayBillFormatError('zip 条目损坏')
    const dataAt = localAt + 30 + archive.readUInt16LE(localAt + 26) + archive.readUInt16LE(localAt + 28)
    const compressed = archive.subarray(dataAt, dataAt + compressedSize)
    if (method !== 0 && method !== 8) throw new AlipayBillFormatError(`zip 压缩方式 ${method} 不支持`)
    entries.push({ name, data: method === 8 ? inflateRawSync(compressed) : Buffer.from(compressed) })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** The detail file of a downloaded bill archive ('…_业务明细.csv', not '…_业务明细(汇总).csv'), parsed. */
export function parseAlipayBillArchive(archive: Buffer): AlipayBill {
  const entries = readZip(archive)
  const detail =
    entries.find((entry) => entry.name.endsWith('业务明细.csv')) ??
    entries.find((entry) => !entry.name.includes('汇总') && entry.name.endsWith('.csv'))
  if (!detail) throw new AlipayBillFormatError('账单压缩包里没有业务明细文件')
  return parseAlipayTradeBill(new TextDecoder('gbk').decode(detail.data))
}
