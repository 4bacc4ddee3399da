import Big from 'big.js'
import { z } from 'zod'

/** An amount of money in integer fen (1 yuan = 100 fen). Never a float. */
export type Fen = number & { readonly __unit: 'fen' }

export class MoneyError extends Error {}

export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`金额必须是整数分: ${value}`)
  return value as Fen
}

export const fenSchema = z
  .number({ error: '金额必须是数字' })
  .int('金额必须精确到分')
  .refine(Number.isSafeInteger, '金额超出范围')
  .transform((v) => v as Fen)

/** "12.30" style yuan string, for display and export only. */
export function formatYuan(amount: Fen): string {
  return new Big(amount).div(100).toFixed(2)
}

/** Parses what a user typed ("12", "12.3", "12.30") into fen; refuses more than 2 decimals. */
export function parseYuan(input: string): Fen {
  const text = input.trim()
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text)) throw new MoneyError('请输入正确的金额，最多两位小数')
  return fen(Number(new Big(text).times(100).toFixed(0)))
}
