import { collections } from '../../cloudfunctions/core/documents'
import {
  newOperatorDoc,
  operatorId,
  type OperatorRole,
} from '../../cloudfunctions/core/operators/operatorAccounts'
import { hashPassword } from '../../cloudfunctions/core/passwords'
import type { Store } from '../../cloudfunctions/ports/store'

/**
 * The local demo's operators. This one: reconciliation reports at /#/packages/operator/pages/login/index.
 * Real operators are made with tools/cloudbase/operator-cli.ts; this one only exists where the
 * demo seed runs (`npm start`, tests).
 */
export const demoOperator: { loginName: string; password: string; name: string; roles: OperatorRole[] } = {
  loginName: 'op-demo',
  password: 'OpDemo2025',
  name: '演示对账员',
  roles: ['reconciliation'],
}

/** The local demo's outlet operator: 充值记录 and 圈存 of the demo outlet (issue 10, seeds 002/003). */
export const demoOutletOperator: {
  loginName: string
  password: string
  name: string
  roles: OperatorRole[]
  outletId: string
} = {
  loginName: 'outlet-demo',
  password: 'OutletDemo2025',
  name: '演示网点操作员',
  roles: ['outlet'],
  outletId: 'outlet-demo-001',
}

/**
 * Creates each demo operator when it is missing; one that exists is left as it is (the CLI may have
 * disabled it or reset its password). Independent of the demo seed's version, so a database seeded
 * before operators existed gets it too.
 */
export async function seedDemoOperators(store: Store, now: Date): Promise<void> {
  for (const demo of [{ ...demoOperator, outletId: null }, demoOutletOperator]) {
    const id = operatorId(demo.loginName)
    if (await store.get(collections.operators, id)) continue
    const doc = newOperatorDoc({
      loginName: demo.loginName,
      name: demo.name,
      passwordHash: await hashPassword(demo.password),
      roles: [...demo.roles],
      outletId: demo.outletId,
      now,
    })
    await store.set(collections.operators, doc.id, { ...doc })
  }
}
