import type { ApiError } from '../../../../services/api'
import { invoicingModeLabels, type InvoicingMode } from '../../../../../types/invoiceRules'

/** Why stored-value accounts choose one 开票方式: the same money must not be invoiced twice. */
export const invoicingModeRule =
  '储值卡账户的资金只能开一次发票：按充值开票时每笔充值开具充值发票，按通行开票时按通行记录开具通行费发票，两种方式不能同时使用，首次开票后即锁定。'

/** The account's 开票方式 does not allow this invoice: what it is, and the rule. */
export function modeMismatchText(mode: InvoicingMode): string {
  return `本账户开票方式为“${invoicingModeLabels[mode]}”，不能开具此发票。${invoicingModeRule}`
}

/** An invoices.issue failure as the page says it. */
export function issueErrorText(error: ApiError): string {
  const message = error.message.replace(/[。.]$/, '')
  switch (error.code) {
    case 'INVOICING_MODE_MISMATCH':
      return `${message}。${invoicingModeRule}`
    case 'ALREADY_INVOICED':
      return `${message}。可在已开票查询中查看该发票`
    case 'INVOICE_TITLE_REQUIRED':
      return '请先选择发票抬头，没有抬头时请在开票设置中添加'
    case 'NETWORK':
      return `${message}。再次提交不会重复开票`
    default:
      return error.message
  }
}
