import { PlatformAuthError, type WechatPhoneNumbers } from '../../ports/platformAuth'

/** What phonenumber.getPhoneNumber answers (documented fields we read). */
export interface GetPhoneNumberResult {
  errCode?: number
  errcode?: number
  errMsg?: string
  errmsg?: string
  phoneInfo?: {
    phoneNumber?: string
    purePhoneNumber?: string
    countryCode?: string | number
  }
}

/** The slice of wx-server-sdk's `cloud.openapi` we use (a cloud call: no access token inside CloudBase). */
export interface PhoneNumberOpenApi {
  phonenumber: {
    getPhoneNumber(params: { code: string }): Promise<GetPhoneNumberResult>
  }
}

/** WeChat error codes that mean the code itself is no good (the user must tap the button again). */
const invalidCodeCodes = new Set([40029, 40163])
/** Busy or over quota: worth trying again later. */
const busyCodes = new Set([-1, 45009, 45011])

function errCodeOf(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined
  const { errCode, errcode } = value as { errCode?: unknown; errcode?: unknown }
  const code = errCode ?? errcode
  return typeof code === 'number'
    ? code
    : typeof code === 'string' && /^-?\d+$/.test(code)
      ? Number(code)
      : undefined
}

function errMsgOf(value: unknown): string {
  if (!value || typeof value !== 'object') return String(value)
  const { errMsg, errmsg, message } = value as { errMsg?: unknown; errmsg?: unknown; message?: unknown }
  return String(errMsg ?? errmsg ?? message ?? '')
}

function failure(code: number | undefined, message: string): PlatformAuthError {
  if (code === undefined) return new PlatformAuthError('unavailable', `微信接口不可用：${message}`)
  if (invalidCodeCodes.has(code))
    return new PlatformAuthError('rejected', `手机号授权码无效或已使用（${code}）`)
  if (busyCodes.has(code)) return new PlatformAuthError('unavailable', `微信接口繁忙（${code}）`)
  return new PlatformAuthError('rejected', `微信拒绝了手机号请求（${code}）：${message}`)
}

/**
 * The getPhoneNumber button's code → phonenumber.getPhoneNumber → the mainland number
 * (purePhoneNumber). Cloud calls reject with { errCode, errMsg }; a resolved answer may also
 * carry a non-zero errCode, both are handled.
 */
export class WechatPhone implements WechatPhoneNumbers {
  constructor(private readonly openapi: PhoneNumberOpenApi) {}

  async phoneNumberOf(code: string): Promise<string> {
    if (typeof code !== 'string' || !code.trim()) throw new PlatformAuthError('rejected', '缺少手机号授权码')
    let result: GetPhoneNumberResult
    try {
      result = await this.openapi.phonenumber.getPhoneNumber({ code: code.trim() })
    } catch (error) {
      throw failure(errCodeOf(error), errMsgOf(error))
    }
    const errCode = errCodeOf(result)
    if (errCode !== undefined && errCode !== 0) throw failure(errCode, errMsgOf(result))
    const info = result?.phoneInfo
    const pure = info?.purePhoneNumber
    if (!pure) throw new PlatformAuthError('unavailable', '微信未返回手机号')
    if (info?.countryCode !== undefined && String(info.countryCode) !== '86') {
      throw new PlatformAuthError('rejected', '仅支持中国大陆手机号')
    }
    return pure
  }
}
