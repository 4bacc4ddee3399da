import type { CaptchaRenderer } from '../../core/captchas'
import type { PersonalDataVault } from '../../core/personalDataVault'
import type { PlatformAuth } from '../../ports/platformAuth'
import type { Clock } from '../../ports/clock'
import type { Secrets } from '../../ports/secrets'
import type { Sms } from '../../ports/sms'
import type { Store } from '../../ports/store'
import type { PaymentGateway } from '../../ports/payments'
import type { FileStorage } from '../../ports/files'
import type { KeyService } from '../../ports/keyService'
import type { InvoicePlatform } from '../../ports/invoices'
import type { Mail } from '../../ports/mail'
import type { PaymentChannel } from '../../../types/moneyRules'
import type { UserType } from '../../../types/enums'
import type { OperatorRole } from '../../../types/actions/operator'
import type { ErrorCode } from '../../../types/errors'

/**
 * Who is calling, as the platform (not the request body) tells us. An operator on WeChat also
 * presents the operator token of the session they opened from this very OPENID (callFunction has no
 * header to carry it; see callFunctionEvent.ts): the OPENID stays who calls, the token which
 * operator session, and one without the other is refused.
 */
export type Caller =
  | { platform: 'wechat'; openid: string; operatorToken?: string | null }
  | { platform: 'http'; token: string | null; ip: string }

export type SessionRef = { kind: 'token'; sessionId: string } | { kind: 'wechat'; openid: string }

/** A logged-in principal, possibly before it has bound or chosen an account (auth actions only). */
export interface PrincipalIdentity {
  principalId: string
  accountId: string | null
  userType: UserType
  session: SessionRef
  expiresAt: string
}

export interface Identity {
  accountId: string
  userType: UserType
  loginPhoneHash: string
  session: SessionRef
}

/** The payment providers this deployment talks to (none configured: recharge answers PAYMENT_CHANNEL_UNAVAILABLE). */
export interface PaymentsDeps {
  gateways: Partial<Record<PaymentChannel, PaymentGateway>>
  /**
   * Only where the local payment sandbox runs (`npm start`, tests): the path whose POST plays the
   * payer of an order. Its presence also lets H5 pay, with a sandbox payer.
   */
  sandboxCashier?: (orderNo: string) => string
}

/** Export files (core/exports): where they are stored, and who hears that a job was queued. */
export interface ExportsDeps {
  files: FileStorage
  /** A job was queued: the local server runs it at once; on CloudBase the scheduler runs it. */
  queued?: () => void
}

/** The toll invoice platform, where invoice PDFs are kept, and the mail that sends them (core/invoices). */
export interface InvoicesDeps {
  platform: InvoicePlatform
  files: FileStorage
  mail: Mail
}

export interface ActionContext {
  store: Store
  sms: Sms
  clock: Clock
  secrets: Secrets
  vault: PersonalDataVault
  /** Missing: the WeChat/Alipay phone and Alipay session actions answer LOGIN_METHOD_UNAVAILABLE. */
  platformAuth?: PlatformAuth
  /** Missing: the svg-captcha renderer (actions/authCaptcha.ts). */
  captcha?: CaptchaRenderer
  payments?: PaymentsDeps
  /** Missing: exports queue and list, but a WeChat download link answers EXPORT_UNAVAILABLE. */
  exports?: ExportsDeps
  /** The load key service (MAC1, MAC2, TAC); missing: the load actions answer LOAD_UNAVAILABLE. */
  loadKeys?: KeyService
  /** Missing: issuing, re-issuing and invoice PDFs answer INVOICE_PLATFORM_UNAVAILABLE. */
  invoices?: InvoicesDeps
  caller: Caller
  requestId: string
}

export interface AuthedContext extends ActionContext {
  identity: Identity
}

/** A logged-in operator (identity.ts resolveOperator): never a driver, never by an OPENID alone. */
export interface OperatorIdentity {
  operatorId: string
  loginName: string
  name: string
  roles: OperatorRole[]
  outletId: string | null
  sessionId: string
  expiresAt: string
}

export interface OperatorContext extends ActionContext {
  operator: OperatorIdentity
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
