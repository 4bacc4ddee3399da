import { shanghaiDay, shanghaiMonth } from '../../../core/businessTime'
import { collections, type AccountDoc } from '../../../core/documents'
import { BillsInputError, type BillCalendar } from '../../../core/bills/periods'
import type { BillsScope } from '../../../core/bills/lookups'
import { ActionError, type AuthedContext } from '../context'
import type { Stored } from './views'

/** The session's account as the bills core sees it. */
export function billsScope(ctx: AuthedContext): BillsScope {
  return { store: ctx.store, accountId: ctx.identity.accountId }
}

/** Today (server clock, Shanghai) and the month the account began: what bounds bill periods. */
export async function billCalendar(ctx: AuthedContext): Promise<BillCalendar> {
  const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, ctx.identity.accountId)
  const today = shanghaiDay(ctx.clock.now())
  return { today, accountMonth: account ? shanghaiMonth(new Date(account.createdAt)) : today.slice(0, 7) }
}

/** Runs a bills core call, its input refusals turned into INVALID_INPUT naming the field. */
export async function billsInput<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof BillsInputError)
      throw new ActionError('INVALID_INPUT', error.message, { [error.field]: error.message })
    throw error
  }
}

/** Cursors of lists paged in memory (statistics): `o` + the offset. */
export function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0
  const m = /^o(\d{1,6})$/.exec(cursor)
  if (!m) throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
  return Number(m[1])
}
