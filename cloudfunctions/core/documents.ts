import type { CardStatus, CardType, PlateColor, TagStatus, TripScene, UserType } from '../../types/enums'
import type { Fen } from '../../types/money'
import type { Sealed } from './personalDataVault'

/** Collection names, one place so adapters, seeds and tests agree. */
export const collections = {
  accounts: 'accounts',
  vehicles: 'vehicles',
  cards: 'cards',
  tags: 'tags',
  statusListRecords: 'statusListRecords',
  trips: 'trips',
  invoices: 'invoices',
  sessions: 'sessions',
  wechatBindings: 'wechatBindings',
  smsCodes: 'smsCodes',
  rateLimits: 'rateLimits',
  meta: 'meta',
  devOutbox: 'devOutbox',
} as const

export type CollectionName = (typeof collections)[keyof typeof collections]

/** ISO-8601 instant in UTC, e.g. 2025-03-01T02:00:00.000Z; business days are computed in Asia/Shanghai. */
export type Instant = string

export const idTypes = [
  '身份证',
  '护照',
  '港澳居民来往内地通行证',
  '统一社会信用代码',
  '组织机构代码证',
] as const
export type IdType = (typeof idTypes)[number]

interface AccountBase {
  id: string
  name: string
  idType: IdType
  idNumber: Sealed
  /** Keyed hash so an ID number can be looked up without decrypting every account. */
  idNumberHash: string
  /** Hash of the phone that logs in: the reserved phone (personal) or the agent phone (unit). */
  loginPhoneHash: string
  /** Funds not yet allocated to cards (未预分配金额). */
  unallocatedBalance: Fen
  createdAt: Instant
}

export interface PersonalAccountDoc extends AccountBase {
  userType: 'personal'
  phone: Sealed
}

export interface UnitAccountDoc extends AccountBase {
  userType: 'unit'
  agentName: string
  agentPhone: Sealed
}

export type AccountDoc = PersonalAccountDoc | UnitAccountDoc

export interface VehicleDoc {
  id: string
  accountId: string
  plate: string
  plateColor: PlateColor
  /** current = valid vehicle; history = its card was cancelled or it left the account. */
  scope: 'current' | 'history'
  cardId: string
  tagId: string | null
  /** Denormalised from the card so vehicle lists filter and menus decide without joins. */
  cardType: CardType
  cardStatus: CardStatus
  /** 拓展授权: may pay at ETC parking lots. */
  parkingAuthorized: boolean
  lastOperatedAt: Instant | null
  createdAt: Instant
}

export interface CreditSigning {
  channel: string
  signedAt: Instant
  status: 'signed' | 'unsigned'
}

interface CardBase {
  id: string
  /** 20 digits. */
  cardNo: string
  accountId: string
  vehicleId: string
  status: CardStatus
  issuedAt: Instant
  updatedAt: Instant
}

export interface CreditCardDoc extends CardBase {
  type: 'credit'
  signing: CreditSigning | null
}

export interface StoredCardDoc extends CardBase {
  type: 'stored'
  /** Purse balance as last reported by the issuer; lags real usage. */
  balance: Fen
  /** Assigned in the back office but not yet written to the chip (卡上未圈存金额). */
  unloaded: Fen
}

export type CardDoc = CreditCardDoc | StoredCardDoc

export interface TagDoc {
  id: string
  tagNo: string
  accountId: string
  vehicleId: string
  brand: string
  model: string
  outlet: string
  issuedAt: Instant
  status: TagStatus
}

export interface StatusListRecordDoc {
  id: string
  cardId: string
  accountId: string
  reason: string
  startAt: Instant
  endAt: Instant | null
}

export type RefundState = 'none' | 'refunding' | 'refunded'

export interface TripDoc {
  id: string
  accountId: string
  vehicleId: string
  cardId: string
  plate: string
  scene: TripScene
  /** Toll station or, for non-highway scenes, the parking lot / service. */
  entryStation: string | null
  exitStation: string
  entryAt: Instant | null
  exitAt: Instant
  /** Bills are keyed by exit month in Asia/Shanghai, e.g. 2025-03. */
  exitMonth: string
  amount: Fen
  discount: Fen
  refundState: RefundState
  refundAmount: Fen
  refundAt: Instant | null
}

export interface InvoiceDoc {
  id: string
  accountId: string
  vehicleId: string
  kind: 'singleTrip' | 'monthlyMerged'
  invoiceNo: string
  title: string
  taxNumber: string | null
  amount: Fen
  tripIds: string[]
  month: string
  issuedAt: Instant
}

export interface SessionDoc {
  id: string
  accountId: string
  userType: UserType
  loginPhoneHash: string
  createdAt: Instant
  expiresAt: Instant
  revokedAt: Instant | null
}

export interface WechatBindingDoc {
  /** The OPENID. */
  id: string
  accountId: string
  userType: UserType
  loginPhoneHash: string
  boundAt: Instant
  expiresAt: Instant
}

export interface SmsCodeDoc {
  /** `${userType}:${phoneHash}` */
  id: string
  codeHash: string
  sentAt: Instant
  expiresAt: Instant
  wrongTries: number
}

export interface RateLimitDoc {
  id: string
  /** Fixed window key, e.g. the Shanghai day 2025-03-01 or a minute bucket. */
  window: string
  count: number
  lastAt: Instant
}
