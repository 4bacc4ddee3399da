import { z } from 'zod'

export const phoneSchema = z
  .string({ error: '请输入手机号' })
  .trim()
  .regex(/^1[3-9]\d{9}$/, '请输入正确的11位手机号')

export const smsCodeSchema = z
  .string({ error: '请输入短信验证码' })
  .trim()
  .regex(/^\d{6}$/, '验证码为6位数字')

/** 浙A12345, 浙AD12345 (new energy), 浙A1234学 … */
export const plateSchema = z
  .string({ error: '请输入车牌号码' })
  .trim()
  .toUpperCase()
  .regex(
    /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{4,6}[A-Z0-9挂学警港澳领]?$/,
    '车牌号码格式不正确',
  )

export const cursorSchema = z.string().max(200, '分页参数不正确').optional()

export const pageLimitSchema = z
  .number({ error: '每页条数必须是数字' })
  .int('每页条数必须是整数')
  .min(1, '每页至少1条')
  .max(50, '每页最多50条')
  .default(20)

export interface Page<T> {
  items: T[]
  /** All matches of the filter, for "共 N 条". */
  total: number
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null
}
