import { formatYuan, MoneyError, parseYuan, type Fen } from '../../../types/money'
import { maxAllocationCards, maxRechargeFen, minRechargeFen } from '../../../types/moneyRules'

export * from '../../../types/moneyRules'

/** What an amount field holds: nothing yet, a valid amount in fen, or the reason it is not one. */
export type AmountCheck =
  { state: 'empty' } | { state: 'ok'; amount: Fen } | { state: 'invalid'; message: string }

export interface AmountLimits {
  min: Fen
  max: Fen
}

/** The contract's bounds, until money.summary answers its own. */
export const defaultRechargeLimits: AmountLimits = { min: minRechargeFen, max: maxRechargeFen }

/** 单笔充值金额 0.01–100,000.00 元 */
export const limitsText = (limits: AmountLimits): string =>
  `单笔充值金额 ${formatYuan(limits.min)}–${formatYuan(limits.max)} 元`

function parse(text: string): AmountCheck {
  if (text.trim() === '') return { state: 'empty' }
  try {
    return { state: 'ok', amount: parseYuan(text) }
  } catch (e) {
    return { state: 'invalid', message: e instanceof MoneyError ? e.message : '请输入正确的金额' }
  }
}

/** A typed recharge amount against the limits, with the contract's messages. */
export function checkRechargeAmount(text: string, limits: AmountLimits): AmountCheck {
  const parsed = parse(text)
  if (parsed.state !== 'ok') return parsed
  if (parsed.amount < limits.min)
    return { state: 'invalid', message: `充值金额最少${formatYuan(limits.min)}元` }
  if (parsed.amount > limits.max)
    return { state: 'invalid', message: `单笔充值金额最多${formatYuan(limits.max)}元` }
  return parsed
}

/** A typed allocation amount (one card's), with the contract's messages. */
export function checkAllocationAmount(text: string): AmountCheck {
  const parsed = parse(text)
  if (parsed.state !== 'ok') return parsed
  if (parsed.amount < 1) return { state: 'invalid', message: '分配金额最少0.01元' }
  if (parsed.amount > maxRechargeFen)
    return { state: 'invalid', message: `单车分配金额最多${formatYuan(maxRechargeFen)}元` }
  return parsed
}

/** One allocation reaches at most this many cards (the contract's maxAllocationCards). */
export const allocationCardLimit = maxAllocationCards

/** Sums fen without ever leaving integers. */
export function sumFen(amounts: readonly Fen[]): Fen {
  return amounts.reduce<number>((sum, a) => sum + a, 0) as Fen
}
