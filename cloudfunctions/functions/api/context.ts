import type { PersonalDataVault } from '../../core/personalDataVault'
import type { Clock } from '../../ports/clock'
import type { Secrets } from '../../ports/secrets'
import type { Sms } from '../../ports/sms'
import type { Store } from '../../ports/store'
import type { UserType } from '../../../types/enums'
import type { ErrorCode } from '../../../types/errors'

/** Who is calling, as the platform (not the request body) tells us. */
export type Caller =
  { platform: 'wechat'; openid: string } | { platform: 'http'; token: string | null; ip: string }

export interface Identity {
  accountId: string
  userType: UserType
  loginPhoneHash: string
  session: { kind: 'token'; sessionId: string } | { kind: 'wechat'; openid: string }
}

export interface ActionContext {
  store: Store
  sms: Sms
  clock: Clock
  secrets: Secrets
  vault: PersonalDataVault
  caller: Caller
  requestId: string
}

export interface AuthedContext extends ActionContext {
  identity: Identity
}

/** A failure an action answers on purpose; anything else thrown becomes INTERNAL. */
export class ActionError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly userMessage?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(code)
    this.name = 'ActionError'
  }
}
