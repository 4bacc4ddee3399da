import type { CardStatus, CardType, PlateColor, TagStatus, TripScene, UserType } from '../../types/enums'
import type { Fen } from '../../types/money'
import type { BatchFailure } from '../../types/batches'
import type { Sealed } from './personalDataVault'
import type { TransferReason } from './ledger/transferRules'

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
  principals: 'principals',
  captchas: 'captchas',
  loginFailures: 'loginFailures',
  alipayBindings: 'alipayBindings',
  meta: 'meta',
  devOutbox: 'devOutbox',
  /** Invoice titles set per vehicle (vehicle detail shows them; invoice settings edit them). */
  invoiceTitles: 'invoiceTitles',
  /** Who changed what and when: one record per changed (or re-confirmed) target. */
  auditLog: 'auditLog',
  /** Fleet batches (core/batches.ts): idempotency key, progress and result of each. */
  batches: 'batches',
  /** Ledger transfers (core/ledger): immutable, one per money movement, id chosen by the caller. */
  ledgerTransfers: 'ledgerTransfers',
  /** Ledger projections: one balance document per cold account (user funds, a card's amounts). */
  ledgerBalances: 'ledgerBalances',
  /** Recharge orders (core/money/recharge.ts): the order number is the document id. */
  rechargeOrders: 'rechargeOrders',
  /** A recharge request's idempotency key (per account) → the order it made. */
  rechargeKeys: 'rechargeKeys',
  /** One per pre-allocation (idempotency key, request, result); records per card below. */
  allocations: 'allocations',
  /** 预分配记录: one per card and allocation (including a recharge's automatic one). */
  allocationRecords: 'allocationRecords',
  /** Payment notifications that were refused (forged, mismatched, unknown orders), for audit. */
  paymentNotices: 'paymentNotices',
  /** 导出记录 (core/exports): one per export job and its file; queued → running → ready → expired. */
  exports: 'exports',
  /** Per account, the exports not yet finished: caps them under concurrent requests (core/exports). */
  exportSlots: 'exportSlots',
  /** Operator accounts (core/operators): staff made by tools/cloudbase/operator-cli.ts, never by a login. */
  operators: 'operators',
  /** Operator sessions: apart from drivers' sessions, so neither token kind can pass as the other. */
  operatorSessions: 'operatorSessions',
  /** Payments no order could take (core/money/reconcile.ts), each refunded once under its own refund number. */
  orphanPayments: 'orphanPayments',
  /** Daily reconciliation reports, `<provider>:<day>` (core/money/reconcile.ts). */
  reconciliationReports: 'reconciliationReports',
  /** 开票设置 per vehicle (id = vehicle id), with the vehicle fields fleet filters need (core/invoices). */
  invoiceSettings: 'invoiceSettings',
  /** 开票方式 of an account (id = account id): trip or recharge invoicing, locked once used. */
  invoicingModes: 'invoicingModes',
  /** Idempotency of invoices.issue / invoices.reissue: `${accountId}:${key}` → what it made. */
  invoiceRequests: 'invoiceRequests',
  /** Bill statistics per card and period (core/bills/rollups.ts), kept with each ingested trip. */
  billRollups: 'billRollups',
  /** Roadside loads (core/load): the load saga's documents, id from the client's intent key. */
  loads: 'loads',
  /** Per card (id = card id): the active load lock, last authenticated serial and balance, seen randoms. */
  cardLoadStates: 'cardLoadStates',
  /** An outlet's recharge-by-code intents (core/load/outletRecharge.ts), id from the outlet and its key. */
  outletRecharges: 'outletRecharges',
} as const

export type CollectionName = (typeof collections)[keyof typeof collections]

/** ISO-8601 instant in UTC, e.g. 2025-03-01T02:00:00.000Z; business days are computed in Asia/Shanghai. */
export type Instant = string

// One list for the contract and the model: the ID types live in types/actions/auth.ts.
export { idTypes, type IdType } from '../../types/actions/auth'
import type { IdType } from '../../types/actions/auth'

/** The account's funds (未预分配金额) are a ledger balance: userFunds (core/ledger), not a field. */
interface AccountBase {
  id: string
  name: string
  idType: IdType
  idNumber: Sealed
  /** Keyed hash so an ID number can be looked up without decrypting every account. */
  idNumberHash: string
  /** Hash of the phone that logs in: the reserved phone (personal) or the agent phone (unit). */
  loginPhoneHash: string
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
  /**
   * Denormalised from statusListRecords (a record with endAt null) so the 状态名单 filter
   * needs no join; missing means false. Whoever writes a status-list record keeps it in step.
   */
  inStatusList?: boolean
}

export interface CreditCardDoc extends CardBase {
  type: 'credit'
  signing: CreditSigning | null
}

/** The unloaded amount (卡上未圈存金额) is a ledger balance: cardUnloaded (core/ledger), not a field. */
export interface StoredCardDoc extends CardBase {
  type: 'stored'
  /** Purse balance as last reported by the issuer; lags real usage. */
  balance: Fen
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

export interface InvoiceTitleDoc {
  id: string
  accountId: string
  vehicleId: string
  title: string
  /** Units: the buyer's tax number; null for personal titles. */
  taxNumber: string | null
  isDefault: boolean
  createdAt: Instant
  /** Missing on older documents: company when taxNumber is set. */
  kind?: 'personal' | 'company'
  address?: string | null
  phone?: string | null
  bank?: string | null
  bankAccount?: string | null
  updatedAt?: Instant
}

/** 开票设置 of one vehicle (id = vehicle id); a vehicle without one has the defaults (core/invoices/settings.ts). */
export interface InvoiceSettingsDoc {
  id: string
  accountId: string
  vehicleId: string
  /** Copied from the vehicle so the fleet filters query one collection; the batch re-checks the vehicle. */
  plate: string
  plateColor: PlateColor
  cardType: CardType
  scope: 'current' | 'history'
  singleTrip: boolean
  monthlyMerged: boolean
  email: string | null
  autoSend: boolean
  /** The default title's name as stored ('' when none): the fleet's 当前抬头 filter. */
  defaultTitle: string
  defaultTitleId: string | null
  updatedAt: Instant | null
}

/** 开票方式 of an account with stored-value cards (id = account id). */
export interface InvoicingModeDoc {
  id: string
  mode: 'trip' | 'recharge'
  /** Set when the first invoice under the mode was issued; the mode cannot change after. */
  lockedAt: Instant | null
  updatedAt: Instant
}

/** One invoices.issue or invoices.reissue request (id `${accountId}:${kind}:${key}`). */
export interface InvoiceRequestDoc {
  id: string
  accountId: string
  kind: 'issue' | 'reissue'
  /** Hash of the request: a key must always repeat its request. */
  fingerprint: string
  /** The invoice made (issue) or reversed (reissue). */
  invoiceId: string
  at: Instant
}

export interface AuditLogDoc {
  id: string
  /** What was done, e.g. parking.set. */
  action: string
  accountId: string
  /** Keyed hash of the login phone of the account that acted (never the phone itself). */
  principalHash: string
  /** Keyed hash of the session (token session id or OPENID) the request came through. */
  sessionHash: string
  via: 'token' | 'wechat'
  requestId: string
  at: Instant
  target: { collection: string; id: string }
  before: { [key: string]: string | number | boolean | null }
  after: { [key: string]: string | number | boolean | null }
  /** False when the target already was in the requested state (kept: the request is still audited). */
  changed: boolean
  /** The fleet batch that did it (BatchDoc id); its records are one per batch and target. */
  batchId?: string
  /** The operator who did it (outlet tools, issue 10); `accountId` is then the account the target belongs to. */
  operatorId?: string
}

/** A scalar a batch keeps in its request (filters, parameters). */
export type BatchScalar = string | number | boolean | null

/** A fleet batch: its request, how far it got and what it did (rules: core/batches.ts). */
export interface BatchDoc {
  /** batchDocId(accountId, kind, key): a key only ever names a batch of its own account. */
  id: string
  accountId: string
  /** The action, e.g. parking.set. */
  kind: string
  /** The client's idempotency key. */
  key: string
  /** Hash of the request without key and continuation: a key must always repeat its request. */
  fingerprint: string
  /** The targets: ids listed by the client, or every document matching a filter. */
  selection: { by: 'ids'; ids: string[] } | { by: 'filter'; filter: { [field: string]: BatchScalar } }
  /** What to do to each target, e.g. { authorized: true }. */
  params: { [field: string]: BatchScalar }
  state: 'running' | 'done'
  /** Chunks committed; each chunk's transaction moves it by one, so no chunk commits twice. */
  chunks: number
  /** Ids selection: index of the next target. */
  position: number
  /** Filter selection: the store cursor after the last committed page; null before the first. */
  cursor: string | null
  /** Targets when the batch began. */
  total: number
  changed: number
  unchanged: number
  failed: number
  /** The first failures (maxReportedFailures); `failed` counts them all. */
  failures: BatchFailure[]
  /** When the batch began: the operation time it gives every target it changes. */
  operatedAt: Instant
  updatedAt: Instant
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
  /** When the refund was applied for (refunding) or paid (refunded); null without one. */
  refundAt: Instant | null
  /** 扣款日期 (Shanghai day), as the clearing side reports it. */
  deductionDate: string
  /** The invoice covering the trip (set by the invoices core); ingestion keeps it on a re-sent trip. */
  invoiceId: string | null
}

/** Sums of one scene in a bill rollup. */
export interface RollupSums {
  count: number
  amount: Fen
  discount: Fen
}

/**
 * Bill statistics of one card (and its vehicle) in one period: a month (2025-03), a quarter
 * (2025-Q1) or a year (2025), per trip scene, plus the refunds (已退款) netted against the period
 * of the refunded trip's exit. Kept by ingestion in the trip's own transaction (core/bills).
 */
export interface BillRollupDoc {
  /** `${cardId}:${key}` (rollupId in core/bills/rollups.ts). */
  id: string
  accountId: string
  vehicleId: string
  cardId: string
  plate: string
  period: 'month' | 'quarter' | 'year'
  key: string
  /** `${key}:${plate}:${cardId}`: statistics page in period, then plate order. */
  sortKey: string
  scenes: Record<TripScene, RollupSums>
  refund: { count: number; amount: Fen }
}

export interface InvoiceDoc {
  id: string
  accountId: string
  /** Recharge invoices: '' (they belong to the account, not a vehicle). */
  vehicleId: string
  kind: 'singleTrip' | 'monthlyMerged' | 'recharge'
  invoiceNo: string
  title: string
  taxNumber: string | null
  amount: Fen
  tripIds: string[]
  /** Merged: the month; single-trip: the trip's exit month; recharge: the month issued. */
  month: string
  issuedAt: Instant
  // Fields below are missing on documents written before invoices had PDFs (demo seed):
  // missing means issued, no re-issue, PDF not generated yet (core/invoices makes it on request).
  /** issued, or reversed (已红冲) by a re-issue. */
  status?: 'issued' | 'reversed'
  invoiceCode?: string
  plate?: string | null
  titleKind?: 'personal' | 'company'
  titleAddress?: string | null
  titlePhone?: string | null
  titleBank?: string | null
  titleBankAccount?: string | null
  /** Recharge invoices: the order. */
  orderNo?: string | null
  /** FileStorage key of the PDF; null until generated. */
  pdfKey?: string | null
  reissue?: {
    state: 'processing' | 'done' | 'failed'
    requestedAt: Instant
    finishedAt: Instant | null
    newInvoiceId: string | null
    titleName: string
    message: string | null
    /** The request key that asked for it: a retry with the same key resumes a stuck re-issue. */
    key: string
  } | null
  /** The invoice this one replaced (红冲重开). */
  replacesId?: string | null
}

export interface SessionDoc {
  id: string
  /** The principal that logged in (core/principals.ts). */
  principalId: string
  /** The chosen account; null until the principal has bound and chosen one. */
  accountId: string | null
  userType: UserType
  /** Of the chosen account; empty while none is chosen. */
  loginPhoneHash: string
  createdAt: Instant
  expiresAt: Instant
  revokedAt: Instant | null
}

export interface WechatBindingDoc {
  /** The OPENID. */
  id: string
  principalId: string
  /** Null until the principal has bound and chosen an account. */
  accountId: string | null
  userType: UserType
  loginPhoneHash: string
  boundAt: Instant
  expiresAt: Instant
}

/** An Alipay user remembered for a principal, so the next launch resumes the session. */
export interface AlipayBindingDoc {
  /** Keyed hash of the Alipay user id. */
  id: string
  principalId: string
  accountId: string | null
  boundAt: Instant
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

/**
 * One ledger transfer (core/ledger/transfers.ts): `amount` debited to one account and credited to
 * another. Never updated or removed once written.
 */
export interface TransferDoc {
  /** The caller's deterministic id, e.g. recharge:<orderNo>, so a retry finds it and posts nothing. */
  id: string
  /** accountKey of the debited account, e.g. clearing:wechat. */
  debit: string
  /** accountKey of the credited account, e.g. user:<accountId>. */
  credit: string
  /** Integer fen, > 0. */
  amount: Fen
  reason: TransferReason
  /** What caused it: the order, allocation, load or refund number. */
  ref: string
  postedAt: Instant
  /** postedAt, a space and the id: unique and time-ordered, so a two-sided history pages exactly. */
  sortKey: string
}

/** The projection of a cold ledger account (core/ledger/accounts.ts): sums of its transfers. */
export interface LedgerBalanceDoc {
  /** The accountKey, e.g. user:<accountId> or card-unloaded:<cardId>. */
  id: string
  debitsPosted: Fen
  creditsPosted: Fen
  /** Transfers that touched the account. */
  count: number
  updatedAt: Instant
}
