/**
 * Client-side checks that mirror the contract's schemas (types/actions/auth.ts, types/common.ts)
 * with the same Chinese messages, so a form complains before a round trip. The server checks
 * everything again (ID check digits only there) and its typed errors are shown as given.
 * Each returns the first problem, or null.
 */
import type { IdType, personalIdTypes, unitIdTypes, UserType } from '../../../../types'
import { passwordMessages, passwordRules } from '../../../../types/authRules'

export const PHONE_RE = /^1[3-9]\d{9}$/
export const CODE_RE = /^\d{6}$/
const PLATE_RE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}[A-Z0-9挂学警港澳领]?$/

export const AGREEMENT_REQUIRED = '请先阅读并同意《用户协议》和《隐私政策》'
export const PASSWORD_MISMATCH = '两次输入的密码不一致'

export function phoneError(phone: string): string | null {
  if (!phone.trim()) return '请输入手机号'
  if (!PHONE_RE.test(phone.trim())) return '请输入正确的11位手机号'
  return null
}

export function codeError(code: string): string | null {
  if (!code.trim()) return '请输入短信验证码'
  if (!CODE_RE.test(code.trim())) return '验证码为6位数字'
  return null
}

export function nicknameError(nickname: string): string | null {
  const v = nickname.trim()
  if (!v) return '请输入网站昵称'
  if (v.length > 32) return '昵称最多32个字符'
  if (/\s/.test(v)) return '昵称不能包含空格或特殊控制字符'
  return null
}

/** Login accepts whatever the legacy portal allowed, up to the server's length (types/authRules.ts). */
export function loginPasswordError(password: string, empty = '请输入密码'): string | null {
  if (!password) return empty
  if (password.length > passwordRules.loginMaxLength) return passwordMessages.loginTooLong
  return null
}

/** 8–20 printable ASCII characters, at least one letter and one digit. Too long is said, never cut. */
export function newPasswordError(password: string): string | null {
  if (!password) return '请输入新密码'
  if (password.length > passwordRules.newMaxLength) return passwordMessages.newTooLong
  if (password.length < passwordRules.newMinLength) return passwordMessages.newTooShort
  if (!/^[\x21-\x7e]+$/.test(password)) return '密码只能包含字母、数字和英文符号，不能有空格'
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return '密码必须同时包含字母和数字'
  return null
}

export function confirmPasswordError(password: string, confirm: string): string | null {
  if (!confirm) return '请再次输入新密码'
  if (confirm.length > passwordRules.newMaxLength) return passwordMessages.newTooLong
  if (password !== confirm) return PASSWORD_MISMATCH
  return null
}

export function captchaError(captchaId: string | null, text: string): string | null {
  if (!captchaId) return '请先获取图形验证码'
  if (!text.trim()) return '请输入图形验证码'
  if (text.trim().length > 8) return '图形验证码不正确'
  return null
}

export function plateError(plate: string): string | null {
  const v = plate.trim().toUpperCase()
  if (!v) return '请输入车牌号码'
  if (!PLATE_RE.test(v)) return '车牌号码格式不正确'
  return null
}

export function holderNameError(name: string, empty: string): string | null {
  const v = name.trim()
  if (!v) return empty
  if (v.length > 60) return '名称最多60个字'
  return null
}

/** Format only: letters, digits and hyphens. The check digit is the server's job. */
export function idNumberError(idNumber: string, empty = '请输入证件号码'): string | null {
  const v = idNumber.trim().toUpperCase()
  if (!v) return empty
  if (v.length > 32) return '证件号码过长'
  if (!/^[A-Z0-9-]+$/.test(v)) return '证件号码只能包含字母、数字和连字符'
  return null
}

/** The first problem of several checks. */
export function firstProblem(...problems: (string | null)[]): string | null {
  return problems.find((p) => p !== null) ?? null
}

export const phonePlaceholder: Record<UserType, string> = {
  personal: '请输入ETC办理时预留的个人手机号',
  unit: '请输入ETC办理时预留的经办人手机号',
}

export const userTypeLabel: Record<UserType, string> = { personal: '个人用户', unit: '单位用户' }

export const personalIdTypeList = [
  '身份证',
  '护照',
  '港澳居民来往内地通行证',
  '台湾居民来往大陆通行证',
] as const satisfies readonly IdType[]
export const unitIdTypeList = ['统一社会信用代码', '组织机构代码证'] as const satisfies readonly IdType[]

// The lists above are copies (importing the contract's values would bring zod into the bundle): keep them equal.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const _sameIdTypes: [
  Same<(typeof personalIdTypeList)[number], (typeof personalIdTypes)[number]>,
  Same<(typeof unitIdTypeList)[number], (typeof unitIdTypes)[number]>,
] = [true, true]
void _sameIdTypes

export function idTypesOf(userType: UserType): readonly IdType[] {
  return userType === 'unit' ? unitIdTypeList : personalIdTypeList
}
