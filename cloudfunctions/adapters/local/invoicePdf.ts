import { formatYuan, type Fen } from '../../../types/money'
import { invoiceKindLabels, invoicePayee, payeeTaxNumber, titleKindLabels } from '../../../types/invoiceRules'
import { shanghaiDay } from '../../core/businessTime'
import { splitTax, tollTaxRate } from '../../core/invoices/amounts'
import type { PrintedInvoice } from '../../ports/invoices'
import { fontRuns, notoSansScParts, type FontPart } from './cjkFont'

/**
 * Renders an invoice as a one-page PDF with real (extractable) Chinese text: pdf-lib with the
 * glyphs it uses of Noto Sans SC embedded. pdf-lib and fontkit load on first use only, so the api
 * function's cold start does not pay for them.
 */
export async function renderInvoicePdf(invoice: PrintedInvoice): Promise<Uint8Array> {
  const [{ PDFDocument, rgb }, fontkitModule] = await Promise.all([
    import('pdf-lib'),
    import('@pdf-lib/fontkit'),
  ])
  const fontkit = (fontkitModule as { default?: unknown }).default ?? fontkitModule
  const doc = await PDFDocument.create()
  doc.registerFontkit(fontkit as Parameters<typeof doc.registerFontkit>[0])
  doc.setTitle(`${invoiceKindLabels[invoice.kind]} ${invoice.invoiceNo}`)
  doc.setProducer('ETC 自助服务')
  const parts = notoSansScParts()
  const embedded = new Map<FontPart, Awaited<ReturnType<typeof doc.embedFont>>>()
  const page = doc.addPage([595, 842])
  const ink = rgb(0.1, 0.1, 0.1)

  async function text(value: string, x: number, y: number, size = 10, color = ink): Promise<void> {
    let at = x
    for (const run of fontRuns(value, parts)) {
      let font = embedded.get(run.part)
      if (!font) {
        font = await doc.embedFont(run.part.bytes, { subset: true })
        embedded.set(run.part, font)
      }
      page.drawText(run.text, { x: at, y, size, font, color })
      at += font.widthOfTextAtSize(run.text, size)
    }
  }

  const { net, tax } = splitTax(invoice.amount)
  const day = shanghaiDay(new Date(invoice.issuedAt))
  await text('浙江省通行费电子发票', 200, 790, 18)
  await text(`（${invoiceKindLabels[invoice.kind]}）`, 255, 768, 11)
  await text(`发票代码：${invoice.invoiceCode}`, 380, 740)
  await text(`发票号码：${invoice.invoiceNo}`, 380, 724)
  await text(`开票日期：${day}`, 380, 708)
  if (invoice.plate) await text(`车牌号码：${invoice.plate}`, 50, 740)

  page.drawRectangle({ x: 40, y: 590, width: 515, height: 100, borderColor: ink, borderWidth: 0.8 })
  await text(`购买方（${titleKindLabels[invoice.buyer.kind]}）`, 50, 672, 11)
  await text(`名称：${invoice.buyer.name}`, 50, 654)
  if (invoice.buyer.taxNumber) await text(`纳税人识别号：${invoice.buyer.taxNumber}`, 50, 638)
  const addressPhone = [invoice.buyer.address, invoice.buyer.phone].filter(Boolean).join(' ')
  if (addressPhone) await text(`地址、电话：${addressPhone}`, 50, 622)
  const bank = [invoice.buyer.bank, invoice.buyer.bankAccount].filter(Boolean).join(' ')
  if (bank) await text(`开户行及账号：${bank}`, 50, 606)

  await text('项目名称', 50, 566, 11)
  await text('金额（元）', 470, 566, 11)
  let y = 548
  const shown = invoice.lines.slice(0, 24)
  for (const line of shown) {
    await text(line.label, 50, y, 9)
    await text(formatYuan(line.amount), 470, y, 9)
    y -= 14
  }
  if (invoice.lines.length > shown.length)
    await text(`…… 共 ${invoice.lines.length} 笔通行，明细见合并票详情`, 50, y, 9)

  page.drawLine({ start: { x: 40, y: 190 }, end: { x: 555, y: 190 }, thickness: 0.8, color: ink })
  await text(`金额：¥${formatYuan(net)}    税率：${tollTaxRate.label}    税额：¥${formatYuan(tax)}`, 50, 172)
  await text(`价税合计：¥${formatYuan(invoice.amount as Fen)}`, 50, 154, 12)
  await text(`销售方（收款人）：${invoicePayee}`, 50, 120)
  await text(`纳税人识别号：${payeeTaxNumber}`, 50, 104)
  if (invoice.replaces) await text(`本发票为红冲重开，原发票号码：${invoice.replaces.invoiceNo}`, 50, 80, 9)
  if (invoice.status === 'reversed') await text('已红冲', 420, 780, 24, rgb(0.8, 0.1, 0.1))
  return doc.save()
}
