import { createPrivateKey } from 'node:crypto'

/** The configuration the Alipay adapters share; values come from environment variables, never the repo. */
export interface AlipayConfig {
  appId: string
  /** The app's RSA2 private key: PEM, or the bare base64 the Alipay console hands out (PKCS#1 or PKCS#8). */
  privateKey: string
  /** Alipay's public key (not the app's): PEM or bare base64 SPKI. */
  alipayPublicKey: string
  /** The app's AES key ("接口内容加密方式"), base64, for my.getPhoneNumber. */
  aesKey: string
  /** Default https://openapi.alipay.com/gateway.do; tests point it at a local gateway. */
  gateway?: string
  /** Milliseconds, default 5000. */
  timeoutMs?: number
}

function bare(key: string): string {
  return key.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, '')
}

/** alipay-sdk needs to be told whether the private key is PKCS#1 or PKCS#8; find out from the key itself. */
export function privateKeyType(privateKey: string): 'PKCS1' | 'PKCS8' {
  if (privateKey.includes('BEGIN PRIVATE KEY')) return 'PKCS8'
  if (privateKey.includes('BEGIN RSA PRIVATE KEY')) return 'PKCS1'
  const der = Buffer.from(bare(privateKey), 'base64')
  try {
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    return 'PKCS8'
  } catch {
    return 'PKCS1'
  }
}

/** A PEM public key from PEM or bare base64 SPKI. */
export function publicKeyPem(key: string): string {
  const body = bare(key)
  const lines = body.match(/.{1,64}/g) ?? []
  return `-----BEGIN PUBLIC KEY-----\n${lines.join('\n')}\n-----END PUBLIC KEY-----\n`
}

export function alipayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AlipayConfig | null {
  const names = ['ALIPAY_APP_ID', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_PUBLIC_KEY', 'ALIPAY_AES_KEY'] as const
  const present = names.filter((name) => env[name])
  if (present.length === 0) return null
  const missing = names.filter((name) => !env[name])
  if (missing.length > 0) throw new Error(`缺少环境变量 ${missing.join(', ')}`)
  return {
    appId: env.ALIPAY_APP_ID as string,
    privateKey: env.ALIPAY_PRIVATE_KEY as string,
    alipayPublicKey: env.ALIPAY_PUBLIC_KEY as string,
    aesKey: env.ALIPAY_AES_KEY as string,
    ...(env.ALIPAY_GATEWAY ? { gateway: env.ALIPAY_GATEWAY } : {}),
  }
}
