import { collections } from '../documents'
import { hashPassword, isStrongPassword } from '../passwords'
import type { Store } from '../../ports/store'
import {
  checkNewLoginName,
  checkOperatorName,
  checkRoles,
  newOperatorDoc,
  operatorId,
  type OperatorDoc,
  type OperatorSessionDoc,
} from './operatorAccounts'

/**
 * What the provisioning command (tools/cloudbase/operator-cli.ts) does to operator accounts, on
 * any Store. Disabling an operator or giving it a new password ends every session it holds.
 */

export class OperatorAdminError extends Error {
  constructor(
    readonly code: 'INVALID' | 'EXISTS' | 'NOT_FOUND',
    message: string,
  ) {
    super(message)
    this.name = 'OperatorAdminError'
  }
}

type Stored<T> = T & { [key: string]: unknown }

export const weakPasswordMessage = '密码须为8-20位可见英文字符，同时包含字母和数字'

function checkPassword(password: string): void {
  if (!isStrongPassword(password)) throw new OperatorAdminError('INVALID', weakPasswordMessage)
}

async function existing(store: Store, loginName: string): Promise<Stored<OperatorDoc>> {
  const doc = await store.get<Stored<OperatorDoc>>(collections.operators, operatorId(loginName))
  if (!doc) throw new OperatorAdminError('NOT_FOUND', `操作员 ${loginName} 不存在`)
  return doc
}

/** Ends every live session of the operator; answers how many. */
export async function revokeOperatorSessions(
  store: Store,
  operatorIdValue: string,
  now: Date,
): Promise<number> {
  let revoked = 0
  for (;;) {
    const page = await store.query<Stored<OperatorSessionDoc>>(collections.operatorSessions, {
      where: [
        { field: 'operatorId', op: 'eq', value: operatorIdValue },
        { field: 'revokedAt', op: 'eq', value: null },
      ],
      limit: 100,
    })
    for (const session of page.items) {
      await store.update(collections.operatorSessions, session.id, { revokedAt: now.toISOString() })
    }
    revoked += page.items.length
    if (page.items.length === 0) return revoked
  }
}

export async function createOperator(
  store: Store,
  input: {
    loginName: string
    name: string
    roles: readonly string[]
    outletId: string | null
    password: string
  },
  now: Date,
): Promise<OperatorDoc> {
  const loginName = checkNewLoginName(input.loginName)
  if (!loginName.ok) throw new OperatorAdminError('INVALID', loginName.message)
  const name = checkOperatorName(input.name)
  if (!name.ok) throw new OperatorAdminError('INVALID', name.message)
  const roles = checkRoles(input.roles, input.outletId)
  if (!roles.ok) throw new OperatorAdminError('INVALID', roles.message)
  checkPassword(input.password)
  const doc = newOperatorDoc({
    loginName: loginName.value,
    name: name.value,
    passwordHash: await hashPassword(input.password),
    roles: roles.value,
    outletId: input.outletId,
    now,
  })
  const created = await store.transaction(async (tx) => {
    if (await tx.get(collections.operators, doc.id)) return false
    await tx.set(collections.operators, doc.id, { ...doc })
    return true
  })
  if (!created) throw new OperatorAdminError('EXISTS', `操作员 ${doc.loginName} 已存在（换密码用 reset）`)
  return doc
}

/** A new password; every session of the operator ends (and sessions opened before it stop counting). */
export async function resetOperatorPassword(
  store: Store,
  loginName: string,
  password: string,
  now: Date,
): Promise<{ operator: OperatorDoc; revokedSessions: number }> {
  checkPassword(password)
  const operator = await existing(store, loginName)
  const at = now.toISOString()
  const patch = { passwordHash: await hashPassword(password), passwordChangedAt: at, updatedAt: at }
  await store.update(collections.operators, operator.id, patch)
  const revokedSessions = await revokeOperatorSessions(store, operator.id, now)
  return { operator: { ...operator, ...patch }, revokedSessions }
}

/** Disables (or enables again) an operator; disabling ends every session it holds. */
export async function setOperatorDisabled(
  store: Store,
  loginName: string,
  disabled: boolean,
  now: Date,
): Promise<{ operator: OperatorDoc; revokedSessions: number }> {
  const operator = await existing(store, loginName)
  const patch = { disabled, updatedAt: now.toISOString() }
  await store.update(collections.operators, operator.id, patch)
  const revokedSessions = disabled ? await revokeOperatorSessions(store, operator.id, now) : 0
  return { operator: { ...operator, ...patch }, revokedSessions }
}

export async function listOperators(store: Store): Promise<OperatorDoc[]> {
  const out: OperatorDoc[] = []
  let after: string | undefined
  do {
    const page = await store.query<Stored<OperatorDoc>>(collections.operators, {
      orderBy: { field: 'id', direction: 'asc' },
      limit: 100,
      after,
    })
    out.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return out
}
