import { collections, type AccountDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import type { Store } from '../../cloudfunctions/ports/store'
import type { DemoLogin, DemoLogins } from '../../tools/demo/seed'
import type { UserType } from '../../types/enums'

/** The first demo login of a kind, as the seed describes it (not a phone copied into tests). */
export function demoLogin(logins: DemoLogins, userType: UserType): DemoLogin {
  const login = logins.find((l) => l.userType === userType)
  if (!login) throw new Error(`the demo seed has no ${userType} login`)
  return login
}

/** Plates of an account's current vehicles, read from the store the server runs on. */
export async function currentPlates(store: Store, accountId: string): Promise<string[]> {
  const plates: string[] = []
  let after: string | undefined
  do {
    const page = await store.query<VehicleDoc & { [key: string]: unknown }>(collections.vehicles, {
      where: [
        { field: 'accountId', op: 'eq', value: accountId },
        { field: 'scope', op: 'eq', value: 'current' },
      ],
      orderBy: { field: 'plate', direction: 'asc' },
      limit: 100,
      after,
    })
    plates.push(...page.items.map((v) => v.plate))
    after = page.nextCursor ?? undefined
  } while (after)
  return plates
}

/** Ids of the accounts a demo phone logs into, found the way the server finds them (keyed phone hash). */
export async function accountsOfPhone(store: Store, secrets: Secrets, login: DemoLogin): Promise<string[]> {
  const hash = new PersonalDataVault(secrets.dataKey, secrets.lookupKey).lookupHash('phone', login.phone)
  const page = await store.query<AccountDoc & { [key: string]: unknown }>(collections.accounts, {
    where: [{ field: 'loginPhoneHash', op: 'eq', value: hash }],
    limit: 50,
  })
  return page.items.filter((a) => a.userType === login.userType).map((a) => a.id)
}
