import { fen, type Fen } from '../../../types/money'

/**
 * 分配全部可用余额: splits `total` fen over `count` cards so the parts differ by at most one fen and
 * sum exactly to `total`; the remainder goes to the first cards (the caller orders them, by plate).
 * A card whose part would be 0 fen gets nothing: the result can be shorter than `count`.
 */
export function allocateEvenly(total: Fen, count: number): Fen[] {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError('allocateEvenly needs at least one card')
  if (!Number.isSafeInteger(total) || total < 0)
    throw new RangeError('allocateEvenly needs a total in fen ≥ 0')
  const base = Math.floor(total / count)
  const remainder = total - base * count
  const parts: Fen[] = []
  for (let i = 0; i < count; i++) {
    const part = base + (i < remainder ? 1 : 0)
    if (part > 0) parts.push(fen(part))
  }
  return parts
}

/** 平均分配: the same amount to every card; the total is amount × cards. */
export function allocateSame(perCard: Fen, count: number): { parts: Fen[]; total: Fen } {
  const total = perCard * count
  if (!Number.isSafeInteger(total)) throw new RangeError('allocation total out of range')
  return { parts: Array.from({ length: count }, () => perCard), total: fen(total) }
}
