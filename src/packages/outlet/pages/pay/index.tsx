import { useRef, useState } from 'react'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import type { OutletRechargeIntent } from '../../../../../types/actions/outlet'
import type { PaymentChannel, RechargeLaunch } from '../../../../../types'
import { formatShanghaiTime } from '../../../../components/date-time'
import ErrorRetry from '../../../../components/error-retry'
import MoneyText, { formatMoney } from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { toApiError, useApiQuery } from '../../../../hooks/useApiQuery'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { outletRoutes } from '../../routes'
import Chips from '../../../etc/components/chips'
import InfoList from '../../../etc/components/info-list'
import { createRecharge, rechargeBlocked, useCheckout } from '../../../money/checkout'
import ConfirmRows from '../../../money/components/confirm-rows'
import { moneyRoutes } from '../../../money/routes'
import { paymentChannelLabels } from '../../../money/rules'
import { intentOfParams } from '../../components/pay-code/link'
import '../../../money/common.scss'
import './index.scss'

export const PAID = '已支付，请将通行卡交给网点工作人员写卡'
export const CLOSED = '支付码已过期或订单已关闭，请联系网点工作人员重新生成支付码'
export const NO_INTENT = '充值码无效，请重新扫描网点出示的支付码'

/** Why this code cannot be paid here and now, or null. */
function closedReason(intent: OutletRechargeIntent, now: number): string | null {
  if (intent.status === 'paid') return PAID
  if (intent.status === 'closed' || now >= Date.parse(intent.expiresAt)) return CLOSED
  return null
}

/**
 * The customer's side of 在线支付 at an outlet (seed 002): the page the code opens, for the card's
 * own account. It pays through the ordinary recharge (recharge.create, this card, the code's
 * amount, the intent id as the request key: paying twice answers the same order), then hands over
 * to the recharge result page; the outlet's operator writes the card once the payment arrived.
 */
export function OutletPayView({ intentId }: { intentId: string | null }) {
  // a customer who scanned the code before logging in comes back here after the login
  const loggedIn = useRequireLogin(intentId ? outletRoutes.pay(intentId) : undefined)
  const enabled = loggedIn && intentId !== null
  const query = useApiQuery('outlet.recharge.intent', { intentId: intentId ?? '' }, { enabled })
  const summary = useApiQuery('money.summary', {}, { enabled })
  const [chosenChannel, setChosenChannel] = useState<PaymentChannel | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const busy = useRef(false)
  const firstShow = useRef(true)

  // back from the cashier or the result page: the code may have been paid or have expired
  useDidShow(() => {
    if (firstShow.current) firstShow.current = false
    else if (enabled) void query.refetch()
  })

  const intent = query.data
  const s = summary.data
  const channels = s?.channels ?? []
  const channel = chosenChannel && channels.includes(chosenChannel) ? chosenChannel : (channels[0] ?? null)
  const stop = intent ? closedReason(intent, Date.now()) : null
  const blocked = rechargeBlocked(s, '当前环境不支持在线支付，请使用微信或支付宝扫码')

  const showResult = (orderNo: string) => void Taro.redirectTo({ url: moneyRoutes.rechargeResult(orderNo) })
  const checkout = useCheckout(showResult)

  const pay = async () => {
    setConfirming(false)
    if (!intent || !channel || busy.current) return
    busy.current = true
    setSubmitting(true)
    setError(null)
    let answer: RechargeLaunch
    try {
      answer = await createRecharge({
        // the code's own id: a second tap, a retry or a second phone of the account finds the same order
        key: intent.intentId,
        target: { kind: 'card', cardId: intent.cardId },
        amount: intent.amount,
        channel,
      })
    } catch (e) {
      const failure = toApiError(e)
      setError(failure.message)
      // an order of another amount or card under this key, or the window closed: what the code says now
      void query.refetch()
      return
    } finally {
      busy.current = false
      setSubmitting(false)
    }
    await checkout.open(answer)
  }

  const body = () => {
    if (intentId === null) return <Text className="error-text outlet-pay__invalid">{NO_INTENT}</Text>
    if (query.error && !intent)
      return (
        <ErrorRetry
          className="outlet-pay__load-error"
          message={query.error.message}
          onRetry={() => void query.refetch()}
        />
      )
    if (!intent) return <Text className="muted outlet-pay__loading">正在加载…</Text>
    return (
      <>
        <InfoList
          className="outlet-pay__intent"
          title="充值信息"
          rows={[
            { label: '车牌', value: <PlateTag plate={intent.plate} color={intent.plateColor} /> },
            { label: '卡号', value: intent.cardNo },
            {
              label: '充值金额',
              value: <MoneyText className="outlet-pay__amount" fen={intent.amount} />,
            },
            { label: '有效期至', value: formatShanghaiTime(intent.expiresAt) },
          ]}
        />
        {stop ? (
          <Text
            className={`outlet-pay__state outlet-pay__state--${intent.status === 'paid' ? 'paid' : 'closed'}`}
          >
            {stop}
          </Text>
        ) : (
          <>
            <View className="card outlet-pay__channels">
              <Text className="outlet-pay__label">支付方式</Text>
              {channels.length > 0 ? (
                <Chips
                  className="money-channel"
                  options={channels.map((c) => ({ label: paymentChannelLabels[c], value: c }))}
                  value={channel ?? ''}
                  onChange={setChosenChannel}
                />
              ) : (
                <Text className="muted">{s ? '暂无可用的支付方式' : '-'}</Text>
              )}
            </View>
            <Button
              block
              type="primary"
              className="outlet-pay__submit"
              disabled={!s || blocked !== null || !channel || submitting}
              loading={submitting}
              onClick={() => {
                setError(null)
                setConfirming(true)
              }}
            >
              立即支付
            </Button>
            {blocked ? <Text className="error-text outlet-pay__blocked">{blocked}</Text> : null}
            <Text className="muted outlet-pay__note">支付成功后，网点工作人员将把充值金额写入您的通行卡</Text>
          </>
        )}
        {error ? <Text className="error-text outlet-pay__error">{error}</Text> : null}
      </>
    )
  }

  return (
    <View className="outlet-pay page">
      <NavBar title="网点充值支付" />
      {body()}

      <Dialog
        className="outlet-pay-confirm"
        visible={confirming}
        title="确认支付"
        content={
          intent && channel ? (
            <ConfirmRows
              rows={[
                {
                  label: '充值金额',
                  value: formatMoney(intent.amount),
                  className: 'outlet-pay-confirm__amount',
                },
                {
                  label: '充值到',
                  value: `${intent.plate} ${intent.cardNo}`,
                  className: 'outlet-pay-confirm__target',
                },
                { label: '支付方式', value: paymentChannelLabels[channel] },
              ]}
            />
          ) : null
        }
        confirmText="确认支付"
        cancelText="取消"
        onConfirm={() => void pay()}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
      {checkout.sandboxDialog}
    </View>
  )
}

export default function OutletPayPage() {
  const { params } = useRouter()
  return <OutletPayView intentId={intentOfParams(params)} />
}
