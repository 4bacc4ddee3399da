// contract: ready
import { z } from 'zod'
import { cursorSchema, pageLimitSchema, plateSchema, type Page } from '../common'
import type { CardType, PlateColor } from '../enums'
import type { Fen } from '../money'
import { batchKeySchema, continuationSchema, type BatchProgress } from '../batches'
import { oneYearSpan } from '../dateRange'
import { dateRangeFields, dateRangeRefinement, idSchema } from './etc'
import {
  creditCodeProblem,
  emailMax,
  emailProblem,
  invoiceKinds,
  invoicingModes,
  maxFleetIds,
  normalizeCreditCode,
  settingsProblems,
  titleAddressMax,
  titleBankMax,
  titleNameMax,
  type InvoiceKind,
  type InvoiceStatus,
  type InvoicingMode,
  type ReissueState,
  type TitleKind,
} from '../invoiceRules'

export * from '../invoiceRules'

/**
 * Invoices (seed 001 §2.7 发票服务): issued invoices (单程票, 合并票 and, for stored-value accounts,
 * 充值发票) with their title, data and PDF; re-issue (红冲重开) with a corrected title; invoice
 * settings and titles per vehicle; and fleet batches that apply a title or settings to many
 * vehicles at once. Conventions as in types/actions/etc.ts (ISO instants, cursor paging with
 * `total`, masked personal data, Asia/Shanghai days).
 */

type Instant = string

const empty = z.object({}).strict()

const optionalText = (max: number, label: string) =>
  z
    .string({ error: `${label}格式不正确` })
    .trim()
    .max(max, `${label}最长${max}个字符`)
    .transform((v) => (v.length === 0 ? null : v))
    .nullable()
    .optional()
    .transform((v) => v ?? null)

/** 发票接收邮箱 (null: none). */
export const emailSchema = z
  .string({ error: '邮箱格式不正确' })
  .trim()
  .max(emailMax, `邮箱最长${emailMax}个字符`)
  .superRefine((value, ctx) => {
    const problem = emailProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

/** 统一社会信用代码: 18 characters whose last is the GB 32100-2015 check character. */
export const creditCodeSchema = z
  .string({ error: '请输入统一社会信用代码' })
  .transform(normalizeCreditCode)
  .superRefine((value, ctx) => {
    const problem = creditCodeProblem(value)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

const titleNameSchema = z
  .string({ error: '请输入发票抬头' })
  .trim()
  .min(1, '请输入发票抬头')
  .max(titleNameMax, `发票抬头最长${titleNameMax}个字符`)

/** A title as entered: personal (name) or company (name, credit code and optional bank details). */
export const titleInputSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('personal'), name: titleNameSchema }).strict(),
    z
      .object({
        kind: z.literal('company'),
        name: titleNameSchema,
        taxNumber: creditCodeSchema,
        address: optionalText(titleAddressMax, '地址'),
        phone: z
          .string({ error: '电话格式不正确' })
          .trim()
          .regex(/^$|^[0-9+\-() ]{5,20}$/, '电话格式不正确')
          .transform((v) => (v.length === 0 ? null : v))
          .nullable()
          .optional()
          .transform((v) => v ?? null),
        bank: optionalText(titleBankMax, '开户银行'),
        bankAccount: z
          .string({ error: '银行账号格式不正确' })
          .trim()
          .regex(/^$|^[0-9 -]{6,40}$/, '银行账号格式不正确')
          .transform((v) => (v.length === 0 ? null : v))
          .nullable()
          .optional()
          .transform((v) => v ?? null),
      })
      .strict(),
  ],
  { error: '请选择抬头类型' },
)
export type TitleInput = z.input<typeof titleInputSchema>

const settingsFields = {
  singleTrip: z.boolean({ error: '请选择是否开启省内单程一张票' }),
  monthlyMerged: z.boolean({ error: '请选择是否开启省内单月合并票' }),
  email: emailSchema.nullable(),
  autoSend: z.boolean({ error: '请选择是否自动发送' }),
}

/** Part of the settings (fleet changes): what is left out stays as each vehicle has it. */
const settingsPatchSchema = z
  .object({
    singleTrip: settingsFields.singleTrip.optional(),
    monthlyMerged: settingsFields.monthlyMerged.optional(),
    email: settingsFields.email.optional(),
    autoSend: settingsFields.autoSend.optional(),
  })
  .strict()
export type InvoiceSettingsPatch = z.input<typeof settingsPatchSchema>

/**
 * The vehicles a fleet request reaches: ids chosen on the page (at most maxFleetIds), or every
 * current vehicle matching the filter (全选全部 N 辆, any fleet size). `title`: the name of the
 * vehicle's default title, '' for vehicles without one.
 */
export const fleetFilterSchema = z
  .object({
    plate: plateSchema.optional(),
    cardType: z.enum(['credit', 'stored'], { error: '卡类型不正确' }).optional(),
    title: z.string().trim().max(titleNameMax, '发票抬头筛选不正确').optional(),
  })
  .strict()
export type FleetFilter = z.input<typeof fleetFilterSchema>

const fleetSelectionFields = {
  vehicleIds: z
    .array(idSchema, { error: '请选择车辆' })
    .min(1, '请选择车辆')
    .max(maxFleetIds, `一次最多选择${maxFleetIds}辆车，更多车辆请用“全选全部”`)
    .optional(),
  allMatching: fleetFilterSchema.optional(),
}

/** What a fleet change does to each vehicle: add a title as its default, and/or change settings. */
export const fleetChangeSchema = z
  .object({ title: titleInputSchema.optional(), settings: settingsPatchSchema.optional() })
  .strict()
  .refine((v) => v.title !== undefined || (v.settings !== undefined && Object.keys(v.settings).length > 0), {
    message: '请选择要修改的发票抬头或开票设置',
  })
export type FleetChange = z.input<typeof fleetChangeSchema>

function oneSelection(value: { vehicleIds?: unknown; allMatching?: unknown }, ctx: z.RefinementCtx): void {
  if ((value.vehicleIds === undefined) === (value.allMatching === undefined))
    ctx.addIssue({ code: 'custom', path: ['vehicleIds'], message: '请选择车辆' })
}

export const invoicesRequestSchemas = {
  /**
   * 已开票查询, newest first. `kind` is the tab (单程票 / 合并票 / 充值发票); `from`/`to` are
   * Shanghai days of the issue time (default: the last year); `vehicleId` or `plate` narrow it.
   */
  'invoices.list': z
    .object({
      kind: z.enum(invoiceKinds, { error: '发票类型不正确' }).default('singleTrip'),
      vehicleId: idSchema.optional(),
      plate: plateSchema.optional(),
      ...dateRangeFields,
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine(dateRangeRefinement(oneYearSpan)),
  /** One invoice: title, invoice data, PDF availability, re-issue state. */
  'invoices.detail': z.object({ id: idSchema }).strict(),
  /** The trips a (merged or single-trip) invoice covers, by exit time. */
  'invoices.trips': z.object({ id: idSchema, cursor: cursorSchema, limit: pageLimitSchema }).strict(),
  /**
   * Where to download the invoice PDF, valid invoiceLinkSeconds, usable only by this account (the
   * same link kinds as exports.link). The phone downloads it and opens it with Taro.openDocument.
   */
  'invoices.link': z.object({ id: idSchema }).strict(),
  /**
   * Issues an invoice now: a trip's single-trip invoice, a vehicle-month's merged invoice, or a
   * recharge's invoice. `titleId`: one of the vehicle's titles (recharge: any title of the
   * account); left out, the vehicle's default. The same `key` answers the invoice it made.
   * Stored-value accounts invoice by trip or by recharge, never both (INVOICING_MODE_MISMATCH).
   */
  'invoices.issue': z
    .object({
      key: batchKeySchema,
      source: z.discriminatedUnion(
        'kind',
        [
          z.object({ kind: z.literal('trip'), tripId: idSchema }).strict(),
          z
            .object({
              kind: z.literal('month'),
              vehicleId: idSchema,
              month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式不正确，应为YYYY-MM'),
            })
            .strict(),
          z
            .object({
              kind: z.literal('recharge'),
              orderNo: z.string().regex(/^R\d{8,30}$/, '订单编号不正确'),
            })
            .strict(),
        ],
        { error: '请选择开票内容' },
      ),
      titleId: idSchema.optional(),
    })
    .strict(),
  /**
   * 红冲重开: the invoice is reversed (已红冲) and a new one issued to `titleId` (or `title`, a new
   * title saved on the vehicle first). The same `key` answers the same re-issue. Answers the
   * original invoice's detail: status 'reversed' and `reissue.newInvoiceId` naming the new one.
   */
  'invoices.reissue': z
    .object({
      key: batchKeySchema,
      id: idSchema,
      titleId: idSchema.optional(),
      title: titleInputSchema.optional(),
      reason: z.string().trim().max(100, '原因最长100个字符').optional(),
    })
    .strict()
    .superRefine((value, ctx) => {
      if ((value.titleId === undefined) === (value.title === undefined))
        ctx.addIssue({ code: 'custom', path: ['titleId'], message: '请选择正确的发票抬头' })
    }),

  /** 开票设置查询: current vehicles with their settings and default title, by plate. */
  'invoiceSettings.list': z
    .object({ ...fleetFilterSchema.shape, cursor: cursorSchema, limit: pageLimitSchema })
    .strict(),
  /** One vehicle's settings and titles. */
  'invoiceSettings.get': z.object({ vehicleId: idSchema }).strict(),
  /** Replaces one vehicle's settings (all four fields). Audited. */
  'invoiceSettings.set': z
    .object({ vehicleId: idSchema, ...settingsFields })
    .strict()
    .superRefine((value, ctx) => {
      for (const [field, message] of Object.entries(settingsProblems(value)))
        ctx.addIssue({ code: 'custom', path: [field], message })
    }),
  /** 开票方式 of the account (stored-value accounts choose; the first invoice locks it). */
  'invoiceSettings.mode': empty,
  /** Chooses 开票方式 while it is not locked (INVOICING_MODE_LOCKED afterwards). Audited. */
  'invoiceSettings.setMode': z.object({ mode: z.enum(invoicingModes, { error: '请选择开票方式' }) }).strict(),
  /** Distinct default-title names over the account's current vehicles (the fleet page's filter). */
  'invoiceSettings.titleNames': empty,
  /**
   * What a fleet change would do, before doing it: counts and the first rows (before → after).
   * Writes nothing.
   */
  'invoiceSettings.fleetPreview': z
    .object({
      ...fleetSelectionFields,
      change: fleetChangeSchema,
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict()
    .superRefine(oneSelection),
  /**
   * Applies a fleet change: a fleet batch (types/batches.ts): send the same request with the same
   * `batchKey` until `state` is 'done', adding the answer's `continuation`; after a failure, send
   * it again. A vehicle that left the account or is no longer current fails alone. Audited.
   */
  'invoiceSettings.fleetApply': z
    .object({
      batchKey: batchKeySchema,
      continuation: continuationSchema.optional(),
      ...fleetSelectionFields,
      change: fleetChangeSchema,
    })
    .strict()
    .superRefine(oneSelection),

  /** A vehicle's titles, default first. */
  'invoiceTitles.list': z.object({ vehicleId: idSchema }).strict(),
  /** Adds (no `id`) or edits a title of the vehicle. `isDefault` makes it the default. Audited. */
  'invoiceTitles.save': z
    .object({
      vehicleId: idSchema,
      id: idSchema.optional(),
      title: titleInputSchema,
      isDefault: z.boolean().optional(),
    })
    .strict(),
  /** Removes a title; removing the default makes the newest remaining one the default. Audited. */
  'invoiceTitles.remove': z.object({ id: idSchema }).strict(),
  /** Makes a title its vehicle's default. Audited. */
  'invoiceTitles.setDefault': z.object({ id: idSchema }).strict(),
} as const

// ---------------------------------------------------------------- responses

export interface InvoiceTitleView {
  id: string
  vehicleId: string
  kind: TitleKind
  /** Buyer name as printed (personal names masked: 张*). */
  name: string
  /** Company titles: the credit code, shown in full (it is public), else null. */
  taxNumber: string | null
  address: string | null
  phone: string | null
  bank: string | null
  bankAccount: string | null
  isDefault: boolean
  createdAt: Instant
  updatedAt: Instant
}

/** A row of 已开票查询; fields a kind has not are null. */
export interface InvoiceRow {
  id: string
  kind: InvoiceKind
  invoiceNo: string
  /** Recharge invoices: null. */
  vehicleId: string | null
  plate: string | null
  plateColor: PlateColor | null
  /** 发票抬头 as printed (personal names masked). */
  titleName: string
  /** 收款人. */
  payee: string
  /** 开票时间. */
  issuedAt: Instant
  /** 发票金额, fen. */
  amount: Fen
  status: InvoiceStatus
  /** Single-trip: 出入口站 and 通行时间 (exit). */
  entryStation: string | null
  exitStation: string | null
  passedAt: Instant | null
  /** Merged: the month, YYYY-MM; recharge: null. */
  month: string | null
  /** Trips the invoice covers (recharge: 0). */
  tripCount: number
  /** Recharge invoices: the recharge order. */
  orderNo: string | null
}

export interface InvoicesPage extends Page<InvoiceRow> {
  kind: InvoiceKind
  /** The day range applied (defaults filled in). */
  from: string
  to: string
}

export interface ReissueView {
  state: ReissueState
  requestedAt: Instant
  finishedAt: Instant | null
  /** The corrected invoice (state done). */
  newInvoiceId: string | null
  /** Title of the corrected invoice. */
  titleName: string
  /** Failed: why, in Chinese. */
  message: string | null
}

export interface InvoiceDetail {
  invoice: InvoiceRow & {
    /** 发票代码 (the platform's batch code). */
    invoiceCode: string
    /** Amount before tax and the tax, fen (amount = net + tax). */
    net: Fen
    tax: Fen
    /** e.g. '3%'. */
    taxRate: string
    /** 销售方 (the payee) tax number. */
    payeeTaxNumber: string
  }
  /** The title as printed on this invoice (a copy: later title edits do not change it). */
  title: {
    kind: TitleKind
    name: string
    taxNumber: string | null
    address: string | null
    phone: string | null
    bank: string | null
    bankAccount: string | null
  }
  /** The PDF can be fetched (invoices.link); generated on first request when missing. */
  pdf: { fileName: string }
  /** This invoice's re-issue request, if any (then status 'reversed' once done). */
  reissue: ReissueView | null
  /** The invoice this one corrected (it replaced an invoice reversed by a re-issue). */
  replaces: { id: string; invoiceNo: string } | null
  /** Re-issue is allowed: issued, not reissuing, and this account's. */
  canReissue: boolean
}

export interface InvoiceTripRow {
  tripId: string
  plate: string
  entryStation: string | null
  exitStation: string
  entryAt: Instant | null
  exitAt: Instant
  /** Toll paid for the trip (amount - discount), fen: what the invoice covers. */
  amount: Fen
}

/** As exports.link answers (the client downloads both the same way). */
export interface InvoiceLink {
  /** 'bearer': GET the path with the session token header (H5, Alipay); 'none': the URL alone (WeChat). */
  auth: 'none' | 'bearer'
  url: string
  expiresAt: Instant
  fileName: string
}

export interface InvoiceSettingsView {
  vehicleId: string
  plate: string
  plateColor: PlateColor
  cardType: CardType
  singleTrip: boolean
  monthlyMerged: boolean
  email: string | null
  autoSend: boolean
  /** Default title name (masked for personal), null when the vehicle has none. */
  defaultTitle: string | null
  updatedAt: Instant | null
}

export interface InvoiceSettingsDetail {
  settings: InvoiceSettingsView
  titles: InvoiceTitleView[]
}

export interface InvoicingModeView {
  /** Null: not chosen yet (or a credit-only account, which always invoices trips). */
  mode: InvoicingMode | null
  /** Locked once an invoice was issued under the mode. */
  locked: boolean
  /** Stored-value accounts choose; credit-only accounts always invoice trips. */
  applies: boolean
}

export interface FleetPreviewRow {
  vehicleId: string
  plate: string
  plateColor: PlateColor
  cardType: CardType
  before: {
    singleTrip: boolean
    monthlyMerged: boolean
    email: string | null
    autoSend: boolean
    defaultTitle: string | null
  }
  after: {
    singleTrip: boolean
    monthlyMerged: boolean
    email: string | null
    autoSend: boolean
    defaultTitle: string | null
  }
  /** False when the vehicle already is as the change asks. */
  changes: boolean
  /** Why the change cannot apply to this vehicle (e.g. its settings would be inconsistent), or null. */
  problem: string | null
}

export interface FleetPreview extends Page<FleetPreviewRow> {
  /** Over every selected vehicle: would change, already as asked, cannot apply. */
  willChange: number
  unchanged: number
  problems: number
}

export interface FleetApplyResult extends BatchProgress {
  /** Vehicles processed by this call, as they are now (failures are in `failures`). */
  items: InvoiceSettingsView[]
}

export interface InvoicesResponses {
  'invoices.list': InvoicesPage
  'invoices.detail': InvoiceDetail
  'invoices.trips': Page<InvoiceTripRow>
  'invoices.link': InvoiceLink
  'invoices.issue': InvoiceDetail
  'invoices.reissue': InvoiceDetail
  'invoiceSettings.list': Page<InvoiceSettingsView>
  'invoiceSettings.get': InvoiceSettingsDetail
  'invoiceSettings.set': InvoiceSettingsView
  'invoiceSettings.mode': InvoicingModeView
  'invoiceSettings.setMode': InvoicingModeView
  'invoiceSettings.titleNames': { names: string[] }
  'invoiceSettings.fleetPreview': FleetPreview
  'invoiceSettings.fleetApply': FleetApplyResult
  'invoiceTitles.list': { items: InvoiceTitleView[] }
  'invoiceTitles.save': InvoiceTitleView
  'invoiceTitles.remove': { items: InvoiceTitleView[] }
  'invoiceTitles.setDefault': { items: InvoiceTitleView[] }
}
