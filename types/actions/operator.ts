import { z } from 'zod'
import { cursorSchema, pageLimitSchema, type Page } from '../common'
import { recordsSpan } from '../dateRange'
import { captchaIdSchema, captchaTextSchema, loginPasswordSchema } from './auth'
import { dateRangeFields, dateRangeRefinement } from './etc'
import { paymentChannels } from '../moneyRules'
import type { ReconciliationLateRefund, ReconciliationOrphan, ReconciliationReport } from './reconciliation'

/**
 * The operator role (issue 9, extended with outlet tools by issue 10): staff accounts made by the
 * provisioning command (tools/cloudbase/operator-cli.ts), never by a driver's login. An operator
 * logs in with a login name, a password and the graphic captcha, over HTTP only (H5, or any
 * client that sends a bearer token); the token it gets is an operator token, refused by every
 * driver action, as a driver's token is refused by every operator action.
 */

type Instant = string

export const operatorRoles = ['reconciliation', 'outlet', 'clearing'] as const
/**
 * reconciliation: the daily reports; outlet: the load tools of one outlet (issue 10); clearing: the
 * clearing side's system account that delivers trips (trips.ingest, issue 11).
 */
export type OperatorRole = (typeof operatorRoles)[number]

const empty = z.object({}).strict()

/** What is typed to log in: compared case-insensitively; the rule of new names is the CLI's. */
export const operatorLoginNameSchema = z
  .string({ error: '请输入操作员账号' })
  .trim()
  .min(1, '请输入操作员账号')
  .max(32, '操作员账号最多32个字符')

/** `<provider>:<YYYY-MM-DD>`, the id of a provider's report of one Shanghai day. */
export const reconciliationReportIdSchema = z
  .string({ error: '对账报告编号不正确' })
  .trim()
  .regex(/^[a-z]{1,16}:\d{4}-\d{2}-\d{2}$/, '对账报告编号不正确')

export const operatorRequestSchemas = {
  /** The graphic captcha is auth.captcha's (single use, limited per caller). */
  'operator.login': z
    .object({
      loginName: operatorLoginNameSchema,
      password: loginPasswordSchema,
      captchaId: captchaIdSchema,
      captchaText: captchaTextSchema,
    })
    .strict(),
  'operator.logout': empty,
  'operator.me': empty,
  /** One provider's daily reports, newest day first; optionally within a day range. */
  'operator.reconciliation.list': z
    .object({
      provider: z.enum(paymentChannels, { error: '请选择支付渠道' }),
      ...dateRangeFields,
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine(dateRangeRefinement(recordsSpan)),
  'operator.reconciliation.detail': z.object({ id: reconciliationReportIdSchema }).strict(),
}

/** The logged-in operator, as the pages show it. */
export interface OperatorProfile {
  loginName: string
  name: string
  roles: OperatorRole[]
  /** The outlet an outlet operator works at (issue 10); null otherwise. */
  outletId: string | null
}

export interface OperatorLogin {
  /** Bearer token of the operator session; kept apart from any driver session. */
  token: string
  expiresAt: Instant
  operator: OperatorProfile
}

/**
 * 平账: the day is complete and nothing is left for a person to look at (missed notifications
 * were credited, orphans and late payments are being refunded automatically); 有差异: the report
 * holds discrepancies; 对账中: the job has not completed the day yet.
 */
export type ReconciliationStatus = 'balanced' | 'discrepant' | 'running'

/** A row of the report list: the figures of one provider's day, without the lists. */
export interface ReconciliationReportSummary extends Pick<
  ReconciliationReport,
  | 'provider'
  | 'day'
  | 'payments'
  | 'refunds'
  | 'matchedPayments'
  | 'matchedRefunds'
  | 'totals'
  | 'generatedAt'
> {
  /** `<provider>:<day>` */
  id: string
  status: ReconciliationStatus
  /** Lengths of the report's lists. */
  counts: { credited: number; lateRefunds: number; orphans: number; discrepancies: number }
}

/** Where a refund the report asked for stands now (the orphan's or the order's own record); unknown: not looked up. */
export type RefundProgress = 'refunding' | 'refunded' | 'unknown'

/** The whole report (types/actions/reconciliation.ts) with its id, status, counts and refund progress. */
export type ReconciliationReportView = ReconciliationReportSummary &
  Pick<ReconciliationReport, 'state' | 'merchantId' | 'credited' | 'discrepancies'> & {
    orphans: Array<ReconciliationOrphan & { refundStatus: RefundProgress }>
    lateRefunds: Array<ReconciliationLateRefund & { refundStatus: RefundProgress }>
  }

export interface OperatorResponses {
  'operator.login': OperatorLogin
  'operator.logout': { loggedOut: true }
  'operator.me': { operator: OperatorProfile; expiresAt: Instant }
  'operator.reconciliation.list': Page<ReconciliationReportSummary>
  'operator.reconciliation.detail': ReconciliationReportView
}
