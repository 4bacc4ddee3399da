import { personalIdTypes, unitIdTypes, type IdType } from '../../types/actions/auth'
import type { UserType } from '../../types/enums'

/**
 * ID document numbers, checked the way the issuing system checks them, so a typo is caught
 * before it costs the user one of their limited binding or reset attempts.
 */
export type IdCheck = { ok: true; normalized: string } | { ok: false; message: string }

const residentWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const residentCheckChars = '10X98765432'

/** GB 11643 check character of the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * residentWeights[i]
  return residentCheckChars[sum % 11]
}

function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false
  // Date.UTC rolls 2023-02-30 over into March, so a round trip exposes impossible days.
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export function checkResidentId(value: string): IdCheck {
  const v = value.trim().toUpperCase()
  if (!/^\d{17}[\dX]$/.test(v)) return { ok: false, message: '身份证号码应为18位' }
  if (!isCalendarDate(v.slice(6, 14))) return { ok: false, message: '身份证号码中的出生日期不正确' }
  if (residentIdCheckChar(v.slice(0, 17)) !== v[17]) return { ok: false, message: '身份证号码校验位不正确' }
  return { ok: true, normalized: v }
}

/** GB 32100: 31 characters without I, O, S, V, Z. */
export const creditCodeChars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const creditWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function creditCodeCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += creditCodeChars.indexOf(first17[i]) * creditWeights[i]
  return creditCodeChars[(31 - (sum % 31)) % 31]
}

export function checkCreditCode(value: string): IdCheck {
  const v = value.trim().toUpperCase()
  if (v.length !== 18) return { ok: false, message: '统一社会信用代码应为18位' }
  for (const c of v)
    if (!creditCodeChars.includes(c)) return { ok: false, message: '统一社会信用代码含有无效字符' }
  if (creditCodeCheckChar(v.slice(0, 17)) !== v[17])
    return { ok: false, message: '统一社会信用代码校验位不正确' }
  return { ok: true, normalized: v }
}

const orgWeights = [3, 7, 9, 10, 5, 8, 4, 2]

function orgCharValue(c: string): number {
  return /\d/.test(c) ? Number(c) : c.charCodeAt(0) - 55
}

/** GB 11714 check character of the 8-character body. */
export function orgCodeCheckChar(body: string): string {
  let sum = 0
  for (let i = 0; i < 8; i++) sum += orgCharValue(body[i]) * orgWeights[i]
  const c = 11 - (sum % 11)
  return c === 10 ? 'X' : c === 11 ? '0' : String(c)
}

/** Accepts 12345678-8 or 123456788; normalized to the printed form with the hyphen. */
export function checkOrgCode(value: string): IdCheck {
  const v = value.trim().toUpperCase()
  const m = /^([0-9A-Z]{8})-?([0-9X])$/.exec(v)
  if (!m) return { ok: false, message: '组织机构代码格式应为 12345678-9' }
  if (orgCodeCheckChar(m[1]) !== m[2]) return { ok: false, message: '组织机构代码校验位不正确' }
  return { ok: true, normalized: `${m[1]}-${m[2]}` }
}

export function checkIdNumber(idType: IdType, value: string): IdCheck {
  const v = value.trim().toUpperCase()
  switch (idType) {
    case '身份证':
      return checkResidentId(v)
    case '护照':
      // Passports of many countries: letters and digits; a Chinese passport is e.g. E12345678.
      return /^[A-Z0-9]{5,17}$/.test(v) && /\d/.test(v)
        ? { ok: true, normalized: v }
        : { ok: false, message: '护照号码格式不正确' }
    case '港澳居民来往内地通行证':
      return /^[HM]\d{8}(\d{2})?$/.test(v)
        ? { ok: true, normalized: v }
        : { ok: false, message: '港澳通行证号码应为H或M开头加8位或10位数字' }
    case '台湾居民来往大陆通行证':
      return /^\d{8}$/.test(v)
        ? { ok: true, normalized: v }
        : { ok: false, message: '台湾通行证号码应为8位数字' }
    case '统一社会信用代码':
      return checkCreditCode(v)
    case '组织机构代码证':
      return checkOrgCode(v)
  }
}

export function idTypeFitsUserType(idType: IdType, userType: UserType): boolean {
  return userType === 'personal'
    ? (personalIdTypes as readonly IdType[]).includes(idType)
    : (unitIdTypes as readonly IdType[]).includes(idType)
}
