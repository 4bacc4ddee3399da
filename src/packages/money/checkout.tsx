import { useState } from 'react'
import { Dialog } from '@nutui/nutui-react-taro'
import type { ActionRequest, MoneySummary, RechargeLaunch } from '../../../types'
import { ApiError, call } from '../../services/api'
import { alipayAuthCode, cashierOf, payInAlipay, payInSandbox, payInWechat } from './payment'
import { rechargeWindowNotice } from './rules'

/**
 * Paying a recharge order, one way for every page that opens one (充值, 网点充值支付):
 * recharge.create with Alipay's one-time payer code, this platform's cashier (the H5 sandbox asks
 * first), then the result page. Nothing here concludes "paid": the result page asks the server.
 */

export type RechargeRequest = Omit<ActionRequest<'recharge.create'>, 'alipayAuthCode'>

/** Why no order may be opened now (the server's clock and channels decide), or null. */
export function rechargeBlocked(summary: MoneySummary | null, noChannel: string): string | null {
  if (!summary) return null
  if (!summary.rechargeOpen)
    return `当前为结算时段，暂停充值：${summary.rechargeNotice || rechargeWindowNotice}`
  return summary.channels.length === 0 ? noChannel : null
}

/** recharge.create, with a fresh Alipay auth code for every call when paying by Alipay. */
export async function createRecharge(request: RechargeRequest): Promise<RechargeLaunch> {
  const authCode = request.channel === 'alipay' ? await alipayAuthCode() : null
  if (request.channel === 'alipay' && process.env.TARO_ENV === 'alipay' && !authCode)
    throw new ApiError('PLATFORM_AUTH_FAILED', '支付宝授权失败，请重试', 400)
  return call('recharge.create', { ...request, ...(authCode ? { alipayAuthCode: authCode } : {}) })
}

export interface Checkout {
  /** Opens the cashier for the order; whatever it answers, `showResult` follows. */
  open(answer: RechargeLaunch): Promise<void>
  /** The H5 sandbox's question (render it once in the page). */
  sandboxDialog: JSX.Element
}

export function useCheckout(showResult: (orderNo: string) => void): Checkout {
  const [sandbox, setSandbox] = useState<{ orderNo: string; path: string } | null>(null)

  const open = async (answer: RechargeLaunch) => {
    const orderNo = answer.order.orderNo
    const cashier = cashierOf(answer)
    if (cashier.kind === 'sandbox') {
      setSandbox({ orderNo, path: cashier.path })
      return
    }
    if (cashier.kind === 'wechat') await payInWechat(cashier.payment)
    else if (cashier.kind === 'alipay') await payInAlipay(cashier.tradeNo)
    showResult(orderNo)
  }

  const answerSandbox = async (pay: boolean) => {
    const pending = sandbox
    setSandbox(null)
    if (!pending) return
    if (pay) await payInSandbox(pending.path)
    showResult(pending.orderNo)
  }

  const sandboxDialog = (
    <Dialog
      className="money-sandbox-confirm"
      visible={sandbox !== null}
      title="本地沙箱"
      content="使用本地沙箱模拟支付？"
      confirmText="模拟支付"
      cancelText="暂不支付"
      onConfirm={() => void answerSandbox(true)}
      onCancel={() => void answerSandbox(false)}
      onClose={() => setSandbox(null)}
    />
  )
  return { open, sandboxDialog }
}
