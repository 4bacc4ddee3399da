import type {
  InvoiceDetail,
  InvoiceRow,
  InvoiceSettingsView,
  InvoiceTitleView,
} from '../../../types/actions/invoices'
import { invoicePayee, payeeTaxNumber, type InvoiceSettingsValues } from '../../../types/invoiceRules'
import type { Fen } from '../../../types/money'
import { maskPersonalName } from '../masking'
import type { InvoiceDoc, InvoiceSettingsDoc, InvoiceTitleDoc, TripDoc, VehicleDoc } from '../documents'
import { splitTax, tollTaxRate } from './amounts'
import type { InvoiceBuyer, PrintedInvoice } from '../../ports/invoices'

/** The invoice code older documents (demo seed) were issued under. */
export const defaultInvoiceCode = '033002400111'

export function titleKindOf(title: Pick<InvoiceTitleDoc, 'kind' | 'taxNumber'>): 'personal' | 'company' {
  return title.kind ?? (title.taxNumber === null ? 'personal' : 'company')
}

/** A personal buyer name is personal data like any other name; a company name is public. */
export function shownTitleName(kind: 'personal' | 'company', name: string): string {
  return kind === 'personal' ? maskPersonalName(name) : name
}

export function titleView(title: InvoiceTitleDoc): InvoiceTitleView {
  const kind = titleKindOf(title)
  return {
    id: title.id,
    vehicleId: title.vehicleId,
    kind,
    name: shownTitleName(kind, title.title),
    taxNumber: title.taxNumber,
    address: title.address ?? null,
    phone: title.phone ?? null,
    bank: title.bank ?? null,
    bankAccount: title.bankAccount ?? null,
    isDefault: title.isDefault,
    createdAt: title.createdAt,
    updatedAt: title.updatedAt ?? title.createdAt,
  }
}

export function buyerOf(title: InvoiceTitleDoc): InvoiceBuyer {
  return {
    kind: titleKindOf(title),
    name: title.title,
    taxNumber: title.taxNumber,
    address: title.address ?? null,
    phone: title.phone ?? null,
    bank: title.bank ?? null,
    bankAccount: title.bankAccount ?? null,
  }
}

/** Default titles first, then newest first. */
export function sortTitles<T extends InvoiceTitleDoc>(titles: T[]): T[] {
  return [...titles].sort(
    (a, b) =>
      Number(b.isDefault) - Number(a.isDefault) ||
      b.createdAt.localeCompare(a.createdAt) ||
      a.id.localeCompare(b.id),
  )
}

export const defaultSettings: InvoiceSettingsValues = {
  singleTrip: false,
  monthlyMerged: false,
  email: null,
  autoSend: false,
}

/** The settings document of a vehicle, or the defaults for one that never had settings. */
export function settingsOf(
  vehicle: VehicleDoc,
  stored: InvoiceSettingsDoc | null,
  defaultTitle: InvoiceTitleDoc | null,
): InvoiceSettingsDoc {
  const values = stored ?? defaultSettings
  return {
    id: vehicle.id,
    accountId: vehicle.accountId,
    vehicleId: vehicle.id,
    plate: vehicle.plate,
    plateColor: vehicle.plateColor,
    cardType: vehicle.cardType,
    scope: vehicle.scope,
    singleTrip: values.singleTrip,
    monthlyMerged: values.monthlyMerged,
    email: values.email,
    autoSend: values.autoSend,
    defaultTitle: defaultTitle?.title ?? '',
    defaultTitleId: defaultTitle?.id ?? null,
    updatedAt: stored?.updatedAt ?? null,
  }
}

export function settingsView(
  doc: InvoiceSettingsDoc,
  defaultTitle: InvoiceTitleDoc | null,
): InvoiceSettingsView {
  return {
    vehicleId: doc.vehicleId,
    plate: doc.plate,
    plateColor: doc.plateColor,
    cardType: doc.cardType,
    singleTrip: doc.singleTrip,
    monthlyMerged: doc.monthlyMerged,
    email: doc.email,
    autoSend: doc.autoSend,
    defaultTitle: defaultTitle
      ? shownTitleName(titleKindOf(defaultTitle), defaultTitle.title)
      : doc.defaultTitle === ''
        ? null
        : doc.defaultTitle,
    updatedAt: doc.updatedAt,
  }
}

export function invoiceRow(
  invoice: InvoiceDoc,
  vehicle: Pick<VehicleDoc, 'plate' | 'plateColor'> | null,
  firstTrip: TripDoc | null,
): InvoiceRow {
  const kind = invoice.titleKind ?? (invoice.taxNumber === null ? 'personal' : 'company')
  return {
    id: invoice.id,
    kind: invoice.kind,
    invoiceNo: invoice.invoiceNo,
    vehicleId: invoice.vehicleId === '' ? null : invoice.vehicleId,
    plate: invoice.plate ?? vehicle?.plate ?? null,
    plateColor: vehicle?.plateColor ?? null,
    titleName: shownTitleName(kind, invoice.title),
    payee: invoicePayee,
    issuedAt: invoice.issuedAt,
    amount: invoice.amount,
    status: invoice.status ?? 'issued',
    entryStation: invoice.kind === 'singleTrip' ? (firstTrip?.entryStation ?? null) : null,
    exitStation: invoice.kind === 'singleTrip' ? (firstTrip?.exitStation ?? null) : null,
    passedAt: invoice.kind === 'singleTrip' ? (firstTrip?.exitAt ?? null) : null,
    month: invoice.kind === 'recharge' ? null : invoice.month,
    tripCount: invoice.tripIds.length,
    orderNo: invoice.orderNo ?? null,
  }
}

export function pdfFileName(invoice: Pick<InvoiceDoc, 'invoiceNo'>): string {
  return `发票-${invoice.invoiceNo}.pdf`
}

export function invoiceDetail(
  invoice: InvoiceDoc,
  row: InvoiceRow,
  replaced: InvoiceDoc | null,
): InvoiceDetail {
  const { net, tax } = splitTax(invoice.amount)
  const kind = invoice.titleKind ?? (invoice.taxNumber === null ? 'personal' : 'company')
  const status = invoice.status ?? 'issued'
  return {
    invoice: {
      ...row,
      invoiceCode: invoice.invoiceCode ?? defaultInvoiceCode,
      net,
      tax,
      taxRate: tollTaxRate.label,
      payeeTaxNumber,
    },
    title: {
      kind,
      name: shownTitleName(kind, invoice.title),
      taxNumber: invoice.taxNumber,
      address: invoice.titleAddress ?? null,
      phone: invoice.titlePhone ?? null,
      bank: invoice.titleBank ?? null,
      bankAccount: invoice.titleBankAccount ?? null,
    },
    pdf: { fileName: pdfFileName(invoice) },
    reissue: invoice.reissue ?? null,
    replaces: replaced ? { id: replaced.id, invoiceNo: replaced.invoiceNo } : null,
    canReissue: status === 'issued' && (invoice.reissue?.state ?? 'failed') === 'failed',
  }
}

/** The line a trip prints as on an invoice. */
export function tripLine(trip: TripDoc, day: string): { label: string; amount: Fen } {
  const route = trip.entryStation ? `${trip.entryStation}→${trip.exitStation}` : trip.exitStation
  return { label: `通行费 ${trip.plate} ${day} ${route}`, amount: (trip.amount - trip.discount) as Fen }
}

/** What the platform prints for a stored invoice (its PDF is fetched from this). */
export function printedInvoice(
  invoice: InvoiceDoc,
  lines: Array<{ label: string; amount: Fen }>,
  replaced: InvoiceDoc | null,
): PrintedInvoice {
  return {
    invoiceId: invoice.id,
    kind: invoice.kind,
    buyer: {
      kind: invoice.titleKind ?? (invoice.taxNumber === null ? 'personal' : 'company'),
      name: invoice.title,
      taxNumber: invoice.taxNumber,
      address: invoice.titleAddress ?? null,
      phone: invoice.titlePhone ?? null,
      bank: invoice.titleBank ?? null,
      bankAccount: invoice.titleBankAccount ?? null,
    },
    amount: invoice.amount,
    lines,
    plate: invoice.plate ?? null,
    issuedAt: invoice.issuedAt,
    replaces: replaced
      ? { invoiceNo: replaced.invoiceNo, invoiceCode: replaced.invoiceCode ?? defaultInvoiceCode }
      : null,
    invoiceNo: invoice.invoiceNo,
    invoiceCode: invoice.invoiceCode ?? defaultInvoiceCode,
    status: invoice.status ?? 'issued',
  }
}
