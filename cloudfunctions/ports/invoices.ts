import type { Fen } from '../../types/money'

/**
 * The toll invoice platform (通行费电子票据服务平台): it numbers and signs invoices and keeps their
 * PDFs. In production an adapter calls the platform; locally (`npm start`, tests) the local
 * adapter numbers them itself and renders the PDF (adapters/local/invoicePlatform.ts).
 */

export interface InvoiceBuyer {
  kind: 'personal' | 'company'
  name: string
  taxNumber: string | null
  address: string | null
  phone: string | null
  bank: string | null
  bankAccount: string | null
}

export interface InvoiceLine {
  /** e.g. 通行费 浙A12345 2024-11-22 杭州东→宁波北 */
  label: string
  amount: Fen
}

/** What the platform is asked to issue. */
export interface InvoiceIssueRequest {
  /** Our id: the platform's idempotency key, so a retried call never issues twice. */
  invoiceId: string
  kind: 'singleTrip' | 'monthlyMerged' | 'recharge'
  buyer: InvoiceBuyer
  amount: Fen
  lines: InvoiceLine[]
  plate: string | null
  /** When it is issued (the printed 开票日期 is its Shanghai day). */
  issuedAt: string
  /** 红冲重开: the invoice the new one replaces (it is reversed first). */
  replaces: { invoiceNo: string; invoiceCode: string } | null
}

export interface IssuedInvoice {
  invoiceNo: string
  invoiceCode: string
}

/** An issued invoice as printed (for fetching its PDF). */
export interface PrintedInvoice extends InvoiceIssueRequest, IssuedInvoice {
  status: 'issued' | 'reversed'
}

export interface InvoicePlatform {
  /** Issues an invoice (idempotent by invoiceId). */
  issue(request: InvoiceIssueRequest): Promise<IssuedInvoice>
  /** Reverses (红冲) an issued invoice. */
  reverse(invoice: IssuedInvoice): Promise<void>
  /** The invoice's PDF as the platform keeps it. */
  pdf(invoice: PrintedInvoice): Promise<Uint8Array>
}

export class InvoicePlatformError extends Error {
  constructor(
    readonly code: 'UNAVAILABLE' | 'REFUSED',
    message: string,
  ) {
    super(message)
    this.name = 'InvoicePlatformError'
  }
}
