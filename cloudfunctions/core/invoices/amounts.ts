import type { Fen } from '../../../types/money'

/** Toll invoices carry 3% VAT inside the amount (价税合计): tax = round(amount × 3 / 103), half up. */
export const tollTaxRate = { numerator: 3, label: '3%' } as const

export function splitTax(amount: Fen): { net: Fen; tax: Fen } {
  const tax = Math.floor(
    (amount * tollTaxRate.numerator * 2 + (100 + tollTaxRate.numerator)) /
      ((100 + tollTaxRate.numerator) * 2),
  )
  return { net: (amount - tax) as Fen, tax: tax as Fen }
}
