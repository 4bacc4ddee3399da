import { collections } from '../../cloudfunctions/core/documents'
import {
  newOperatorDoc,
  operatorId,
  type OperatorRole,
} from '../../cloudfunctions/core/operators/operatorAccounts'
import { hashPassword } from '../../cloudfunctions/core/passwords'
import type { Store } from '../../cloudfunctions/ports/store'

/**
 * The local demo's operator: reconciliation reports at /#/packages/operator/pages/login/index.
 * Real operators are made with tools/cloudbase/operator-cli.ts; this one only exists where the
 * demo seed runs (`npm start`, tests).
 */
export const demoOperator: { loginName: string; password: string; name: string; roles: OperatorRole[] } = {
  loginName: 'op-demo',
  password: 'OpDemo2025',
  name: '演示对账员',
  roles: ['reconciliation'],
}

/**
 * Creates the demo operator when it is missing; one that exists is left as it is (the CLI may have
 * disabled it or reset its password). Independent of the demo seed's version, so a database seeded
 * before operators existed gets it too.
 */
export async function seedDemoOperators(store: Store, now: Date): Promise<void> {
  const id = operatorId(demoOperator.loginName)
  if (await store.get(collections.operators, id)) return
  const doc = newOperatorDoc({
    loginName: demoOperator.loginName,
    name: demoOperator.name,
    passwordHash: await hashPassword(demoOperator.password),
    roles: [...demoOperator.roles],
    outletId: null,
    now,
  })
  await store.set(collections.operators, doc.id, { ...doc })
}
