import { createHash } from 'node:crypto'
import type {
  InvoiceIssueRequest,
  InvoicePlatform,
  IssuedInvoice,
  PrintedInvoice,
} from '../../ports/invoices'
import { renderInvoicePdf } from './invoicePdf'

/** The local platform's invoice code (发票代码): one batch for every invoice it issues. */
export const localInvoiceCode = '033002400111'

/** A 20-digit number from the invoice id: the same id always gets the same number (idempotent issue). */
export function localInvoiceNo(invoiceId: string): string {
  const digest = createHash('sha256').update(`invoice-no\n${invoiceId}`).digest()
  const digits = BigInt(`0x${digest.subarray(0, 8).toString('hex')}`) % 10n ** 16n
  return `2533${digits.toString().padStart(16, '0')}`
}

/**
 * The invoice platform on this machine (`npm start`, tests): numbers invoices itself and renders
 * their PDFs on request; nothing leaves the machine.
 */
export class LocalInvoicePlatform implements InvoicePlatform {
  issue(request: InvoiceIssueRequest): Promise<IssuedInvoice> {
    return Promise.resolve({ invoiceNo: localInvoiceNo(request.invoiceId), invoiceCode: localInvoiceCode })
  }

  reverse(): Promise<void> {
    return Promise.resolve()
  }

  pdf(invoice: PrintedInvoice): Promise<Uint8Array> {
    return renderInvoicePdf(invoice)
  }
}

export function createLocalInvoicePlatform(): InvoicePlatform {
  return new LocalInvoicePlatform()
}
