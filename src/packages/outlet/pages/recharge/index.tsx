import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import Taro, { useDidHide, useDidShow, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import type { OutletRechargeStatus, OutletRechargeView } from '../../../../../types/actions/outlet'
import type { PlateColor } from '../../../../../types/enums'
import { formatYuan } from '../../../../../types/money'
import { formatShanghaiTime } from '../../../../components/date-time'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PrivacyPopup from '../../../../components/privacy-popup'
import PlateTag, { plateColorClass } from '../../../../components/plate-tag'
import { ApiError } from '../../../../services/api/errors'
import InfoList from '../../../etc/components/info-list'
import AmountField from '../../../money/components/amount-field'
import { useIntentKey } from '../../../money/intent'
import {
  checkRechargeAmount,
  defaultRechargeLimits,
  limitsText,
  type AmountCheck,
} from '../../../money/rules'
import { callOperator } from '../../../operator/shared/api'
import PayCode from '../../components/pay-code'
import { NO_BLUETOOTH } from '../../../load/platform'
import { readingError, type OutletCardReading } from '../../recharge/cardInfo'
import { outletCardReader } from '../../recharge/readCard'
import { outletRoutes } from '../../routes'
import { useOutletSession } from '../../shared/useOutletSession'
import OutletGate from '../../components/outlet-gate'
import '../../../money/common.scss'
import '../../common.scss'
import './index.scss'

/** What the operator reads under the code (seed 002: the customer pays, then 【已完成支付】). */
export const rechargeStatusText: Record<OutletRechargeStatus, string> = {
  awaiting: '等待客户扫码支付',
  paying: '客户正在支付',
  paid: '客户已完成支付，正在进入写卡',
  closed: '支付码已过期或订单已关闭，请重新生成',
}

/** 【已完成支付】 before the payment arrived. */
export const notPaidYet: Record<Exclude<OutletRechargeStatus, 'paid' | 'closed'>, string> = {
  awaiting: '尚未收到客户的支付，请确认客户已扫码并完成支付',
  paying: '客户的支付尚未完成，请在客户支付成功后再点击【已完成支付】',
}

const STAY = '支付过程中请勿退出用户卡充值界面！'

/** The status poll while the code is on screen (seed 002: the system recharges once paid). */
export const POLL_MS = 3_000

const messageOf = (e: unknown): string => (e instanceof ApiError ? e.message : '系统繁忙，请稍后再试')

function Plate({ card }: { card: OutletCardReading }) {
  const color = card.plateColor
  return color in plateColorClass ? (
    <PlateTag plate={card.plate} color={color as PlateColor} />
  ) : (
    <Text>{color ? `${card.plate}（${color}）` : card.plate}</Text>
  )
}

type Reading =
  { state: 'reading' } | { state: 'read'; card: OutletCardReading } | { state: 'failed'; message: string }

/**
 * 用户卡充值 (seed 002): 【读卡】 the card in the picked device (车牌, 卡号, 卡类型, 充值前余额), the
 * amount in yuan, 【在线支付】 → the code the customer scans and pays on the phone; once paid the
 * card page writes the card.
 */
export function RechargeView({ deviceId, pollMs = POLL_MS }: { deviceId: string; pollMs?: number }) {
  const { session, allowed } = useOutletSession()
  const read = useMemo(() => outletCardReader(deviceId), [deviceId])
  const [reading, setReading] = useState<Reading>(
    read ? { state: 'reading' } : { state: 'failed', message: NO_BLUETOOTH },
  )
  const [amountText, setAmountText] = useState('')
  const [checked, setChecked] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [creating, setCreating] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [intent, setIntent] = useState<OutletRechargeView | null>(null)
  const [asking, setAsking] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const [visible, setVisible] = useState(true)
  const key = useIntentKey()
  const busy = useRef(false)
  const left = useRef(false)
  const alive = useRef(true)
  useEffect(
    () => () => {
      alive.current = false
    },
    [],
  )

  const card = reading.state === 'read' ? reading.card : null
  const amount: AmountCheck = checkRechargeAmount(amountText, defaultRechargeLimits)
  const amountProblem =
    amount.state === 'invalid'
      ? amount.message
      : amount.state === 'empty' && checked
        ? '请输入充值金额'
        : null
  /** a code the customer may still pay: the card and the amount stay as they are */
  const codeOpen = intent !== null && intent.status !== 'closed'

  const readCard = useCallback(async () => {
    if (!read || busy.current) return
    busy.current = true
    setReading({ state: 'reading' })
    setError(null)
    try {
      const card = await read()
      if (alive.current) setReading({ state: 'read', card })
    } catch (e) {
      if (alive.current) setReading({ state: 'failed', message: readingError(e) })
    } finally {
      busy.current = false
    }
  }, [read])

  useEffect(() => {
    if (session && allowed) void readCard()
  }, [session, allowed, readCard])

  /** The paid code: the card page writes it on the same device. */
  const show = useCallback(
    (view: OutletRechargeView) => {
      if (!alive.current || left.current) return
      setIntent(view)
      if (view.status !== 'paid') return
      left.current = true
      void Taro.redirectTo({
        url: outletRoutes.card({ task: 'recharge', intentId: view.intentId }, deviceId),
      })
    },
    [deviceId],
  )

  const ask = useCallback(
    async (intentId: string) => show(await callOperator('outlet.recharge.status', { intentId })),
    [show],
  )

  // the status every few seconds while the code is on screen and may still be paid
  const polling = intent !== null && visible && (intent.status === 'awaiting' || intent.status === 'paying')
  const intentId = intent?.intentId ?? null
  useEffect(() => {
    if (!polling || !intentId) return
    const timer = setInterval(() => void ask(intentId).catch(() => undefined), pollMs)
    return () => clearInterval(timer)
  }, [polling, intentId, ask, pollMs])
  useDidHide(() => setVisible(false))
  useDidShow(() => {
    setVisible(true)
    if (intentId && codeOpen) void ask(intentId).catch(() => undefined)
  })

  // seed 002: 支付过程中不许退出用户卡充值界面 — WeChat asks before the back gesture leaves a payable code
  useEffect(() => {
    if (process.env.TARO_ENV !== 'weapp' || !codeOpen) return
    Taro.enableAlertBeforeUnload({ message: `${STAY}确定离开吗？` })
    return () => Taro.disableAlertBeforeUnload()
  }, [codeOpen])

  const pay = () => {
    setChecked(true)
    setError(null)
    if (card && !card.refusal && amount.state === 'ok') setConfirming(true)
  }

  const create = async () => {
    setConfirming(false)
    if (!card || card.refusal || amount.state !== 'ok' || creating) return
    const request = { cardNo: card.cardNo, amount: amount.amount }
    // a retry of the same card and amount re-sends the same key: the server answers the same code
    const requestKey = key.keyFor(request)
    setCreating(true)
    setError(null)
    setNotice(null)
    try {
      const view = await callOperator('outlet.recharge.create', { key: requestKey, ...request })
      key.finish()
      show(view)
    } catch (e) {
      if (e instanceof ApiError && e.code === 'REQUEST_KEY_REUSED') key.finish()
      if (alive.current) setError(messageOf(e))
    } finally {
      if (alive.current) setCreating(false)
    }
  }

  /** 【已完成支付】: asks at once; the card is written only when the server says paid. */
  const paid = async () => {
    if (!intent || asking) return
    setAsking(true)
    setNotice(null)
    try {
      const view = await callOperator('outlet.recharge.status', { intentId: intent.intentId })
      show(view)
      if (alive.current && (view.status === 'awaiting' || view.status === 'paying'))
        setNotice(notPaidYet[view.status])
    } catch (e) {
      if (alive.current) setNotice(messageOf(e))
    } finally {
      if (alive.current) setAsking(false)
    }
  }

  const regenerate = () => {
    setIntent(null)
    setNotice(null)
    pay()
  }

  return (
    <View className="outlet-recharge outlet-page">
      <NavBar title="用户卡充值" />
      {/* the card is read over Bluetooth, a privacy API on WeChat */}
      <PrivacyPopup />
      <OutletGate session={session} allowed={allowed}>
        <InfoList
          className="outlet-recharge__card"
          title="卡片信息"
          rows={[
            { label: '车牌', value: card ? <Plate card={card} /> : null },
            { label: '卡号', value: card?.maskedCardNo },
            { label: '卡类型', value: card?.cardType },
            { label: '充值前余额', value: card ? <MoneyText fen={card.balance} /> : null },
          ]}
        >
          {reading.state === 'reading' ? (
            <Text className="muted outlet-recharge__reading">正在读卡，请勿移开卡片…</Text>
          ) : null}
          {reading.state === 'failed' ? (
            <Text className="error-text outlet-recharge__read-error">{reading.message}</Text>
          ) : null}
          {card?.refusal ? <Text className="error-text outlet-recharge__refusal">{card.refusal}</Text> : null}
          {card && !card.refusal ? (
            <Text className="outlet-recharge__verify">请仔细核对卡号和充值前余额</Text>
          ) : null}
          {read ? (
            <Button
              className="outlet-recharge__read"
              size="small"
              disabled={reading.state === 'reading' || codeOpen}
              onClick={() => void readCard()}
            >
              读卡
            </Button>
          ) : null}
        </InfoList>

        {intent ? (
          <View className="card outlet-recharge__code">
            <Text className="outlet-recharge__code-title">请客户使用微信或支付宝扫码支付</Text>
            <PayCode path={intent.path} dimmed={intent.status === 'closed'} />
            <View className="outlet-recharge__lines">
              <View className="outlet-recharge__line">
                <Text className="muted">充值金额</Text>
                <MoneyText className="outlet-recharge__code-amount" fen={intent.amount} />
              </View>
              <View className="outlet-recharge__line">
                <Text className="muted">充值卡片</Text>
                <Text>
                  {intent.plate} {intent.cardNo}
                </Text>
              </View>
              <View className="outlet-recharge__line">
                <Text className="muted">有效期至</Text>
                <Text className="outlet-recharge__expires">{formatShanghaiTime(intent.expiresAt)}</Text>
              </View>
              <View className="outlet-recharge__line">
                <Text className="muted">支付状态</Text>
                <Text
                  className={`outlet-recharge__status outlet-recharge__status--${intent.status}${
                    intent.status === 'closed' ? ' error-text' : ''
                  }`}
                >
                  {rechargeStatusText[intent.status]}
                </Text>
              </View>
            </View>
            {notice ? <Text className="error-text outlet-recharge__notice">{notice}</Text> : null}
            {intent.status === 'closed' ? (
              <Button block type="primary" className="outlet-recharge__regenerate" onClick={regenerate}>
                重新生成
              </Button>
            ) : (
              <>
                <Button
                  block
                  type="primary"
                  className="outlet-recharge__paid"
                  loading={asking}
                  disabled={asking}
                  onClick={() => void paid()}
                >
                  已完成支付
                </Button>
                <Text className="outlet-recharge__stay">{STAY}</Text>
              </>
            )}
          </View>
        ) : (
          <View className="card outlet-recharge__form">
            <Text className="money-field__label">
              <Text className="money-field__required">*</Text>充值金额（元）
            </Text>
            <AmountField
              className="outlet-recharge__amount"
              value={amountText}
              placeholder="请输入充值金额"
              invalid={amount.state === 'invalid'}
              disabled={!card || card.refusal !== null}
              onChange={setAmountText}
            />
            <Text className="money-field__hint">{limitsText(defaultRechargeLimits)}</Text>
            {amountProblem ? (
              <Text className="error-text outlet-recharge__amount-error">{amountProblem}</Text>
            ) : null}
            <Button
              block
              type="primary"
              className="outlet-recharge__pay"
              disabled={!card || card.refusal !== null || creating}
              loading={creating}
              onClick={pay}
            >
              在线支付
            </Button>
            <Text className="money-field__hint">仅支持客户使用微信或支付宝扫码支付</Text>
          </View>
        )}
        {error ? <Text className="error-text outlet-recharge__error">{error}</Text> : null}

        <Dialog
          className="outlet-recharge-confirm"
          visible={confirming}
          title="确认充值"
          content={
            card && amount.state === 'ok' ? (
              <Text className="outlet-recharge-confirm__text">
                向 {card.plate} 卡（{card.maskedCardNo}）充值 {formatYuan(amount.amount)} 元？
              </Text>
            ) : null
          }
          confirmText="生成支付码"
          cancelText="取消"
          onConfirm={() => void create()}
          onCancel={() => setConfirming(false)}
          onClose={() => setConfirming(false)}
        />
      </OutletGate>
    </View>
  )
}

export default function OutletRechargePage() {
  const { params } = useRouter()
  // Taro H5 hands query values over still encoded (an Android MAC's colons arrive as %3A)
  const deviceId = decodeURIComponent(params.deviceId ?? '')
  return <RechargeView deviceId={deviceId} />
}
