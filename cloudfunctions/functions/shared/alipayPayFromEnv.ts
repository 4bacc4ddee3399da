import { createPrivateKey, createPublicKey } from 'node:crypto'
import { publicKeyPem, privateKeyType } from '../../adapters/alipay/alipayKeys'
import type { AlipayPayConfig } from '../../adapters/alipay/alipayPay'
import { ConfigurationError } from './configuration'

const bare = (key: string): string => key.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, '')

function validPrivateKey(key: string): boolean {
  const type = privateKeyType(key)
  const label = type === 'PKCS8' ? 'PRIVATE KEY' : 'RSA PRIVATE KEY'
  try {
    createPrivateKey(`-----BEGIN ${label}-----\n${bare(key)}\n-----END ${label}-----`)
    return true
  } catch {
    return false
  }
}

function validPublicKey(key: string): boolean {
  try {
    createPublicKey(publicKeyPem(key))
    return true
  } catch {
    return false
  }
}

/**
 * Alipay payments (alipay.trade.* through alipay-sdk, RSA2 notification checks with node:crypto),
 * enabled by ALIPAY_SELLER_ID (the merchant PID, 2088…), with ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY (the
 * app's RSA2 private key) and ALIPAY_PUBLIC_KEY (Alipay's public key); ALIPAY_GATEWAY optionally
 * points elsewhere than openapi.alipay.com. `notifyUrl: 'required'` (the api, which opens trades)
 * also needs ALIPAY_NOTIFY_URL, the alipayNotify function's HTTP access URL. The keys are checked
 * here, so a wrong key fails every call loudly at cold start instead of refusing every
 * notification as forged. Null when Alipay payments are not configured. alipay-sdk itself is not
 * loaded here (the gateway loads it on its first call).
 */
export function alipayPayConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: { notifyUrl: 'required' | 'optional' } = { notifyUrl: 'optional' },
): AlipayPayConfig | null {
  const sellerId = env.ALIPAY_SELLER_ID?.trim()
  if (!sellerId) return null
  if (!/^2088\d{12}$/.test(sellerId))
    throw new ConfigurationError('环境变量 ALIPAY_SELLER_ID 应为支付宝商户 PID（2088 开头的 16 位数字）')
  const names = ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY']
  if (options.notifyUrl === 'required') names.push('ALIPAY_NOTIFY_URL')
  const missing = names.filter((name) => !env[name]?.trim())
  if (missing.length > 0)
    throw new ConfigurationError(
      `设置了 ALIPAY_SELLER_ID（启用支付宝支付），但缺少环境变量 ${missing.join('、')}`,
    )
  const appId = (env.ALIPAY_APP_ID as string).trim()
  const privateKey = (env.ALIPAY_PRIVATE_KEY as string).trim()
  const alipayPublicKey = (env.ALIPAY_PUBLIC_KEY as string).trim()
  if (!/^\d{16}$/.test(appId))
    throw new ConfigurationError('环境变量 ALIPAY_APP_ID 应为支付宝应用 ID（16 位数字）')
  if (!validPrivateKey(privateKey))
    throw new ConfigurationError(
      '环境变量 ALIPAY_PRIVATE_KEY 不是有效的 RSA 私钥（应用私钥，PKCS#1 或 PKCS#8）',
    )
  if (!validPublicKey(alipayPublicKey))
    throw new ConfigurationError(
      '环境变量 ALIPAY_PUBLIC_KEY 不是有效的支付宝公钥（注意是支付宝公钥，不是应用公钥）',
    )
  const notifyUrl = env.ALIPAY_NOTIFY_URL?.trim()
  if (notifyUrl && !/^https?:\/\/[^\s/]+/.test(notifyUrl))
    throw new ConfigurationError(
      '环境变量 ALIPAY_NOTIFY_URL 应为 alipayNotify 函数的 HTTP 访问地址（http:// 或 https://）',
    )
  const gateway = env.ALIPAY_GATEWAY?.trim()
  return {
    appId,
    privateKey,
    alipayPublicKey,
    sellerId,
    ...(notifyUrl ? { notifyUrl } : {}),
    ...(gateway ? { gateway } : {}),
  }
}
