import { collections, type AccountDoc } from '../../../core/documents'
import { balanceOf } from '../../../core/ledger'
import { maskIdNumber, maskPersonalName, maskPhone, maskUnitName } from '../../../core/masking'
import type { Condition } from '../../../ports/store'
import type { ActionResponses, UserProfile } from '../../../../types/api'
import { ActionError, type AuthedContext } from '../context'
import { pageVehicles } from './vehicles'
import { accountSummary, type Stored } from './views'

/** How many valid vehicles the user center shows before "load more" (vehicles.list continues). */
export const userCenterVehicles = 10

async function ownAccount(ctx: AuthedContext): Promise<Stored<AccountDoc>> {
  const account = await ctx.store.get<Stored<AccountDoc>>(collections.accounts, ctx.identity.accountId)
  if (!account) throw new ActionError('NOT_FOUND', '账户不存在')
  return account
}

function profileOf(ctx: AuthedContext, account: AccountDoc): UserProfile {
  const unit = account.userType === 'unit'
  const phone = ctx.vault.open(unit ? account.agentPhone : account.phone)
  return {
    userType: account.userType,
    userTypeLabel: unit ? '单位用户' : '个人用户',
    name: unit ? maskUnitName(account.name) : maskPersonalName(account.name),
    idType: account.idType,
    idNumber: maskIdNumber(ctx.vault.open(account.idNumber)),
    phone: maskPhone(phone),
    agentName: unit ? maskPersonalName(account.agentName) : null,
  }
}

export async function me(ctx: AuthedContext): Promise<ActionResponses['account.me']> {
  const { accountId } = ctx.identity
  // 未预分配金额 is the ledger's balance of the account's funds
  const [account, funds] = await Promise.all([
    ownAccount(ctx),
    balanceOf(ctx.store, { kind: 'userFunds', accountId }),
  ])
  const ownCurrent: Condition[] = [
    { field: 'accountId', op: 'eq', value: accountId },
    { field: 'scope', op: 'eq', value: 'current' },
  ]
  const [vehicleCount, validVehicles] = await Promise.all([
    ctx.store.count(collections.vehicles, ownCurrent),
    pageVehicles(ctx, ownCurrent, userCenterVehicles),
  ])
  // Seed §2.4.1: the stored-value menu shows when a (valid) vehicle has a stored-value card
  // or the account still holds funds; the count is skipped when the funds already decide.
  const storedVehicles =
    funds > 0
      ? 0
      : await ctx.store.count(collections.vehicles, [
          ...ownCurrent,
          { field: 'cardType', op: 'eq', value: 'stored' },
        ])
  const profile = profileOf(ctx, account)
  return {
    account: accountSummary(account),
    phone: profile.phone,
    vehicleCount,
    showStoredValueMenu: funds > 0 || storedVehicles > 0,
    profile,
    validVehicles,
  }
}

export async function profile(ctx: AuthedContext): Promise<ActionResponses['account.profile']> {
  return profileOf(ctx, await ownAccount(ctx))
}
