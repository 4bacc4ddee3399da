import { pdfText } from '../../../test/integration/invoicePdfText'
import type { Fen } from '../../../types/money'
import type { PrintedInvoice } from '../../ports/invoices'
import { createLocalInvoicePlatform, localInvoiceNo } from './invoicePlatform'
import { woffToSfnt } from './cjkFont'

const invoice: PrintedInvoice = {
  invoiceId: 'inv-test-1',
  kind: 'monthlyMerged',
  buyer: {
    kind: 'company',
    name: '杭州云栖物流有限公司',
    taxNumber: '91330106MA2B3C4D5D',
    address: '杭州市西湖区文三路1号',
    phone: '0571-88888888',
    bank: '中国工商银行杭州分行',
    bankAccount: '1202020209000012345',
  },
  amount: 11600 as Fen,
  lines: [
    { label: '通行费 浙A12345 2024-11-22 杭州东→宁波北', amount: 6600 as Fen },
    { label: '通行费 浙A12345 2024-11-23 宁波北→杭州东', amount: 5000 as Fen },
  ],
  plate: '浙A12345',
  issuedAt: '2024-12-01T17:30:00.000Z',
  replaces: null,
  invoiceNo: localInvoiceNo('inv-test-1'),
  invoiceCode: '033002400111',
  status: 'issued',
}

describe('invoice PDFs (local platform)', () => {
  it('hold the title, amount and invoice number as real text in Chinese', async () => {
    const bytes = await createLocalInvoicePlatform().pdf(invoice)
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    const text = (await pdfText(bytes)).replace(/\s+/g, '')
    expect(text).toContain('杭州云栖物流有限公司')
    expect(text).toContain('91330106MA2B3C4D5D')
    expect(text).toContain('116.00')
    expect(text).toContain(invoice.invoiceNo)
    expect(text).toContain('浙江高速公路智能收费运营服务有限公司')
    // the business day in Shanghai, though the instant is the evening before in UTC
    expect(text).toContain('2024-12-02')
    expect(text).not.toContain('已红冲')
  }, 30_000)

  it('mark a reversed invoice 已红冲 and a re-issued one with the number it replaces', async () => {
    const bytes = await createLocalInvoicePlatform().pdf({
      ...invoice,
      status: 'reversed',
      replaces: { invoiceNo: '25330000000000000001', invoiceCode: '033002400111' },
    })
    const text = (await pdfText(bytes)).replace(/\s+/g, '')
    expect(text).toContain('已红冲')
    expect(text).toContain('原发票号码：25330000000000000001')
  }, 30_000)

  it('embed only a subset of the font (a page of text stays small)', async () => {
    const bytes = await createLocalInvoicePlatform().pdf(invoice)
    expect(bytes.byteLength).toBeLessThan(400_000)
  }, 30_000)

  it('numbers invoices deterministically: 20 digits, one number per invoice id', () => {
    expect(localInvoiceNo('a')).toMatch(/^2533\d{16}$/)
    expect(localInvoiceNo('a')).toBe(localInvoiceNo('a'))
    expect(localInvoiceNo('a')).not.toBe(localInvoiceNo('b'))
  })

  it('refuses a file that is not WOFF', () => {
    expect(() => woffToSfnt(new Uint8Array(64))).toThrow('not a WOFF file')
  })
})
