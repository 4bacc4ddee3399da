import type { IdType } from '../../types/actions/auth'
import type { UserType } from '../../types/enums'
import type { AccountDoc, Instant } from './documents'
import type { Sealed } from './personalDataVault'

/**
 * Who logs in. A principal is a reserved/agent phone or a legacy nickname, per user type;
 * WeChat OPENIDs and Alipay user ids only point at a principal. The principal proves, once,
 * that it owns an account holder (binding), and then reaches that holder's accounts.
 */
export type BindingState =
  /** First login: must bind by name + ID (信息校验). */
  | 'unbound'
  /** Bound on the legacy portal: confirms with an SMS code to the reserved phone. */
  | 'legacyPending'
  | 'bound'

interface PrincipalBase {
  id: string
  userType: UserType
  bindingState: BindingState
  /** idNumberHash of the holders this principal proved to own. */
  verifiedIdHashes: string[]
  /** The account chosen last, so the next login goes straight home. */
  lastAccountId: string | null
  createdAt: Instant
  updatedAt: Instant
}

export interface PhonePrincipalDoc extends PrincipalBase {
  kind: 'phone'
  phoneHash: string
  phone: Sealed
}

export interface NicknamePrincipalDoc extends PrincipalBase {
  kind: 'nickname'
  /** As registered, for display. */
  nickname: string
  nicknameKey: string
  passwordHash: string
  passwordChangedAt: Instant
  /** What the legacy portal registered; 忘记密码 must repeat it. */
  registeredName: string
  registeredIdType: IdType
  registeredIdNumberHash: string
  /** The phone registered with the nickname; 找回昵称 asks for it. */
  reservedPhoneHash: string
  /** Accounts the legacy portal had bound; confirmed by SMS on first login. */
  legacyAccountIds: string[]
}

export type PrincipalDoc = PhonePrincipalDoc | NicknamePrincipalDoc

/** Nicknames compare case- and width-insensitively, as the legacy portal did. */
export function nicknameKey(nickname: string): string {
  return nickname.trim().normalize('NFKC').toLowerCase()
}

export function phonePrincipalId(userType: UserType, phoneHash: string): string {
  return `phone:${userType}:${phoneHash}`
}

export function nicknamePrincipalId(userType: UserType, nickname: string): string {
  return `nickname:${userType}:${nicknameKey(nickname)}`
}

/**
 * Whether the principal reaches the account. Phones reach every account that reserved them
 * (a family or a fleet agent), once bound; nicknames reach the holders they proved.
 */
export function reaches(principal: PrincipalDoc, account: AccountDoc): boolean {
  if (principal.bindingState !== 'bound' || account.userType !== principal.userType) return false
  if (principal.kind === 'phone') return account.loginPhoneHash === principal.phoneHash
  return principal.verifiedIdHashes.includes(account.idNumberHash)
}

/** The account a login lands on, or null when the user must choose. */
export function defaultAccount(principal: PrincipalDoc, reachable: AccountDoc[]): AccountDoc | null {
  const last = reachable.find((a) => a.id === principal.lastAccountId)
  if (last) return last
  return reachable.length === 1 ? reachable[0] : null
}

/** Binding proof: the holder's name, ID type and ID number all match the account. */
export function holderMatches(
  account: AccountDoc,
  proof: { userType: UserType; name: string; idType: IdType; idNumberHash: string },
): boolean {
  return (
    account.userType === proof.userType &&
    account.name.trim() === proof.name.trim() &&
    account.idType === proof.idType &&
    account.idNumberHash === proof.idNumberHash
  )
}
