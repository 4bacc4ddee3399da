import Taro from '@tarojs/taro'

/** Alipay's my.getPhoneNumber through Taro's alipay plugin (promisified; Taro does not type it). */
interface AlipayPhoneApi {
  getPhoneNumber?: () => Promise<{ response?: unknown }>
}

/** my.getPhoneNumber answers `response`: a JSON string holding the encrypted `response` and its `sign`. */
export function parseAlipayPhone(raw: unknown): { response: string; sign: string } | null {
  if (typeof raw !== 'string') return null
  try {
    const value: unknown = JSON.parse(raw)
    if (typeof value !== 'object' || value === null) return null
    const v = value as { response?: unknown; sign?: unknown }
    if (typeof v.response !== 'string' || typeof v.sign !== 'string' || !v.response || !v.sign) return null
    return { response: v.response, sign: v.sign }
  } catch {
    return null
  }
}

/** After the getAuthorize button granted phoneNumber: the encrypted phone, or null when refused. */
export async function alipayPhoneNumber(): Promise<{ response: string; sign: string } | null> {
  const api = Taro as unknown as AlipayPhoneApi
  if (typeof api.getPhoneNumber !== 'function') return null
  try {
    const res = await api.getPhoneNumber()
    return parseAlipayPhone(res.response)
  } catch {
    return null
  }
}
