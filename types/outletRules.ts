import { formatYuan, type Fen } from './money'

/**
 * Wording of the outlet operator's load tools (seeds 002/003), shared by the server's answers and
 * the pages. Free of zod: src/ imports it at run time.
 */

export const outletRecordStateLabels = { loaded: '已圈存', not_loaded: '未圈存' } as const

/** Seed 003 图七: the question before a load of a 未圈存 record. */
export function loadConfirmMessage(balance: Fen | null, amount: Fen): string {
  const shown = balance === null ? '未知' : formatYuan(balance)
  return `卡内余额 ${shown} 元，圈存金额 ${formatYuan(amount)} 元，是否圈存？`
}
