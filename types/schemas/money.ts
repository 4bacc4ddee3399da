import { z } from 'zod'
import type { Fen } from '../money'

/**
 * The zod schema of an amount in fen. Server-side and contract only (types/actions/*): src/
 * never imports this module at run time, so zod stays out of the mini-program and H5 bundles.
 */
export const fenSchema = z
  .number({ error: '金额必须是数字' })
  .int('金额必须精确到分')
  .refine(Number.isSafeInteger, '金额超出范围')
  .transform((v) => v as Fen)
