import type { InvoiceRow, ReissueView } from '../../../types'

/**
 * The status an invoice reads as (正常 / 已红冲 / 重开中): a re-issue still processing outranks
 * the invoice's own status, which stays 'issued' until the platform reverses it.
 */
export type InvoiceStatusView = 'normal' | 'reversed' | 'reissuing'

export const invoiceStatusViewLabels: Record<InvoiceStatusView, string> = {
  normal: '正常',
  reversed: '已红冲',
  reissuing: '重开中',
}

export function invoiceStatusView(
  status: InvoiceRow['status'],
  reissue: Pick<ReissueView, 'state'> | null = null,
): InvoiceStatusView {
  if (status === 'reversed') return 'reversed'
  return reissue?.state === 'processing' ? 'reissuing' : 'normal'
}

/** 杭州(入) → 宁波(出), or the one station a trip has. */
export function stationsText(entry: string | null, exit: string | null): string {
  if (entry && exit) return `${entry} → ${exit}`
  return exit ?? entry ?? '-'
}

/** "2024-11" → "2024年11月". */
export function monthText(month: string | null): string {
  if (!month) return '-'
  const [y, m] = month.split('-')
  return `${y}年${Number(m)}月`
}
