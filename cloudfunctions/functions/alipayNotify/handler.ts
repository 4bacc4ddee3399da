import {
  parseAlipayNotification,
  type AlipayNotificationConfig,
} from '../../adapters/alipay/alipayNotification'
import { acceptPaymentNotification } from '../../core/money/notifications'
import type { Clock } from '../../ports/clock'
import type { PaymentGateway } from '../../ports/payments'
import type { Store } from '../../ports/store'

export interface AlipayNotifyDeps extends AlipayNotificationConfig {
  store: Store
  clock: Clock
  gateway: PaymentGateway
  log?: (line: string) => void
}

/**
 * The alipayNotify function without the platform: Alipay POSTs the signed form body to its HTTP
 * access URL; `success` stops Alipay's retries, so it is answered only once the outcome is durable.
 * The RSA2 signature is the proof (node:crypto, no SDK), so no query is needed before crediting.
 */
export function createAlipayNotifyHandler(deps: AlipayNotifyDeps) {
  return async (body: string): Promise<'success' | 'fail'> => {
    const verified = parseAlipayNotification(body, {
      appId: deps.appId,
      alipayPublicKey: deps.alipayPublicKey,
    })
    try {
      const result = await acceptPaymentNotification(deps.store, deps.gateway, verified, deps.clock.now(), {
        confirmWithQuery: false,
      })
      deps.log?.(`[alipayNotify] ${result.outcome}`)
      return result.ack ? 'success' : 'fail'
    } catch (error) {
      deps.log?.(`[alipayNotify] failed: ${error instanceof Error ? error.message : String(error)}`)
      return 'fail'
    }
  }
}
