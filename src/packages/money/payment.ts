import Taro from '@tarojs/taro'
import type { PaymentLaunch, RechargeLaunch } from '../../../types'

/**
 * Opening the provider's cashier on each platform. Nothing here ever concludes "paid": whatever a
 * cashier answers (success, 8000 processing, 6004 unknown, cancel, failure) the page goes on to the
 * result page, which asks the server (recharge.status) until the provider's word arrives there.
 */

/** How this build pays an order: WeChat's or Alipay's own cashier, the local sandbox (H5), or not at all. */
export type Cashier =
  | { kind: 'wechat'; payment: Extract<PaymentLaunch, { provider: 'wechat' }>['payment'] }
  | { kind: 'alipay'; tradeNo: string }
  | { kind: 'sandbox'; path: string }
  | { kind: 'none' }

export function cashierOf(answer: RechargeLaunch): Cashier {
  const { launch } = answer
  switch (process.env.TARO_ENV) {
    case 'weapp':
      return launch.provider === 'wechat' ? { kind: 'wechat', payment: launch.payment } : { kind: 'none' }
    case 'alipay':
      return launch.provider === 'alipay' ? { kind: 'alipay', tradeNo: launch.tradeNo } : { kind: 'none' }
    default:
      return answer.sandboxCashier ? { kind: 'sandbox', path: answer.sandboxCashier } : { kind: 'none' }
  }
}

type SignType = NonNullable<Parameters<typeof Taro.requestPayment>[0]['signType']>

/** wx.requestPayment; a cancel or failure is no answer about the payment. */
export async function payInWechat(payment: Extract<Cashier, { kind: 'wechat' }>['payment']): Promise<void> {
  try {
    await Taro.requestPayment({
      timeStamp: payment.timeStamp,
      nonceStr: payment.nonceStr,
      package: payment.package,
      signType: payment.signType as SignType,
      paySign: payment.paySign,
    })
  } catch {
    // cancelled or failed: the order's state is the server's to tell
  }
}

/** my.tradePay({ tradeNO }) (Taro.tradePay on Alipay); its resultCode (9000, 8000, 6001, 6004…) decides nothing. */
export async function payInAlipay(tradeNo: string): Promise<void> {
  try {
    await Taro.tradePay({ tradeNO: tradeNo })
  } catch {
    // the cashier did not open or failed: the order's state is the server's to tell
  }
}

/** H5 against the local payment sandbox: the POST plays the payer; the provider then notifies the server. */
export async function payInSandbox(path: string): Promise<boolean> {
  try {
    const res = await Taro.request({
      url: path,
      method: 'POST',
      data: {},
      header: { 'content-type': 'application/json' },
      dataType: 'json',
    })
    return res.statusCode >= 200 && res.statusCode < 300
  } catch {
    return false
  }
}

/** A fresh Alipay auth code (my.getAuthCode through Taro.login): the server learns the payer from it. */
export async function alipayAuthCode(): Promise<string | null> {
  if (process.env.TARO_ENV !== 'alipay') return null
  try {
    const res = await Taro.login()
    return res.code ? res.code : null
  } catch {
    return null
  }
}
