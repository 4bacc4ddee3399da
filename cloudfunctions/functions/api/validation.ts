import type { z } from 'zod'

const hasChinese = /[\u4e00-\u9fff]/

/** zod's built-in messages are English; users must only ever read Chinese. */
function chineseMessage(issue: z.core.$ZodIssue): string {
  if (hasChinese.test(issue.message)) return issue.message
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '缺少必填项' : typeName(issue.expected)
    case 'too_big':
      return issue.origin === 'string' ? '内容过长' : '数值过大'
    case 'too_small':
      return issue.origin === 'string' ? '内容过短' : '数值过小'
    case 'invalid_format':
      return '格式不正确'
    case 'invalid_value':
      return '取值不正确'
    case 'unrecognized_keys':
      return '不支持的字段'
    default:
      return '参数不正确'
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = {
    string: '应为文本',
    number: '应为数字',
    boolean: '应为是/否',
    object: '应为对象',
  }
  return names[expected] ?? '类型不正确'
}

/** Field path → Chinese message, for forms. The payload itself is the path "payload". */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.')
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[base ? `${base}.${key}` : key] ??= '不支持的字段'
      continue
    }
    fields[base || 'payload'] ??= base ? chineseMessage(issue) : '请求参数必须是对象'
  }
  return fields
}
