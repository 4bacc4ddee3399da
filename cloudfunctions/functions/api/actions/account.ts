import { collections, type AccountDoc } from '../../../core/documents'
import { maskPhone } from '../../../core/masking'
import type { ActionResponses } from '../../../../types/api'
import { ActionError, type AuthedContext } from '../context'
import { accountSummary, type Stored } from './views'

export async function me(ctx: AuthedContext): Promise<ActionResponses['account.me']> {
  const { accountId } = ctx.identity
  const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, accountId)
  if (!account) throw new ActionError('NOT_FOUND', '账户不存在')
  const ownCurrent = [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'scope', op: 'eq', value: 'current' },
  ] as const
  const vehicleCount = await ctx.store.count(collections.vehicles, [...ownCurrent])
  const storedCards =
    account.unallocatedBalance > 0
      ? 1
      : await ctx.store.count(collections.vehicles, [
          ...ownCurrent,
          { field: 'cardType', op: 'eq', value: 'stored' },
        ])
  const phone = ctx.vault.open(account.userType === 'unit' ? account.agentPhone : account.phone)
  return {
    account: accountSummary(account),
    phone: maskPhone(phone),
    vehicleCount,
    showStoredValueMenu: account.unallocatedBalance > 0 || storedCards > 0,
  }
}
