import type { TitleInput } from '../../../types'
import {
  creditCodeProblem,
  normalizeCreditCode,
  titleAddressMax,
  titleBankMax,
  titleNameMax,
  type TitleKind,
} from '../../../types/invoiceRules'

/** A title form as typed: every field a string, whatever the kind. */
export interface TitleDraft {
  kind: TitleKind
  name: string
  taxNumber: string
  address: string
  phone: string
  bank: string
  bankAccount: string
}

export type TitleField = Exclude<keyof TitleDraft, 'kind'>
export type TitleProblems = Partial<Record<TitleField, string>>

export const emptyTitleDraft: TitleDraft = {
  kind: 'company',
  name: '',
  taxNumber: '',
  address: '',
  phone: '',
  bank: '',
  bankAccount: '',
}

/**
 * What is wrong with a draft, field by field, in the contract's words (types/actions/invoices.ts
 * titleInputSchema; the credit code through types/invoiceRules.ts): checked before sending so the
 * user sees the message under the field without a round trip.
 */
export function titleProblems(draft: TitleDraft): TitleProblems {
  const problems: TitleProblems = {}
  const name = draft.name.trim()
  if (!name) problems.name = '请输入发票抬头'
  else if (name.length > titleNameMax) problems.name = `发票抬头最长${titleNameMax}个字符`
  if (draft.kind === 'personal') return problems
  const code = creditCodeProblem(normalizeCreditCode(draft.taxNumber))
  if (code) problems.taxNumber = code
  if (draft.address.trim().length > titleAddressMax) problems.address = `地址最长${titleAddressMax}个字符`
  if (!/^$|^[0-9+\-() ]{5,20}$/.test(draft.phone.trim())) problems.phone = '电话格式不正确'
  if (draft.bank.trim().length > titleBankMax) problems.bank = `开户银行最长${titleBankMax}个字符`
  if (!/^$|^[0-9 -]{6,40}$/.test(draft.bankAccount.trim())) problems.bankAccount = '银行账号格式不正确'
  return problems
}

/** The request's title from a draft that has no problems. */
export function titleInputOf(draft: TitleDraft): TitleInput {
  const name = draft.name.trim()
  if (draft.kind === 'personal') return { kind: 'personal', name }
  const optional = (v: string) => (v.trim() ? v.trim() : null)
  return {
    kind: 'company',
    name,
    taxNumber: normalizeCreditCode(draft.taxNumber),
    address: optional(draft.address),
    phone: optional(draft.phone),
    bank: optional(draft.bank),
    bankAccount: optional(draft.bankAccount),
  }
}

/** The server's field errors (paths like "title.taxNumber") on the form's fields. */
export function serverTitleProblems(fields: Record<string, string>): TitleProblems {
  const problems: TitleProblems = {}
  const known: TitleField[] = ['name', 'taxNumber', 'address', 'phone', 'bank', 'bankAccount']
  for (const [path, message] of Object.entries(fields)) {
    const field = known.find((f) => path === f || path.endsWith(`.${f}`))
    if (field) problems[field] = message
  }
  return problems
}
