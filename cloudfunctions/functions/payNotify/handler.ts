import { parseWechatPayNotification } from '../../adapters/wechatPay/notification'
import { acceptPaymentNotification } from '../../core/money/notifications'
import type { Clock } from '../../ports/clock'
import type { PaymentGateway } from '../../ports/payments'
import type { Store } from '../../ports/store'

export interface PayNotifyDeps {
  store: Store
  clock: Clock
  /** The WeChat Pay gateway: every notification is confirmed with queryOrder before it credits. */
  gateway: PaymentGateway
  /** Our mini-program's appid, when set a notification for another app is refused. */
  appId?: string
  log?: (line: string) => void
}

/** What payNotify answers WeChat: errcode 0 only once the outcome is durable, else WeChat retries. */
export interface PayNotifyAnswer {
  errcode: number
  errmsg: string
}

/**
 * The payNotify cloud function without the platform: WeChat Pay calls it with the payment result
 * as the event, and `source` is getWXContext().SOURCE, which must be the payment callback's.
 */
export function createPayNotifyHandler(deps: PayNotifyDeps) {
  return async (event: unknown, source: string | undefined): Promise<PayNotifyAnswer> => {
    const verified = parseWechatPayNotification(event, source, { appId: deps.appId })
    try {
      const result = await acceptPaymentNotification(deps.store, deps.gateway, verified, deps.clock.now(), {
        confirmWithQuery: true,
      })
      deps.log?.(`[payNotify] ${result.outcome}`)
      return result.ack ? { errcode: 0, errmsg: 'OK' } : { errcode: 1, errmsg: result.outcome }
    } catch (error) {
      // Nothing durable happened (or it will be found again): WeChat calls again later.
      deps.log?.(`[payNotify] failed: ${error instanceof Error ? error.message : String(error)}`)
      return { errcode: 1, errmsg: 'retry' }
    }
  }
}
