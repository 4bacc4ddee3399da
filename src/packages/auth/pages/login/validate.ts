import type { UserType } from '../../../../../types/enums'

export const PHONE_RE = /^1[3-9]\d{9}$/
export const CODE_RE = /^\d{6}$/

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

export const AGREEMENT_REQUIRED = '请先阅读并同意《用户协议》和《隐私政策》'

export const phonePlaceholder: Record<UserType, string> = {
  personal: '请输入ETC办理时预留的个人手机号',
  unit: '请输入ETC办理时预留的经办人手机号',
}
