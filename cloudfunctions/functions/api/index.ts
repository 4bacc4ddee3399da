import cloud from 'wx-server-sdk'
import { createCloudbaseStore, type CloudbaseDatabase } from '../../adapters/cloudbase/cloudbaseStore'
import { systemClock } from '../../ports/clock'
import type { Secrets } from '../../ports/secrets'
import type { Sms } from '../../ports/sms'
import type { ApiResult } from '../../../types/api'
import { errorBody } from '../../../types/errors'
import { createApi, type Api, type Caller } from './app'
import { fromCallFunction } from './callFunctionEvent'
import { OutboxSms } from '../../adapters/local/outboxSms'
import { TencentSms, tencentSmsConfigFromEnv } from '../../adapters/tencentSms/tencentSms'
import { WechatPhone, type PhoneNumberOpenApi } from '../../adapters/wechat/wechatPhone'
import { AlipayPhone } from '../../adapters/alipay/alipayPhone'
import { alipayConfigFromEnv, type AlipayConfig } from '../../adapters/alipay/alipayKeys'
import { PlatformAuthError, type AlipayOAuth, type PlatformAuth } from '../../ports/platformAuth'
import type { Store } from '../../ports/store'
import { AlipayPaymentGateway } from '../../adapters/alipay/alipayPay'
import type { CloudPayApi } from '../../adapters/wechatPay/cloudPayApi'
import { alipayPayConfigFromEnv } from '../shared/alipayPayFromEnv'
import { cloudbaseEnvId, ConfigurationError, fromEnv } from '../shared/configuration'
import { wechatPayFromEnv } from '../shared/wechatPayFromEnv'
import type { PaymentsDeps } from './context'
import { createCloudbaseFiles, type CloudStorageApi } from '../../adapters/cloudbase/files'
import type { ExportDownloadDeps } from './actions/exportsDownload'
import { exportFileOverHttp, type HttpAccessGet } from './actions/exportsHttp'
import { loadMasterKeysFromEnv, SoftwareKeyService } from '../../adapters/keys/softwareKeyService'

/** What CloudBase's HTTP access hands the function. */
interface HttpEvent extends HttpAccessGet {
  httpMethod: string
  headers: Record<string, string | undefined>
  body?: string | null
  isBase64Encoded?: boolean
  requestContext?: { sourceIp?: string }
}

interface HttpResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
  /** true only for an export file (actions/exportsHttp.ts). */
  isBase64Encoded: boolean
}

export { ConfigurationError }

function secretFromEnv(name: string, minBytes: number): Buffer {
  const value = process.env[name]
  if (!value) throw new ConfigurationError(`缺少环境变量 ${name}（base64 编码的密钥，至少 ${minBytes} 字节）`)
  const bytes = Buffer.from(value, 'base64')
  if (bytes.length < minBytes) throw new ConfigurationError(`环境变量 ${name} 解码后不足 ${minBytes} 字节`)
  return bytes
}

export function secretsFromEnv(): Secrets {
  return {
    sessionKey: new Uint8Array(secretFromEnv('SESSION_KEY', 32)),
    dataKey: secretFromEnv('DATA_KEY', 32).subarray(0, 32),
    lookupKey: secretFromEnv('LOOKUP_KEY', 32),
  }
}

/** SMS_PROVIDER=tencent sends through Tencent Cloud SMS; outbox keeps codes in devOutbox (test envs only). */
const unconfiguredSms: Sms = {
  async send() {
    throw new ConfigurationError('短信服务未配置（设置 SMS_PROVIDER）')
  },
}

function smsFromEnv(store: Store): Sms {
  if (process.env.SMS_PROVIDER === 'tencent') return new TencentSms(fromEnv(() => tencentSmsConfigFromEnv()))
  if (process.env.SMS_PROVIDER === 'outbox') return new OutboxSms(store, systemClock)
  return unconfiguredSms
}

/** WeChat through cloud.openapi; Alipay from ALIPAY_* (all four or none). alipay-sdk loads on first use only. */
function platformAuthFromEnv(): PlatformAuth {
  const alipay: AlipayConfig | null = fromEnv(() => alipayConfigFromEnv())
  const notConfigured = () => new PlatformAuthError('unavailable', '支付宝登录未配置（ALIPAY_* 环境变量）')
  let oauth: Promise<AlipayOAuth> | null = null
  return {
    wechatPhone: new WechatPhone(cloud.openapi as unknown as PhoneNumberOpenApi),
    alipayPhone: alipay
      ? new AlipayPhone(alipay)
      : {
          async phoneNumberOf() {
            throw notConfigured()
          },
        },
    alipayOAuth: {
      async userIdOf(authCode) {
        if (!alipay) throw notConfigured()
        oauth ??= import('../../adapters/alipay/alipayOAuth').then((m) => new m.AlipayOAuthClient(alipay))
        return (await oauth).userIdOf(authCode)
      },
    },
  }
}

/**
 * WeChat Pay when WECHAT_PAY_SUB_MCH_ID is set (cloudPay, callback function payNotify); Alipay when
 * ALIPAY_SELLER_ID is set (with ALIPAY_APP_ID, ALIPAY_PRIVATE_KEY, ALIPAY_PUBLIC_KEY and
 * ALIPAY_NOTIFY_URL). Neither: recharge answers PAYMENT_CHANNEL_UNAVAILABLE. alipay-sdk loads on
 * the first Alipay call only, so a WeChat call never pays for it.
 */
function paymentsFromEnv(): PaymentsDeps {
  const cloudPay = (cloud as unknown as { cloudPay: CloudPayApi }).cloudPay
  const wechat = fromEnv(() => wechatPayFromEnv(cloudPay, () => cloudbaseEnvId(cloud.getWXContext().ENV)))
  const alipay = fromEnv(() => alipayPayConfigFromEnv(process.env, { notifyUrl: 'required' }))
  return {
    gateways: {
      ...(wechat ? { wechat: wechat.gateway } : {}),
      ...(alipay ? { alipay: new AlipayPaymentGateway(alipay) } : {}),
    },
  }
}

let api: Api | null = null
/** What the export download over HTTP access needs, made with the api (getApi). */
let exportDownloads: ExportDownloadDeps | null = null

function getApi(): Api {
  if (api) return api
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
  // A missing document reads as null, not as a thrown error (the Store port's get). The SDK
  // reads this option at run time but its typings do not declare it.
  const databaseConfig = { throwOnNotFound: false } as Parameters<typeof cloud.database>[0]
  const store = createCloudbaseStore(cloud.database(databaseConfig) as unknown as CloudbaseDatabase)
  const secrets = secretsFromEnv()
  // export files live in cloud storage: WeChat downloads them by temporary URL, Alipay through us
  const files = createCloudbaseFiles(cloud as unknown as CloudStorageApi)
  exportDownloads = { store, files, clock: systemClock, secrets }
  // LOAD_MASTER_DLK / LOAD_MASTER_DTK (hex); neither set: the load actions answer LOAD_UNAVAILABLE
  const loadMaster = fromEnv(() => loadMasterKeysFromEnv())
  api = createApi({
    store,
    exports: { files },
    sms: smsFromEnv(store),
    platformAuth: platformAuthFromEnv(),
    payments: paymentsFromEnv(),
    clock: systemClock,
    secrets,
    ...(loadMaster ? { loadKeys: SoftwareKeyService.fromMasterKeys(loadMaster) } : {}),
    log: (entry) => console.log(JSON.stringify({ type: 'api', ...entry })),
  })
  return api
}

export function isHttpEvent(event: unknown): event is HttpEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof (event as HttpEvent).httpMethod === 'string' &&
    typeof (event as HttpEvent).headers === 'object'
  )
}

function header(headers: HttpEvent['headers'], name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === name)
  return key ? headers[key] : undefined
}

export function callerFromHttp(event: HttpEvent): Caller {
  const auth = header(event.headers, 'authorization')
  const match = auth ? /^Bearer\s+(\S+)$/i.exec(auth.trim()) : null
  const forwarded = header(event.headers, 'x-forwarded-for')?.split(',')[0]?.trim()
  const ip = forwarded || header(event.headers, 'x-real-ip') || event.requestContext?.sourceIp || 'unknown'
  return { platform: 'http', token: match ? match[1] : null, ip }
}

function httpResponse(result: ApiResult): HttpResponse {
  return {
    statusCode: result.ok ? 200 : result.error.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(result),
    isBase64Encoded: false,
  }
}

function failure(code: 'INVALID_INPUT' | 'INTERNAL', message?: string): ApiResult {
  return { ok: false, error: errorBody(code, message), requestId: 'none' }
}

async function handleHttp(event: HttpEvent): Promise<HttpResponse> {
  if (event.httpMethod.toUpperCase() === 'GET') {
    getApi()
    const file = exportDownloads
      ? await exportFileOverHttp(exportDownloads, event, callerFromHttp(event))
      : null
    if (file) return file
  }
  if (event.httpMethod.toUpperCase() !== 'POST')
    return httpResponse(failure('INVALID_INPUT', '接口只接受 POST 请求'))
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '')
  let envelope: unknown
  try {
    envelope = JSON.parse(text)
  } catch {
    return httpResponse(failure('INVALID_INPUT', '请求内容不是有效的 JSON'))
  }
  return httpResponse(await getApi().handle(envelope, callerFromHttp(event)))
}

/** The CloudBase entry: wx.cloud.callFunction from the WeChat program, or HTTP access from Alipay. */
export async function main(event: unknown, _context: unknown): Promise<ApiResult | HttpResponse> {
  try {
    if (isHttpEvent(event)) return await handleHttp(event)
    const api = getApi()
    const openid = cloud.getWXContext().OPENID
    if (openid) {
      const { envelope, caller } = fromCallFunction(event, openid)
      return await api.handle(envelope, caller)
    }
    const { action, payload } = (event ?? {}) as { action?: unknown; payload?: unknown }
    const internal: Caller = { platform: 'http', token: null, ip: 'internal' }
    return await api.handle({ action, payload }, internal)
  } catch (error) {
    console.error('[api] entry failure', error instanceof ConfigurationError ? error.message : error)
    const result = failure('INTERNAL')
    return isHttpEvent(event) ? httpResponse(result) : result
  }
}
