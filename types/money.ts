import Big from 'big.js'

/**
 * Money in integer fen, and its yuan text. Plain functions only: the zod schema of an amount
 * lives in types/schemas/money.ts (server and contract), so importing this file ships no zod.
 */

/** An amount of money in integer fen (1 yuan = 100 fen). Never a float. */
export type Fen = number & { readonly __unit: 'fen' }

export class MoneyError extends Error {}

export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`金额必须是整数分: ${value}`)
  return value as Fen
}

/** Groups the integer digits of a non-negative decimal string in threes: "12880.00" → "12,880.00". */
function groupThousands(text: string): string {
  const dot = text.indexOf('.')
  const whole = dot < 0 ? text : text.slice(0, dot)
  const grouped = whole.replace(/\B(?=(\d{3})+$)/g, ',')
  return dot < 0 ? grouped : grouped + text.slice(dot)
}

/** "12,880.00" style yuan string (thousands separated, two decimals), for display and export only. */
export function formatYuan(amount: Fen): string {
  const text = new Big(amount).div(100).toFixed(2)
  return text.startsWith('-') ? `-${groupThousands(text.slice(1))}` : groupThousands(text)
}

/**
 * Parses what a user typed ("12", "12.3", "12.30", also "12,880.00" as formatYuan shows it) into
 * fen; refuses more than 2 decimals.
 */
export function parseYuan(input: string): Fen {
  const text = input.trim()
  const plain = /^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(text) ? text.replace(/,/g, '') : text
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(plain)) throw new MoneyError('请输入正确的金额，最多两位小数')
  return fen(Number(new Big(plain).times(100).toFixed(0)))
}
