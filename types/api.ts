import { z } from 'zod'
import type { ApiErrorBody } from './errors'
import { cursorSchema, pageLimitSchema, phoneSchema, plateSchema, smsCodeSchema } from './common'
import { userTypeSchema, type CardStatus, type CardType, type PlateColor, type UserType } from './enums'
import type { Page } from './common'

const empty = z.object({}).strict()

/** Request schemas of every action: the single source both sides validate with. */
export const requestSchemas = {
  'auth.sendSmsCode': z.object({ phone: phoneSchema, userType: userTypeSchema }).strict(),
  'auth.loginBySms': z.object({ phone: phoneSchema, code: smsCodeSchema, userType: userTypeSchema }).strict(),
  'auth.logout': empty,
  'account.me': empty,
  'vehicles.list': z
    .object({
      scope: z.enum(['current', 'history'], { error: '车辆范围不正确' }).default('current'),
      plate: plateSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict(),
} as const

export type ActionName = keyof typeof requestSchemas
export type ActionRequest<A extends ActionName> = z.input<(typeof requestSchemas)[A]>
export type ParsedRequest<A extends ActionName> = z.output<(typeof requestSchemas)[A]>

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

export interface Me {
  account: AccountSummary
  /** Masked: 137****2756 */
  phone: string
  vehicleCount: number
  /** The stored-value menu shows only when a vehicle has a stored-value card or the account holds funds. */
  showStoredValueMenu: boolean
}

export interface VehicleSummary {
  id: string
  plate: string
  plateColor: PlateColor
  cardType: CardType
  /** Masked: 1811*****9788 */
  cardNo: string
  cardStatus: CardStatus
  /** Masked tag number, null when the vehicle has no tag. */
  tagNo: string | null
  /** Credit cards only: whether a payment agreement is signed. */
  signed: boolean | null
}

export interface ActionResponses {
  'auth.sendSmsCode': { cooldownSeconds: number; expiresInSeconds: number }
  'auth.loginBySms': LoginResult
  'auth.logout': { loggedOut: true }
  'account.me': Me
  'vehicles.list': Page<VehicleSummary>
}

export type ActionResponse<A extends ActionName> = ActionResponses[A]

/** What goes over the wire to the `api` function. */
export interface ApiEnvelope {
  action: string
  payload?: unknown
}

export type ApiResult<A extends ActionName = ActionName> =
  | { ok: true; data: ActionResponse<A>; requestId: string }
  | { ok: false; error: ApiErrorBody; requestId: string }
