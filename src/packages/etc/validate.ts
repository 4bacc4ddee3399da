/**
 * Client-side checks of list filters, the same rules and messages as the contract's schemas
 * (types/actions/etc.ts), without shipping zod to the phone.
 */
const PLATE_RE =
  /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}[A-Z0-9挂学警港澳领]?$/

export type Checked = { value: string | undefined; error: null } | { value: undefined; error: string }

function check(raw: string, test: (v: string) => boolean, message: string, upper = false): Checked {
  const v = upper ? raw.trim().toUpperCase() : raw.trim()
  if (!v) return { value: undefined, error: null }
  return test(v) ? { value: v, error: null } : { value: undefined, error: message }
}

export const checkPlate = (raw: string): Checked =>
  check(raw, (v) => PLATE_RE.test(v), '车牌号码格式不正确', true)

export const checkCardNo = (raw: string): Checked =>
  check(raw, (v) => /^\d{20}$/.test(v), '通行卡卡号应为20位数字')

export const checkTagNo = (raw: string): Checked =>
  check(raw, (v) => /^\d{16}$/.test(v), '标签编号应为16位数字')
