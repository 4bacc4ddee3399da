import { Text, View } from '@tarojs/components'
import { Button, Dialog } from '@nutui/nutui-react-taro'
import { formatYuan } from '../../../../../types/money'
import { formatShanghaiTime } from '../../../../components/date-time'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PrivacyPopup from '../../../../components/privacy-popup'
import InfoList from '../../../etc/components/info-list'
import LoadProgress from '../load-progress'
import PinDialog from '../pin-dialog'
import type { LoadFlowState } from '../../flow'
import { useLoadFlow, type LoadFlowPort } from '../../useLoadFlow'
import '../../common.scss'

/** The confirm dialog's question (seed 003's wording for the outlet re-load, used for the driver too). */
export function confirmText(state: LoadFlowState): string {
  if (!state.card || state.amount === null) return ''
  return `卡内余额 ${formatYuan(state.card.balance)} 元，圈存金额 ${formatYuan(state.amount)} 元，是否圈存？`
}

/** The load as it runs; the driver's page and the outlet operator's (packages/outlet) wrap it. */
export default function LoadRunView({
  flow,
  onLeave,
  nativeProgress = true,
}: {
  flow: LoadFlowPort
  onLeave: () => void
  /** false outside the load subpackage, where its native progress component cannot be used */
  nativeProgress?: boolean
}) {
  const state = useLoadFlow(flow)
  const { card, receipt } = state

  return (
    <View className="load-run load-page">
      <NavBar title="圈存" />
      <LoadProgress state={state} native={nativeProgress} onRetry={() => void flow.retry()} />

      {card && !receipt ? (
        <InfoList
          title="卡片信息"
          className="load-run__card"
          rows={[
            { label: '车牌号码', value: card.plate },
            { label: '卡号', value: card.cardNo },
            { label: '卡类型', value: card.cardType },
            { label: '卡内余额', value: <MoneyText fen={card.balance} /> },
            ...(state.amount !== null
              ? [{ label: '圈存金额', value: <MoneyText className="load-run__amount" fen={state.amount} /> }]
              : []),
          ]}
        />
      ) : null}

      {receipt ? (
        <View className="load-run__receipt">
          <View className="load-section load-run__verdict">
            <Text className="load-section__title">圈存成功</Text>
            <MoneyText className="load-run__receipt-amount" fen={receipt.amount} />
            <Text className="load-note">卡内余额已核对：圈存后余额 = 圈存前余额 + 圈存金额</Text>
          </View>
          <InfoList
            title="圈存凭证"
            rows={[
              { label: '车牌号码', value: receipt.plate },
              { label: '卡号', value: receipt.cardNo },
              { label: '圈存金额', value: <MoneyText fen={receipt.amount} /> },
              { label: '圈存前余额', value: <MoneyText fen={receipt.balanceBefore} /> },
              { label: '圈存后余额', value: <MoneyText fen={receipt.balanceAfter} /> },
              { label: '圈存时间', value: formatShanghaiTime(receipt.confirmedAt) },
            ]}
          />
        </View>
      ) : null}

      {state.phase === 'done' || (state.phase === 'failed' && !state.retryable) ? (
        <View className="load-actions">
          <Button block className="load-run__leave" onClick={onLeave}>
            {state.phase === 'done' ? '完成' : '返回'}
          </Button>
        </View>
      ) : null}

      <Dialog
        className="load-run__confirm"
        visible={state.phase === 'confirm'}
        title="确认圈存"
        content={<Text className="load-run__question">{confirmText(state)}</Text>}
        confirmText="圈存"
        cancelText="取消"
        onConfirm={() => void flow.confirm()}
        // not onClose: NutUI calls it right after onConfirm too, which would leave mid-load
        onCancel={onLeave}
      />

      <PinDialog
        visible={state.phase === 'pin'}
        triesLeft={state.pinTriesLeft}
        error={state.error}
        onSubmit={(pin) => void flow.submitPin(pin)}
        onCancel={onLeave}
      />
      {/* the link (Bluetooth or NFC) opens here too: a privacy request goes to this page */}
      <PrivacyPopup />
    </View>
  )
}
