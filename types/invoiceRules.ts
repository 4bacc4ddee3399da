/**
 * The invoice rules the app checks before sending as well as the server enforces (seed 001 §2.7):
 * unified social credit codes, e-mail addresses, the settings combination, and the labels. Plain
 * values only (no zod), so pages import them without shipping a validator; the request schemas in
 * types/actions/invoices.ts build on them.
 */

/** 单程票: one per trip; 合并票: one per vehicle and month; 充值发票: one per recharge (stored-value). */
export const invoiceKinds = ['singleTrip', 'monthlyMerged', 'recharge'] as const
export type InvoiceKind = (typeof invoiceKinds)[number]
export const invoiceKindLabels: Record<InvoiceKind, string> = {
  singleTrip: '单程票',
  monthlyMerged: '合并票',
  recharge: '充值发票',
}

/** issued: valid; reversed: 已红冲 (a corrected invoice replaced it). */
export type InvoiceStatus = 'issued' | 'reversed'
export const invoiceStatusLabels: Record<InvoiceStatus, string> = { issued: '已开具', reversed: '已红冲' }

/** A re-issue (红冲重开) request of one invoice. */
export type ReissueState = 'processing' | 'done' | 'failed'
export const reissueStateLabels: Record<ReissueState, string> = {
  processing: '红冲重开中',
  done: '已红冲重开',
  failed: '红冲重开失败',
}

export const titleKinds = ['personal', 'company'] as const
export type TitleKind = (typeof titleKinds)[number]
export const titleKindLabels: Record<TitleKind, string> = { personal: '个人', company: '单位' }

/**
 * 开票方式 of an account with stored-value cards: invoice each recharge, or the trips (single or
 * merged). Never both: the first invoice issued fixes the choice (it cannot change afterwards).
 * Accounts with credit cards only always invoice trips.
 */
export const invoicingModes = ['trip', 'recharge'] as const
export type InvoicingMode = (typeof invoicingModes)[number]
export const invoicingModeLabels: Record<InvoicingMode, string> = {
  trip: '按通行开票',
  recharge: '按充值开票',
}

/** 收款人 printed on every invoice (seed 001 §2.7.1). */
export const invoicePayee = '浙江高速公路智能收费运营服务有限公司'
/** Help line the list shows (seed 001 §2.7.1). */
export const invoiceHelpLine = '0571-96866'

export const titleNameMax = 100
export const titleAddressMax = 120
export const titleBankMax = 60
/** Titles one vehicle may keep. */
export const maxTitlesPerVehicle = 10
/** Most vehicle ids one fleet request may list; larger fleets go by filter (全选全部). */
export const maxFleetIds = 200
/** Seconds an `invoices.link` answer may be used. */
export const invoiceLinkSeconds = 300

// ---------------------------------------------------------------- unified social credit code

/** GB 32100-2015's 31 characters (no I, O, S, V, Z); a character's index is its value. */
export const creditCodeCharset = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** Weights of positions 1–17: 3^(i) mod 31. */
const creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The 18th (check) character for the first 17 characters, or null if they are not well formed. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const value = creditCodeCharset.indexOf(first17[i])
    if (value < 0) return null
    sum += value * creditCodeWeights[i]
  }
  const check = (31 - (sum % 31)) % 31
  return creditCodeCharset[check]
}

export const creditCodeMessages = {
  required: '请输入统一社会信用代码',
  length: '统一社会信用代码应为18位',
  chars: '统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）',
  division: '统一社会信用代码第3至8位应为行政区划代码（数字）',
  check: '统一社会信用代码校验位不正确，请核对',
} as const

/** Upper-cases and drops spaces, as users type codes in groups. */
export function normalizeCreditCode(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase()
}

/** Why a (normalised) unified social credit code is wrong, or null when it is valid. */
export function creditCodeProblem(code: string): string | null {
  if (code.length === 0) return creditCodeMessages.required
  if (code.length !== 18) return creditCodeMessages.length
  for (const ch of code) if (!creditCodeCharset.includes(ch)) return creditCodeMessages.chars
  if (!/^\d{6}$/.test(code.slice(2, 8))) return creditCodeMessages.division
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return creditCodeMessages.check
  return null
}

export function isCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null
}

// ---------------------------------------------------------------- e-mail

export const emailMax = 254
export const emailMessages = {
  required: '请输入发票接收邮箱',
  shape: '邮箱格式不正确，例如 name@example.com',
  tooLong: `邮箱最长${emailMax}个字符`,
} as const

/** Local part, @, a domain of dot-separated labels ending in a 2+ letter top-level label. */
const emailShape =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/

/** Why an e-mail address is wrong, or null when its shape is fine. */
export function emailProblem(email: string): string | null {
  if (email.length === 0) return emailMessages.required
  if (email.length > emailMax) return emailMessages.tooLong
  const at = email.lastIndexOf('@')
  const local = email.slice(0, at)
  if (
    !emailShape.test(email) ||
    local.length > 64 ||
    local.startsWith('.') ||
    local.endsWith('.') ||
    local.includes('..')
  )
    return emailMessages.shape
  return null
}

// ---------------------------------------------------------------- settings

export interface InvoiceSettingsValues {
  singleTrip: boolean
  monthlyMerged: boolean
  email: string | null
  autoSend: boolean
}

export const settingsMessages = {
  bothKinds: '省内单程一张票与省内单月合并票只能开启一种',
  autoSendNeedsEmail: '开启自动发送前请先填写发票接收邮箱',
} as const

/** What is wrong with a combination of settings (field → Chinese message); empty when fine. */
export function settingsProblems(
  values: InvoiceSettingsValues,
): Partial<Record<keyof InvoiceSettingsValues, string>> {
  const problems: Partial<Record<keyof InvoiceSettingsValues, string>> = {}
  if (values.singleTrip && values.monthlyMerged) problems.monthlyMerged = settingsMessages.bothKinds
  if (values.autoSend && !values.email) problems.autoSend = settingsMessages.autoSendNeedsEmail
  if (values.email) {
    const problem = emailProblem(values.email)
    if (problem) problems.email = problem
  }
  return problems
}

export const onOffLabels = { true: '开启', false: '关闭' } as const
export function onOffLabel(value: boolean): string {
  return value ? onOffLabels.true : onOffLabels.false
}

/** The payee's (销售方) tax number printed on every invoice. */
export const payeeTaxNumber = '91330000MA27U0C148'
