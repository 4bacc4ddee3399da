import { useEffect, useRef, useState } from 'react'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog, Segmented } from '@nutui/nutui-react-taro'
import type { PaymentChannel, RechargeLaunch, RechargeTarget, StoredCardFunds } from '../../../../../types'
import { fen, type Fen } from '../../../../../types/money'
import { formatMoney } from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import type { ApiError } from '../../../../services/api'
import { toApiError, useApiQuery } from '../../../../hooks/useApiQuery'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import Chips from '../../../etc/components/chips'
import AmountField from '../../components/amount-field'
import CardChoice from '../../components/card-choice'
import FundsHeader from '../../components/funds-header'
import { useIntentKey } from '../../intent'
import { createRecharge, rechargeBlocked, useCheckout } from '../../checkout'
import ConfirmRows from '../../components/confirm-rows'
import { loadAfterOf, moneyRoutes, type LoadAfterPayment } from '../../routes'
import {
  checkRechargeAmount,
  defaultRechargeLimits,
  limitsText,
  paymentChannelLabels,
  rechargeWindowNotice,
  type AmountCheck,
} from '../../rules'
import '../../common.scss'
import './index.scss'

type TargetKind = RechargeTarget['kind']

/** 充值选择 of the seed (seed 001 §2.8.1). */
const targetOptions = [
  { label: '充值到用户账户', value: 'account', className: 'money-target-account' },
  { label: '充值到ETC通行卡', value: 'card', className: 'money-target-card' },
]

/** One tap amounts, in fen: ¥50 ¥100 ¥200 ¥500. */
const presets: readonly Fen[] = [fen(5_000), fen(10_000), fen(20_000), fen(50_000)]
const presetOptions = presets.map((p) => ({ label: formatMoney(p).replace('.00', ''), value: String(p) }))

const go = (url: string) => () => void Taro.navigateTo({ url })

/** `loadAfter`: 充值并圈存 — the card is fixed and the result page continues with its load. */
export function RechargeView({ loadAfter = null }: { loadAfter?: LoadAfterPayment | null }) {
  const loggedIn = useRequireLogin()
  const summary = useApiQuery('money.summary', {}, { enabled: loggedIn })
  const [targetKind, setTargetKind] = useState<TargetKind>(loadAfter ? 'card' : 'account')
  const cards = usePagedList('money.cards', {}, { enabled: loggedIn && targetKind === 'card' })
  const [card, setCard] = useState<StoredCardFunds | null>(null)
  const [preset, setPreset] = useState<Fen | null>(presets[1])
  const [custom, setCustom] = useState('')
  const [chosenChannel, setChosenChannel] = useState<PaymentChannel | null>(null)
  /** Set by the first 立即充值: from then on missing choices are named too. */
  const [checked, setChecked] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [submitting, setSubmitting] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const intent = useIntentKey()
  const firstShow = useRef(true)
  /** One recharge.create at a time, whatever the taps. */
  const busy = useRef(false)

  const s = summary.data
  const limits = s?.limits ?? defaultRechargeLimits
  const channels = s?.channels ?? []
  const channel = chosenChannel && channels.includes(chosenChannel) ? chosenChannel : (channels[0] ?? null)
  const amount: AmountCheck =
    custom.trim() !== ''
      ? checkRechargeAmount(custom, limits)
      : preset !== null
        ? { state: 'ok', amount: preset }
        : { state: 'empty' }
  const amountProblem =
    amount.state === 'invalid'
      ? amount.message
      : amount.state === 'empty' && checked
        ? '请选择或输入充值金额'
        : null
  const autoAllocates = s !== null && s.storedCards === 1 && s.receivingCards === 1

  /** Why 立即充值 cannot be used now. */
  const blocked = rechargeBlocked(s, '当前环境不支持在线充值，请在微信或支付宝小程序中充值')

  // the only card that can receive is the choice; 充值并圈存 names its card
  useEffect(() => {
    if (targetKind !== 'card' || card) return
    const receiving = cards.items.filter((c) => c.canReceive)
    const named = loadAfter ? receiving.find((c) => c.cardId === loadAfter.cardId) : undefined
    if (named) setCard(named)
    else if (!loadAfter && !cards.loading && !cards.hasMore && receiving.length === 1) setCard(receiving[0])
    else if (loadAfter && cards.hasMore && !cards.loading) void cards.loadMore()
  }, [targetKind, card, cards, loadAfter])

  usePullDownRefresh(() => {
    void Promise.all([summary.refetch(), targetKind === 'card' ? cards.refresh() : undefined]).finally(() =>
      Taro.stopPullDownRefresh(),
    )
  })
  useReachBottom(() => {
    if (targetKind === 'card' && cards.hasMore) void cards.loadMore()
  })
  // back from the result page: the balance and the window may have changed
  useDidShow(() => {
    if (firstShow.current) firstShow.current = false
    else if (loggedIn) void summary.refetch()
  })

  const target: RechargeTarget | null =
    targetKind === 'account' ? { kind: 'account' } : card ? { kind: 'card', cardId: card.cardId } : null
  const targetText = targetKind === 'account' ? '用户账户' : card ? `${card.plate} ${card.cardNo}` : ''

  const submit = () => {
    setChecked(true)
    setError(null)
    if (amount.state === 'ok' && channel && target) setConfirming(true)
  }

  const showResult = (orderNo: string) =>
    void Taro.navigateTo({
      // the card chosen on this page is the one loaded after the payment
      url: moneyRoutes.rechargeResult(
        orderNo,
        loadAfter && card ? { ...loadAfter, cardId: card.cardId } : null,
      ),
    })
  const checkout = useCheckout(showResult)

  const recharge = async () => {
    setConfirming(false)
    if (amount.state !== 'ok' || !channel || !target || busy.current) return
    const request = { target, amount: amount.amount, channel }
    // the same choices again (a retry) keep their key: the server answers the order it already made
    const key = intent.keyFor(request)
    busy.current = true
    setSubmitting(true)
    setError(null)
    let answer: RechargeLaunch
    try {
      answer = await createRecharge({ key, ...request })
    } catch (e) {
      const failure = toApiError(e)
      setError(failure)
      if (failure.code === 'REQUEST_KEY_REUSED') intent.finish()
      if (failure.code === 'RECHARGE_CLOSED') void summary.refetch()
      return
    } finally {
      busy.current = false
      setSubmitting(false)
    }
    intent.finish()
    await checkout.open(answer)
  }

  return (
    <View className="money-recharge page">
      <NavBar title={loadAfter ? '充值并圈存' : '充值'} />
      <Text className="money-notice money-recharge__notice">※ 温馨提示: {rechargeWindowNotice}</Text>
      <FundsHeader
        summary={s}
        loading={summary.loading}
        error={summary.error}
        onRetry={() => void summary.refetch()}
        showAccount
      />

      <View className="card money-recharge__form">
        <View className="money-field">
          <Text className="money-field__label">充值选择</Text>
          {loadAfter ? null : (
            <Segmented
              className="money-recharge__target"
              options={targetOptions}
              value={targetKind}
              onChange={(value) => setTargetKind(value === 'card' ? 'card' : 'account')}
            />
          )}
          <Text className="money-field__hint money-recharge__target-hint">
            {loadAfter
              ? '支付成功后将继续圈存：请准备好车载OBU或蓝牙读卡器，支付完成后重新连接设备并把充值金额写入卡片'
              : targetKind === 'account'
                ? `充值到用户账户的金额需预分配后才能转入ETC通行卡${
                    autoAllocates ? '；名下仅有一辆储值卡车辆，充值完成后将自动分配到该车辆的ETC通行卡' : ''
                  }`
                : '充值到ETC通行卡的金额可直接圈存，无需预分配'}
          </Text>
          {targetKind === 'card' ? (
            <CardChoice
              className="money-recharge__cards"
              list={cards}
              selectedId={card?.cardId ?? null}
              onSelect={setCard}
              refusal="不可充值"
            />
          ) : null}
          {checked && targetKind === 'card' && !card ? (
            <Text className="error-text money-field__error money-recharge__card-error">
              请选择要充值的ETC通行卡
            </Text>
          ) : null}
        </View>

        <View className="money-field">
          <Text className="money-field__label">
            <Text className="money-field__required">*</Text>充值金额
          </Text>
          <Chips
            className="money-presets"
            options={presetOptions}
            value={preset === null ? '' : String(preset)}
            onChange={(value) => {
              setPreset(fen(Number(value)))
              setCustom('')
            }}
          />
          <AmountField
            className="money-recharge__custom"
            value={custom}
            placeholder="其他金额"
            invalid={amount.state === 'invalid'}
            onChange={(value) => {
              setCustom(value)
              if (value.trim() !== '') setPreset(null)
            }}
          />
          <Text className="money-field__hint money-recharge__limits">{limitsText(limits)}</Text>
          {amountProblem ? (
            <Text className="error-text money-field__error money-recharge__amount-error">
              {amountProblem}
            </Text>
          ) : null}
        </View>

        <View className="money-field">
          <Text className="money-field__label">
            <Text className="money-field__required">*</Text>充值方式
          </Text>
          {channels.length > 0 ? (
            <Chips
              className="money-channel"
              options={channels.map((c) => ({ label: paymentChannelLabels[c], value: c }))}
              value={channel ?? ''}
              onChange={setChosenChannel}
            />
          ) : (
            <Text className="muted">{s ? '暂无可用的充值方式' : '-'}</Text>
          )}
        </View>
      </View>

      <Button
        block
        type="primary"
        className="money-submit money-recharge__submit"
        disabled={!s || blocked !== null || submitting}
        loading={submitting}
        onClick={submit}
      >
        立即充值
      </Button>
      {blocked ? <Text className="error-text money-blocked money-recharge__blocked">{blocked}</Text> : null}
      {error ? <Text className="error-text money-blocked money-recharge__error">{error.message}</Text> : null}

      <View className="money-recharge__links">
        <Text className="money-link money-recharge__records" onClick={go(moneyRoutes.records('recharge'))}>
          充值记录
        </Text>
        <Text className="money-link money-recharge__allocate" onClick={go(moneyRoutes.allocate)}>
          预分配
        </Text>
      </View>

      <Dialog
        className="money-recharge-confirm"
        visible={confirming}
        title="确认充值"
        content={
          amount.state === 'ok' && channel ? (
            <ConfirmRows
              rows={[
                {
                  label: '充值金额',
                  value: formatMoney(amount.amount),
                  className: 'money-recharge-confirm__amount',
                },
                { label: '充值到', value: targetText, className: 'money-recharge-confirm__target' },
                { label: '充值方式', value: paymentChannelLabels[channel] },
              ]}
              note={
                targetKind === 'account' && autoAllocates
                  ? '支付成功后将自动分配到名下唯一储值卡车辆的ETC通行卡'
                  : undefined
              }
            />
          ) : null
        }
        confirmText="确认支付"
        cancelText="取消"
        onConfirm={() => void recharge()}
        onCancel={() => setConfirming(false)}
        onClose={() => setConfirming(false)}
      />
      {checkout.sandboxDialog}
    </View>
  )
}

export default function RechargePage() {
  const { params } = useRouter()
  return <RechargeView loadAfter={loadAfterOf(params)} />
}
