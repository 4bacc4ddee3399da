import { AlipaySdk } from 'alipay-sdk'
import { PlatformAuthError, type AlipayOAuth } from '../../ports/platformAuth'
import { privateKeyType, publicKeyPem, type AlipayConfig } from './alipayKeys'

const method = 'alipay.system.oauth.token'
const responseKey = 'alipay_system_oauth_token_response'

/** What exec() answers for alipay.system.oauth.token (keys camelCased by the SDK). */
interface OAuthTokenResult {
  userId?: unknown
  openId?: unknown
  code?: unknown
  msg?: unknown
  subCode?: unknown
  subMsg?: unknown
}

/** The slice of the SDK we use. */
interface OAuthSdk {
  exec(
    method: string,
    params: Record<string, string>,
    options: { validateSign: boolean },
  ): Promise<OAuthTokenResult>
}

/** Fields of the SDK's AlipayRequestError that we read. */
interface SdkRequestError {
  name?: unknown
  message?: unknown
  responseDataRaw?: unknown
}

function parseRaw(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string') return null
  try {
    const value: unknown = JSON.parse(raw)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function describe(error: Record<string, unknown> | undefined): string {
  if (!error) return '未知错误'
  return String(error.sub_msg ?? error.subMsg ?? error.sub_code ?? error.msg ?? error.code ?? '未知错误')
}

/**
 * my.getAuthCode's code → alipay.system.oauth.token (OpenAPI v2 gateway, RSA2-signed request) →
 * the Alipay user id. The SDK checks Alipay's RSA2 signature on the answer (validateSign).
 * Apps switched to OpenID get `open_id` instead of `user_id`; either identifies the user in this app.
 */
export class AlipayOAuthClient implements AlipayOAuth {
  private readonly sdk: OAuthSdk

  constructor(config: AlipayConfig) {
    this.sdk = new AlipaySdk({
      appId: config.appId,
      privateKey: config.privateKey,
      keyType: privateKeyType(config.privateKey),
      alipayPublicKey: publicKeyPem(config.alipayPublicKey),
      signType: 'RSA2',
      gateway: config.gateway ?? 'https://openapi.alipay.com/gateway.do',
      timeout: config.timeoutMs ?? 5000,
      camelcase: true,
    }) as unknown as OAuthSdk
  }

  async userIdOf(authCode: string): Promise<string> {
    if (typeof authCode !== 'string' || !authCode.trim()) {
      throw new PlatformAuthError('rejected', '缺少支付宝授权码')
    }
    let result: OAuthTokenResult
    try {
      result = await this.sdk.exec(
        method,
        { grantType: 'authorization_code', code: authCode.trim() },
        { validateSign: true },
      )
    } catch (error) {
      throw this.failure(error)
    }
    const id = typeof result.userId === 'string' && result.userId ? result.userId : result.openId
    if (typeof id === 'string' && id) return id
    throw new PlatformAuthError('rejected', `支付宝授权失败：${describe(result as Record<string, unknown>)}`)
  }

  private failure(error: unknown): PlatformAuthError {
    const { name, message, responseDataRaw } = (error ?? {}) as SdkRequestError
    const body = parseRaw(responseDataRaw)
    if (body && body[responseKey] !== undefined) {
      // The SDK found the method's answer and its signature did not verify against Alipay's key.
      return new PlatformAuthError('badSignature', '支付宝响应签名无效')
    }
    if (body && body.error_response && typeof body.error_response === 'object') {
      // alipay-sdk 4 cannot verify the signature of an `error_response` (it looks for the method's
      // key); an unverified refusal can only deny, so it is answered as a refusal.
      return new PlatformAuthError(
        'rejected',
        `支付宝授权失败：${describe(body.error_response as Record<string, unknown>)}`,
      )
    }
    return new PlatformAuthError(
      'unavailable',
      `支付宝网关不可用：${name === 'AlipayRequestError' ? String(message) : String(message ?? error)}`,
    )
  }
}
