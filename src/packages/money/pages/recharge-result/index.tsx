import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { RechargeOrderView } from '../../../../../types'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import { formatShanghaiTime } from '../../../../components/date-time'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import InfoList, { type InfoRow } from '../../../etc/components/info-list'
import { creditedText, placeText } from '../../labels'
import { loadRoutes } from '../../../load/routes'
import { loadAfterOf, moneyRoutes, type LoadAfterPayment } from '../../routes'
import { paymentChannelLabels, rechargeStatusLabels } from '../../rules'
import { useRechargeStatus, type PollPhase } from './useRechargeStatus'
import '../../common.scss'
import './index.scss'

const go = (url: string) => () => void Taro.navigateTo({ url })

function orderRows(order: RechargeOrderView): InfoRow[] {
  return [
    { label: '充值金额', value: <MoneyText fen={order.amount} /> },
    { label: '充值到', value: placeText(order.target) },
    { label: '充值方式', value: paymentChannelLabels[order.channel] },
    { label: '订单编号', value: order.orderNo },
    ...(order.paidAt ? [{ label: '支付时间', value: formatShanghaiTime(order.paidAt) }] : []),
    ...(order.providerTradeNo ? [{ label: '充值交易流水号', value: order.providerTradeNo }] : []),
  ]
}

/** The heading and the sentence under it, by what is known of the order. */
function verdict(
  order: RechargeOrderView | null,
  phase: PollPhase,
): { title: string; tone: string; text: string } {
  const status = order?.status ?? 'pending'
  if (phase === 'failed') return { title: '无法查询充值结果', tone: 'error', text: '' }
  if (status === 'paid') return { title: '充值成功', tone: 'ok', text: (order && creditedText(order)) ?? '' }
  if (status === 'closed')
    return { title: '已关闭', tone: 'muted', text: '订单已关闭，本次未完成支付，未扣款' }
  if (status === 'refunding' || status === 'refunded')
    return { title: rechargeStatusLabels[status], tone: 'muted', text: '款项将按原支付方式退回' }
  if (phase === 'waiting')
    return {
      title: '暂未确认支付结果',
      tone: 'waiting',
      text: `如您已完成支付，结果可能稍有延迟，请稍后刷新或在充值记录中查看${
        order ? `；未支付的订单将于 ${formatShanghaiTime(order.expiresAt)} 自动关闭，不会扣款` : ''
      }`,
    }
  return { title: '支付结果确认中…', tone: 'waiting', text: '正在向支付渠道确认结果，请勿重复支付' }
}

/** 充值并圈存: once the card's recharge is paid, the load pages take over (a fresh scan and reading). */
function continueLoad(then: LoadAfterPayment): void {
  void Taro.redirectTo({
    url:
      then.transport === 'nfc'
        ? loadRoutes.load(then.cardId, { transport: 'nfc' })
        : loadRoutes.device(then.cardId),
  })
}

export function RechargeResultView({
  orderNo,
  loadAfter = null,
}: {
  orderNo: string
  loadAfter?: LoadAfterPayment | null
}) {
  useRequireLogin()
  const { order, phase, error, refresh } = useRechargeStatus(orderNo)
  const { title, tone, text } = verdict(order, phase)
  const paidToAccount = order?.status === 'paid' && order.creditedTo?.kind === 'account'
  const loadNext =
    loadAfter !== null &&
    order?.status === 'paid' &&
    order.target.kind === 'card' &&
    order.target.cardId === loadAfter.cardId
      ? loadAfter
      : null

  return (
    <View className="money-result page">
      <NavBar title="充值结果" />
      <View className={`card money-result__verdict money-result__verdict--${tone}`}>
        <Text className="money-result__title">{title}</Text>
        {order?.status === 'paid' ? <MoneyText className="money-result__amount" fen={order.amount} /> : null}
        {text ? <Text className="money-result__text">{text}</Text> : null}
        {phase === 'failed' ? (
          <Text className="error-text money-result__error">{error?.message ?? '订单编号不正确'}</Text>
        ) : null}
        {phase === 'waiting' ? (
          <Button size="small" type="primary" className="money-result__refresh" onClick={refresh}>
            刷新
          </Button>
        ) : null}
      </View>

      {loadNext ? (
        <View className="card money-result__load">
          <Text className="money-result__text">
            充值金额已到账，尚未写入卡片。请确认车载OBU或蓝牙读卡器已通电并插好卡片，继续圈存
          </Text>
          <Button
            block
            type="primary"
            className="money-result__continue-load"
            onClick={() => continueLoad(loadNext)}
          >
            继续圈存
          </Button>
        </View>
      ) : null}

      {order ? <InfoList title="订单信息" className="money-result__order" rows={orderRows(order)} /> : null}

      <View className="money-result__links">
        <Text className="money-link money-result__records" onClick={go(moneyRoutes.records('recharge'))}>
          查看充值记录
        </Text>
        {paidToAccount ? (
          <Text className="money-link money-result__allocate" onClick={go(moneyRoutes.allocate)}>
            去预分配
          </Text>
        ) : null}
      </View>
    </View>
  )
}

function decoded(value: string | undefined): string {
  try {
    return value ? decodeURIComponent(value) : ''
  } catch {
    return ''
  }
}

export default function RechargeResultPage() {
  const { params } = useRouter()
  return <RechargeResultView orderNo={decoded(params.orderNo)} loadAfter={loadAfterOf(params)} />
}
