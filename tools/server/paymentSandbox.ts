/**
 * The payment providers of the local server (`npm start`, tests), so an H5 user can recharge with
 * either provider end to end on this machine:
 * - WeChat Pay: the cloudPay merchant emulator answering the REAL wx-server-sdk (unifiedOrder,
 *   queryOrder, …), behind the production WechatPayGateway;
 * - Alipay: the local OpenAPI sandbox the REAL alipay-sdk talks to, behind the production
 *   AlipayPaymentGateway, its keys kept in .local/ by start.ts (fresh ones in tests).
 * The cashier plays the payer of an order, then delivers the provider's notification through the
 * production code path: payNotify's handler with WeChat's callback event and call source, or an
 * HTTP POST of Alipay's signed form to the server's own /alipay/notify, which runs alipayNotify's
 * handler. Nothing here credits anything itself.
 */
import { AlipayPaymentGateway } from '../../cloudfunctions/adapters/alipay/alipayPay'
import { wechatPayCallbackSource } from '../../cloudfunctions/adapters/wechatPay/notification'
import { WechatPayGateway } from '../../cloudfunctions/adapters/wechatPay/wechatPayGateway'
import { collections } from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { createAlipayNotifyHandler } from '../../cloudfunctions/functions/alipayNotify/handler'
import type { PaymentsDeps } from '../../cloudfunctions/functions/api/context'
import {
  createPayNotifyHandler,
  type PayNotifyAnswer,
} from '../../cloudfunctions/functions/payNotify/handler'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Store } from '../../cloudfunctions/ports/store'
import type { PaymentChannel } from '../../types/moneyRules'
import { openEmulatedCloudPay, type CloudPayEmulator } from '../cloudbase-emulator/cloudPay'
import { unregisterEmulator } from '../cloudbase-emulator/install'
import { AlipaySandbox } from '../sandbox-alipay/sandbox'
import type { SandboxKeys } from './secrets'

/** The path whose POST plays the payer of an order (recharge.create answers it as sandboxCashier). */
export const cashierPathPrefix = '/sandbox/cashier/'
/** Where the sandbox's Alipay notifications go: the same handler the alipayNotify function runs. */
export const alipayNotifyPath = '/alipay/notify'

/** Order numbers as the providers accept them (out_trade_no): nothing else reaches the store. */
export const orderNoPattern = /^[0-9A-Za-z_-]{1,64}$/

export type CashierAnswer =
  | {
      ok: true
      orderNo: string
      channel: PaymentChannel
      /** The provider acknowledged its notification (WeChat errcode 0, Alipay `success`). */
      notified: boolean
      /** What the notification function answered the provider. */
      answer: PayNotifyAnswer | string
    }
  | { ok: false; code: 'NOT_FOUND' | 'CONFLICT'; message: string }

export interface PaymentSandbox {
  /** What the api gets: both gateways (Alipay's once `listening` gave it its notify URL) and the cashier path. */
  readonly payments: PaymentsDeps
  readonly merchant: CloudPayEmulator
  readonly alipay: AlipaySandbox
  /** The server listens at `baseUrl`: Alipay trades now carry its notify URL, and notifications are accepted. */
  listening(baseUrl: string): void
  /** alipayNotify's handler on the server's store: form body in, `success` / `fail` out. */
  alipayNotify(body: string): Promise<'success' | 'fail'>
  /** payNotify's handler: WeChat's callback event and getWXContext().SOURCE in, `{ errcode }` out. */
  payNotify(event: unknown, source: string | undefined): Promise<PayNotifyAnswer>
  /** Plays the payer of `orderNo` in its provider's cashier, then delivers the provider's notification. */
  pay(orderNo: string): Promise<CashierAnswer>
  close(): Promise<void>
}

const wechatStates: Record<string, string> = {
  NOTPAY: '未支付',
  SUCCESS: '已支付',
  CLOSED: '已关闭',
  REFUND: '已退款',
}
const alipayStates: Record<string, string> = {
  WAIT_BUYER_PAY: '等待付款',
  TRADE_SUCCESS: '已支付',
  TRADE_CLOSED: '已关闭',
  TRADE_FINISHED: '已完结',
}
const restartNote = '本地服务重启后，重启前下的未支付订单已不在沙箱中，请重新下单'

export async function startPaymentSandbox(opts: {
  store: Store
  clock: Clock
  /** Kept across restarts by `npm start`; fresh pairs otherwise. */
  keys?: SandboxKeys
  log: (line: string) => void
}): Promise<PaymentSandbox> {
  const { store, clock, log } = opts
  const now = () => clock.now()
  const alipay = await AlipaySandbox.start({
    now,
    ...(opts.keys ? { keys: { app: opts.keys.alipayApp, alipay: opts.keys.alipay } } : {}),
  })
  const { emulator, merchant, cloudPay } = openEmulatedCloudPay({ now })
  const wechatGateway = new WechatPayGateway(cloudPay, {
    subMchId: merchant.subMchId,
    envId: emulator.envId,
    subAppId: merchant.subAppId,
  })
  const payments: PaymentsDeps = {
    gateways: { wechat: wechatGateway },
    sandboxCashier: (orderNo) => `${cashierPathPrefix}${encodeURIComponent(orderNo)}`,
  }
  const payNotify = createPayNotifyHandler({
    store,
    clock,
    gateway: wechatGateway,
    appId: merchant.subAppId,
    log,
  })
  let alipayNotify: ((body: string) => Promise<'success' | 'fail'>) | null = null
  let notifyUrl: string | null = null

  async function postAlipayNotification(body: string): Promise<string> {
    if (!notifyUrl) throw new Error('本地服务尚未开始监听')
    // over HTTP, as Alipay delivers it: the server's route, body limit and handler all take part
    const response = await fetch(notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    })
    return (await response.text()).trim()
  }

  async function payWechat(orderNo: string): Promise<CashierAnswer> {
    const held = merchant.order(orderNo)
    if (!held)
      return { ok: false, code: 'CONFLICT', message: `微信支付（本地模拟）没有这笔订单：${restartNote}` }
    if (held.state !== 'NOTPAY') {
      const state = wechatStates[held.state] ?? held.state
      return { ok: false, code: 'CONFLICT', message: `这笔订单在微信支付（本地模拟）${state}，不能再支付` }
    }
    if (held.expiresAt && clock.now().getTime() > held.expiresAt.getTime()) {
      return { ok: false, code: 'CONFLICT', message: '这笔订单已过支付期限，请重新下单' }
    }
    merchant.pay(orderNo)
    const answer = await payNotify(merchant.callbackEvent(orderNo), wechatPayCallbackSource)
    return { ok: true, orderNo, channel: 'wechat', notified: answer.errcode === 0, answer }
  }

  async function payAlipay(orderNo: string): Promise<CashierAnswer> {
    const trade = alipay.trade(orderNo)
    if (!trade)
      return { ok: false, code: 'CONFLICT', message: `支付宝（本地沙箱）没有这笔交易：${restartNote}` }
    if (trade.status !== 'WAIT_BUYER_PAY') {
      const state = alipayStates[trade.status] ?? trade.status
      return { ok: false, code: 'CONFLICT', message: `这笔订单在支付宝（本地沙箱）${state}，不能再支付` }
    }
    alipay.pay(orderNo)
    const answer = await postAlipayNotification(alipay.notificationBodyFor(orderNo))
    return { ok: true, orderNo, channel: 'alipay', notified: answer === 'success', answer }
  }

  return {
    payments,
    merchant,
    alipay,
    listening(baseUrl) {
      notifyUrl = `${baseUrl}${alipayNotifyPath}`
      const gateway = new AlipayPaymentGateway({ ...alipay.config(), notifyUrl })
      payments.gateways.alipay = gateway
      const config = alipay.config()
      alipayNotify = createAlipayNotifyHandler({
        store,
        clock,
        gateway,
        appId: config.appId,
        alipayPublicKey: config.alipayPublicKey,
        log,
      })
    },
    async alipayNotify(body) {
      return alipayNotify ? alipayNotify(body) : 'fail'
    },
    payNotify,
    async pay(orderNo) {
      if (!orderNoPattern.test(orderNo))
        return { ok: false, code: 'NOT_FOUND', message: '沙箱收银台：订单号格式不正确' }
      const order = await store.get<RechargeOrderDoc & { [key: string]: unknown }>(
        collections.rechargeOrders,
        orderNo,
      )
      if (!order)
        return { ok: false, code: 'NOT_FOUND', message: `沙箱收银台：没有订单号为 ${orderNo} 的充值订单` }
      const answer = order.channel === 'wechat' ? await payWechat(orderNo) : await payAlipay(orderNo)
      log(
        answer.ok
          ? `沙箱收银台 ${orderNo}（${answer.channel}）已支付，通知${answer.notified ? '已确认' : '未被确认'}`
          : `沙箱收银台 ${orderNo} 未支付：${answer.message}`,
      )
      return answer
    },
    async close() {
      unregisterEmulator(emulator)
      await alipay.stop()
    },
  }
}
