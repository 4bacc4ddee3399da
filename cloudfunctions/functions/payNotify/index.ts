import cloud from 'wx-server-sdk'
import { createCloudbaseStore, type CloudbaseDatabase } from '../../adapters/cloudbase/cloudbaseStore'
import type { CloudPayApi } from '../../adapters/wechatPay/cloudPayApi'
import { systemClock } from '../../ports/clock'
import { cloudbaseEnvId, ConfigurationError, fromEnv } from '../shared/configuration'
import { wechatPayFromEnv } from '../shared/wechatPayFromEnv'
import { createPayNotifyHandler, type PayNotifyAnswer } from './handler'

/**
 * The payNotify cloud function: cloudPay.unifiedOrder names it as the payment callback, and WeChat
 * Pay calls it with the payment result as the event. getWXContext().SOURCE tells a payment callback
 * (`wx_paycallback`) from any other caller; the handler confirms every notification with queryOrder
 * and answers errcode 0 only once the outcome is durable. Loads wx-server-sdk only: no Alipay or
 * SMS SDK is in this bundle.
 */

let handler: ReturnType<typeof createPayNotifyHandler> | null = null

function getHandler(): ReturnType<typeof createPayNotifyHandler> {
  if (handler) return handler
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
  const cloudPay = (cloud as unknown as { cloudPay: CloudPayApi }).cloudPay
  const wechat = fromEnv(() => wechatPayFromEnv(cloudPay, () => cloudbaseEnvId(cloud.getWXContext().ENV)))
  if (!wechat)
    throw new ConfigurationError('微信支付未配置：缺少环境变量 WECHAT_PAY_SUB_MCH_ID（微信支付商户号）')
  // A missing document reads as null (the Store port's get); the SDK's typings omit the option.
  const databaseConfig = { throwOnNotFound: false } as Parameters<typeof cloud.database>[0]
  const store = createCloudbaseStore(cloud.database(databaseConfig) as unknown as CloudbaseDatabase)
  handler = createPayNotifyHandler({
    store,
    clock: systemClock,
    gateway: wechat.gateway,
    ...(wechat.subAppId ? { appId: wechat.subAppId } : {}),
    log: (line) => console.log(line),
  })
  return handler
}

export async function main(event: unknown, _context: unknown): Promise<PayNotifyAnswer> {
  try {
    const notify = getHandler()
    return await notify(event, cloud.getWXContext().SOURCE)
  } catch (error) {
    // WeChat calls again later; the reason is for the function's log (and cloudPay's callback log)
    const configuration = error instanceof ConfigurationError
    console.error('[payNotify] entry failure', configuration ? error.message : error)
    return { errcode: 1, errmsg: configuration ? error.message : 'retry' }
  }
}
