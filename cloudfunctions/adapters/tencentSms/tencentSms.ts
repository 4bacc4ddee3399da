import type { Agent } from 'node:http'
import type { Sms, SmsMessage } from '../../ports/sms'

/**
 * Tencent Cloud SMS (API 2021-01-11, SendSms) through tencentcloud-sdk-nodejs-sms.
 * The template has two parameters: the code and its validity in minutes ('5').
 * The SDK (and its HTTP stack) loads on the first send, not when the function starts: most
 * invocations send no code (test/builds/function-bundles.test.ts checks the bundle).
 */
export interface TencentSmsConfig {
  secretId: string
  secretKey: string
  /** SmsSdkAppId, e.g. 1400006666. */
  sdkAppId: string
  /** The approved signature's text (not its id), required for mainland numbers. */
  signName: string
  templateId: string
  /** Default ap-guangzhou. */
  region?: string
  /**
   * Default sms.tencentcloudapi.com. The SDK takes the signing service name from the
   * endpoint's first label, so an override must keep the `sms.` prefix.
   */
  endpoint?: string
  /** Default https://. Tests point the SDK at a local endpoint over plain HTTP. */
  protocol?: 'https://' | 'http://'
  /** Tests only: the agent that reaches the local endpoint. */
  agent?: Agent
  /** Milliseconds; the SDK's default is 60 s, far too long for a login request. */
  timeoutMs?: number
}

export type SmsFailureReason = 'rateLimited' | 'invalidPhone' | 'rejected' | 'unavailable'

/** SendSms did not deliver to the number; `providerCode` is Tencent's Code (e.g. LimitExceeded.PhoneNumberDailyLimit). */
export class SmsSendError extends Error {
  constructor(
    readonly reason: SmsFailureReason,
    readonly providerCode: string,
    message: string,
  ) {
    super(message)
    this.name = 'SmsSendError'
  }
}

/** The per-number result in SendStatusSet (documented fields we read). */
interface SendStatus {
  PhoneNumber?: string
  Code?: string
  Message?: string
}

/** The slice of the SDK's SMS client we use. */
interface SendSmsClient {
  SendSms(req: {
    PhoneNumberSet: string[]
    SmsSdkAppId: string
    SignName: string
    TemplateId: string
    TemplateParamSet: string[]
  }): Promise<{ SendStatusSet?: SendStatus[]; RequestId?: string }>
}

/** The SDK's error for an `Error` answer: `code` is Tencent's error code. */
interface SdkError {
  code?: unknown
  httpCode?: unknown
  message?: unknown
}

export const codeValidityMinutes = '5'

/** Tencent's documented per-number and request-level codes, grouped by what the caller can do about them. */
export function failureReasonOf(code: string): SmsFailureReason {
  if (code.startsWith('LimitExceeded.')) return 'rateLimited'
  if (
    code === 'InvalidParameterValue.IncorrectPhoneNumber' ||
    code === 'FailedOperation.PhoneNumberInBlacklist' ||
    code === 'FailedOperation.PhoneNumberParseFail' ||
    code === 'UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber'
  )
    return 'invalidPhone'
  if (code === 'InternalError' || code.startsWith('InternalError.') || code === 'RequestLimitExceeded')
    return 'unavailable'
  return 'rejected'
}

/** Mainland mobile numbers as Tencent wants them: E.164, +86 prefix. */
export function toE164(phone: string): string {
  const digits = phone.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '')
  if (!/^1[3-9]\d{9}$/.test(digits)) {
    throw new SmsSendError('invalidPhone', 'InvalidParameterValue.IncorrectPhoneNumber', '手机号格式不正确')
  }
  return `+86${digits}`
}

export class TencentSms implements Sms {
  private client: Promise<SendSmsClient> | null = null

  constructor(private readonly config: TencentSmsConfig) {}

  /** The SDK's client, created on the first send. */
  private sdkClient(): Promise<SendSmsClient> {
    const config = this.config
    this.client ??= import('tencentcloud-sdk-nodejs-sms').then(
      ({ sms }) =>
        new sms.v20210111.Client({
          credential: { secretId: config.secretId, secretKey: config.secretKey },
          region: config.region ?? 'ap-guangzhou',
          profile: {
            signMethod: 'TC3-HMAC-SHA256',
            httpProfile: {
              reqMethod: 'POST',
              endpoint: config.endpoint ?? 'sms.tencentcloudapi.com',
              protocol: config.protocol ?? 'https://',
              reqTimeout: Math.ceil((config.timeoutMs ?? 10_000) / 1000),
              ...(config.agent ? { agent: config.agent } : {}),
            },
          },
        }),
    )
    const loading = this.client
    // a failed load is retried on the next send
    loading.catch(() => {
      if (this.client === loading) this.client = null
    })
    return loading
  }

  async send(message: SmsMessage): Promise<void> {
    const phone = toE164(message.phone)
    let client: SendSmsClient
    try {
      client = await this.sdkClient()
    } catch (error) {
      throw new SmsSendError('unavailable', 'SdkUnavailable', `短信服务不可用：${String(error)}`)
    }
    let answer: { SendStatusSet?: SendStatus[] }
    try {
      answer = await client.SendSms({
        PhoneNumberSet: [phone],
        SmsSdkAppId: this.config.sdkAppId,
        SignName: this.config.signName,
        TemplateId: this.config.templateId,
        TemplateParamSet: [message.code, codeValidityMinutes],
      })
    } catch (error) {
      const { code, message: text } = (error ?? {}) as SdkError
      if (typeof code === 'string' && code) {
        throw new SmsSendError(failureReasonOf(code), code, `短信服务拒绝了请求：${String(text)}`)
      }
      throw new SmsSendError('unavailable', 'Unreachable', `短信服务不可用：${String(text ?? error)}`)
    }
    const status = answer.SendStatusSet?.find((s) => s.PhoneNumber === phone) ?? answer.SendStatusSet?.[0]
    if (!status?.Code) {
      throw new SmsSendError('unavailable', 'NoSendStatus', '短信服务未返回发送结果')
    }
    if (status.Code !== 'Ok') {
      throw new SmsSendError(failureReasonOf(status.Code), status.Code, status.Message ?? status.Code)
    }
  }
}

/**
 * Reads the configuration from the function's environment; throws naming the first missing variable.
 * The SMS account's key pair is SMS_SECRET_ID / SMS_SECRET_KEY: the TENCENTCLOUD_ names are reserved
 * by the runtime, which fills TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN with the function's own
 * temporary credentials (see tools/cloudbase/reservedEnv.ts).
 */
export function tencentSmsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TencentSmsConfig {
  const need = (name: string): string => {
    const value = env[name]
    if (!value) throw new Error(`缺少环境变量 ${name}`)
    return value
  }
  return {
    secretId: need('SMS_SECRET_ID'),
    secretKey: need('SMS_SECRET_KEY'),
    sdkAppId: need('SMS_SDK_APP_ID'),
    signName: need('SMS_SIGN_NAME'),
    templateId: need('SMS_TEMPLATE_ID'),
    region: env.SMS_REGION || 'ap-guangzhou',
    ...(env.SMS_ENDPOINT ? { endpoint: env.SMS_ENDPOINT } : {}),
  }
}
