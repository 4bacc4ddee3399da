/**
 * Where the outlet's code sends the customer's phone. WeChat and Alipay open a mini-program page
 * from an ordinary https link once the program registers the link's prefix (WeChat: 开发管理 →
 * 扫普通链接二维码打开小程序; Alipay: 关联普通二维码) and maps it to the pay page. The code then holds
 * that prefix followed by the page path and its query, and the platform hands the whole link to the
 * page as `q` (WeChat, URL-encoded) or `qrCode` (Alipay).
 */

/**
 * The https prefix registered with the platforms' 普通链接二维码 rule (PAY_LINK_PREFIX at build
 * time, see README). It MUST match the rule's prefix exactly (scheme, host and path, as registered
 * and verified with the file the platform asks for).
 */
export const MINI_PROGRAM_LINK_PREFIX = PAY_LINK_PREFIX.replace(/\/+$/, '')

/** The path of the pay page as the server names it (`/packages/outlet/pages/pay/index?intent=…`). */
export function payLink(path: string): string {
  const page = path.startsWith('/') ? path : `/${path}`
  // H5 (the demo): this very app's hash route, opened in a second browser page or phone
  if (process.env.TARO_ENV === 'h5' && typeof location !== 'undefined')
    return `${location.origin}${location.pathname}#${page}`
  return `${MINI_PROGRAM_LINK_PREFIX}${page}`
}

/**
 * The intent a pay page was opened for: `intent` in its own query (H5, a navigation), or inside the
 * scanned link the platform passes as `q` / `qrCode`.
 */
export function intentOfParams(params: Partial<Record<string, string>>): string | null {
  if (params.intent) return params.intent
  const scanned = params.q ?? params.qrCode
  if (!scanned) return null
  let link = scanned
  try {
    link = decodeURIComponent(scanned)
  } catch {
    // not encoded: the link itself
  }
  const query = link.split('#').pop()?.split('?')[1] ?? ''
  for (const pair of query.split('&')) {
    const [name, value = ''] = pair.split('=')
    if (name === 'intent' && value) {
      try {
        return decodeURIComponent(value)
      } catch {
        return value
      }
    }
  }
  return null
}
