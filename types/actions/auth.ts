import { z } from 'zod'
import { phoneSchema, smsCodeSchema } from '../common'
import { userTypeSchema, type UserType } from '../enums'

const empty = z.object({}).strict()

/** Login, binding, sessions and account switching. */
export const authRequestSchemas = {
  'auth.sendSmsCode': z.object({ phone: phoneSchema, userType: userTypeSchema }).strict(),
  'auth.loginBySms': z.object({ phone: phoneSchema, code: smsCodeSchema, userType: userTypeSchema }).strict(),
  'auth.logout': empty,
} as const

export interface AccountSummary {
  id: string
  userType: UserType
  /** Masked: 张* / 杭州**物流有限公司 */
  displayName: string
}

export interface LoginResult {
  /** Signed, expiring session token for Alipay and H5; absent on WeChat, where OPENID is the session. */
  token?: string
  expiresAt: string
  account: AccountSummary
  /** Every account this phone reaches; the client may switch among them. */
  accounts: AccountSummary[]
}

export interface AuthResponses {
  'auth.sendSmsCode': { cooldownSeconds: number; expiresInSeconds: number }
  'auth.loginBySms': LoginResult
  'auth.logout': { loggedOut: true }
}
