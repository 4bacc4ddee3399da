import { createHash } from 'node:crypto'
import { fen, type Fen } from '../../../types/money'
import type { Store } from '../../ports/store'
import { requestKeyDocId } from '../requestKeys'
import { collections, type CardDoc } from '../documents'
import { LedgerError, postTransfers, projectedBalance, type TransferInput } from '../ledger'
import { allocateEvenly, allocateSame } from './allocateEvenly'
import type { AllocationDoc, AllocationRecordDoc, MoneySource } from './moneyDocuments'

type Stored<T> = T & { [key: string]: unknown }

/** A pre-allocation as the user asked for it (seed §2.8.1). */
export type AllocationPlan =
  | { mode: 'even'; perCard: Fen }
  | { mode: 'all' }
  | { mode: 'custom'; items: ReadonlyArray<{ cardId: string; amount: Fen }> }

export class AllocationError extends Error {
  constructor(
    readonly code:
      | 'KEY_REUSED'
      | 'INSUFFICIENT_FUNDS'
      | 'NO_RECEIVING_CARD'
      | 'CARD_CANNOT_RECEIVE'
      | 'NOTHING_TO_ALLOCATE',
    message: string,
    readonly cardId?: string,
  ) {
    super(message)
    this.name = 'AllocationError'
  }
}

/** A stored-value card of the account that may receive (已发行), in the order parts are given. */
export interface ReceivingCard {
  cardId: string
  vehicleId: string
}

/**
 * Applies a pre-allocation in one transaction: a ledger transfer per card (the account's funds →
 * the card's unloaded funds), a record per card, and the allocation itself under its idempotency
 * key. The same key and request answer the first result; another request under the key is
 * refused. The total never exceeds the available balance (the ledger refuses it), and only cards
 * that are 已发行 and the account's own receive: each is read again inside the transaction.
 *
 * `receiving` lists the account's receiving cards (read before the transaction, since queries
 * are refused inside one), ordered by plate: 'even' and 'all' give to each of them.
 */
export async function applyAllocation(
  store: Store,
  args: {
    accountId: string
    key: string
    plan: AllocationPlan
    receiving: readonly ReceivingCard[]
    source: MoneySource
    now: Date
  },
): Promise<AllocationDoc> {
  const { accountId, key, plan, receiving, source, now } = args
  const id = requestKeyDocId(accountId, 'allocation', key)
  const fingerprint = createHash('sha256').update(JSON.stringify(plan)).digest('base64url')

  return store.transaction(async (tx) => {
    const done = await tx.get<Stored<AllocationDoc>>(collections.allocations, id)
    if (done) {
      if (done.fingerprint !== fingerprint || done.accountId !== accountId)
        throw new AllocationError('KEY_REUSED', '该分配请求编号已用于另一次分配，请重新发起')
      return done
    }

    const userFunds = { kind: 'userFunds', accountId } as const
    let parts: Array<{ cardId: string; amount: Fen }>
    if (plan.mode === 'custom') {
      parts = plan.items.map((item) => ({ cardId: item.cardId, amount: item.amount }))
    } else {
      if (receiving.length === 0)
        throw new AllocationError('NO_RECEIVING_CARD', '名下没有可接收分配的已发行储值卡')
      const amounts =
        plan.mode === 'even'
          ? allocateSame(plan.perCard, receiving.length).parts
          : allocateEvenly(await projectedBalance(tx, userFunds), receiving.length)
      if (amounts.length === 0) throw new AllocationError('NOTHING_TO_ALLOCATE', '可用余额为0，无可分配金额')
      parts = amounts.map((amount, i) => ({ cardId: receiving[i].cardId, amount }))
    }

    const records: AllocationRecordDoc[] = []
    for (const part of parts) {
      const card = await tx.get<Stored<CardDoc>>(collections.cards, part.cardId)
      if (!card || card.accountId !== accountId || card.type !== 'stored' || card.status !== 'issued') {
        throw new AllocationError(
          'CARD_CANNOT_RECEIVE',
          '所选通行卡不是已发行的储值卡，无法分配',
          part.cardId,
        )
      }
      records.push({
        id: `${id}:${card.id}`,
        allocationId: id,
        accountId,
        cardId: card.id,
        vehicleId: card.vehicleId,
        amount: part.amount,
        source,
        at: now.toISOString(),
      })
    }

    const transfers: TransferInput[] = parts.map((part) => ({
      id: `allocation:${id}:${part.cardId}`,
      debit: userFunds,
      credit: { kind: 'cardUnloaded', cardId: part.cardId },
      amount: part.amount,
      reason: 'allocation',
      ref: id,
    }))
    try {
      await postTransfers(tx, transfers, now)
    } catch (error) {
      if (error instanceof LedgerError && error.code === 'INSUFFICIENT_FUNDS')
        throw new AllocationError('INSUFFICIENT_FUNDS', '本次预分配总金额超过可用余额')
      throw error
    }
    for (const record of records) await tx.set(collections.allocationRecords, record.id, { ...record })
    const allocation: AllocationDoc = {
      id,
      accountId,
      fingerprint,
      total: fen(parts.reduce((sum, part) => sum + part.amount, 0)),
      parts,
      source,
      at: now.toISOString(),
    }
    await tx.set(collections.allocations, id, { ...allocation })
    return allocation
  })
}
