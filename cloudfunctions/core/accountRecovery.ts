import type { IdType } from '../../types/actions/auth'
import type { AccountDoc } from './documents'
import type { NicknamePrincipalDoc } from './principals'
import { perShanghaiDay, type RateRule } from './rateLimits'

/**
 * 找回昵称 and 重置密码 for legacy nicknames. None of the details they ask for (a plate, a phone,
 * a name, an ID number) is a secret, so both finish only with a code texted to a phone the
 * holder registered, and both are limited.
 */

/**
 * 找回昵称 step 1 answers the same whether or not the plate and phone matched, so it counts every
 * request, not only failures: five per plate and ten per caller a Shanghai day.
 */
export const recoverPlateRule: RateRule = { name: 'recover-plate-day', limit: 5, window: perShanghaiDay }
export const recoverCallerRule: RateRule = { name: 'recover-caller-day', limit: 10, window: perShanghaiDay }

/** The value whose keyed hash names a plate's counter and codes (the plate never appears as is). */
export function plateKeyValue(plate: string): string {
  return `plate\u0000${plate.trim().toUpperCase()}`
}

export function recoverCodeId(plateHash: string, phoneHash: string): string {
  return `recover:${plateHash}:${phoneHash}`
}

/** `targetHash`: the keyed hash naming the nickname in the lockout (loginLockout.ts). */
export function resetCodeId(targetHash: string): string {
  return `reset:${targetHash}`
}

/** 重置密码 step 1: the registered holder's name, ID type and ID number, all three. */
export function resetDetailsMatch(
  principal: NicknamePrincipalDoc,
  details: { userName: string; idType: IdType; idNumberHash: string },
): boolean {
  return (
    principal.registeredName.trim() === details.userName.trim() &&
    principal.registeredIdType === details.idType &&
    principal.registeredIdNumberHash === details.idNumberHash
  )
}

/**
 * The account whose reserved phone (agent phone for units) a reset code goes to: among the
 * registered holder's accounts and the nickname's legacy accounts, the one still reserving the
 * phone registered with the nickname, else the oldest. The account's phone is the one an outlet
 * changes, so a holder who lost the old number changes it there and then receives the code.
 */
export function resetPhoneAccount(
  principal: NicknamePrincipalDoc,
  accounts: AccountDoc[],
): AccountDoc | null {
  const own = accounts
    .filter(
      (a) =>
        a.userType === principal.userType &&
        (a.idNumberHash === principal.registeredIdNumberHash || principal.legacyAccountIds.includes(a.id)),
    )
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return own.find((a) => a.loginPhoneHash === principal.reservedPhoneHash) ?? own[0] ?? null
}

/** Accounts 找回昵称 shows a nickname's cards for: those the nickname is linked to. */
export function recoverableAccounts(principal: NicknamePrincipalDoc, accounts: AccountDoc[]): AccountDoc[] {
  return accounts.filter(
    (a) =>
      a.userType === principal.userType &&
      (principal.legacyAccountIds.includes(a.id) || principal.verifiedIdHashes.includes(a.idNumberHash)),
  )
}
