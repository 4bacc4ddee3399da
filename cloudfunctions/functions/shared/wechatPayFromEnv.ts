import type { CloudPayApi } from '../../adapters/wechatPay/cloudPayApi'
import { WechatPayGateway } from '../../adapters/wechatPay/wechatPayGateway'
import { ConfigurationError } from './configuration'

export interface WechatPayFromEnv {
  gateway: WechatPayGateway
  /** The mini-program's appid (sub_appid), when configured: payNotify refuses notifications for another app. */
  subAppId?: string
}

/**
 * WeChat Pay through cloudPay, enabled by WECHAT_PAY_SUB_MCH_ID (our merchant number, bound to the
 * CloudBase environment in the console); WECHAT_PAY_SUB_APP_ID optionally names the mini-program.
 * No keys: cloudPay signs on CloudBase's side. Null when WeChat Pay is not configured.
 * `envId` is asked only when WeChat Pay is configured (the environment of the payNotify function).
 */
export function wechatPayFromEnv(
  cloudPay: CloudPayApi,
  envId: () => string,
  env: NodeJS.ProcessEnv = process.env,
): WechatPayFromEnv | null {
  const subMchId = env.WECHAT_PAY_SUB_MCH_ID?.trim()
  const subAppId = env.WECHAT_PAY_SUB_APP_ID?.trim() || undefined
  if (!subMchId) {
    if (subAppId)
      throw new ConfigurationError(
        '设置了 WECHAT_PAY_SUB_APP_ID，但缺少环境变量 WECHAT_PAY_SUB_MCH_ID（微信支付商户号）',
      )
    return null
  }
  if (!/^\d{6,20}$/.test(subMchId))
    throw new ConfigurationError('环境变量 WECHAT_PAY_SUB_MCH_ID 应为微信支付商户号（纯数字）')
  if (subAppId && !/^wx[0-9a-f]{16}$/i.test(subAppId))
    throw new ConfigurationError('环境变量 WECHAT_PAY_SUB_APP_ID 应为小程序 AppID（wx 开头的 18 位）')
  const gateway = new WechatPayGateway(cloudPay, {
    subMchId,
    envId: envId(),
    notifyFunction: 'payNotify',
    ...(subAppId ? { subAppId } : {}),
  })
  return { gateway, ...(subAppId ? { subAppId } : {}) }
}
