import { useState } from 'react'
import Taro, { useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import type { StoredCardFunds } from '../../../../../types'
import { cardStatusLabels } from '../../../../../types/enums'
import ListWithFilters from '../../../../components/list-with-filters'
import MoneyText from '../../../../components/money-text'
import NavBar from '../../../../components/nav-bar'
import PlateTag from '../../../../components/plate-tag'
import { useListPageEvents } from '../../../../hooks/useListPageEvents'
import { usePagedList } from '../../../../hooks/usePagedList'
import { useRequireLogin } from '../../../../hooks/useRequireLogin'
import { BLUETOOTH_ONLY, nfcOffered } from '../../platform'
import { moneyRoutes } from '../../../money/routes'
import { loadRoutes, type LoadTransport } from '../../routes'
import '../../common.scss'

/** Why a card cannot be loaded now, or null when it can. */
export function loadRefusal(card: StoredCardFunds): string | null {
  if (!card.canReceive) return `${cardStatusLabels[card.status]}，不可圈存`
  if (card.unloaded <= 0) return '无待圈存金额'
  return null
}

/** 充值并圈存 needs only a card that may receive money. */
function payRefusal(card: StoredCardFunds): string | null {
  return card.canReceive ? null : `${cardStatusLabels[card.status]}，不可充值`
}

export function LoadEntryView({ initialCardId, nfc }: { initialCardId: string | null; nfc: boolean }) {
  const loggedIn = useRequireLogin()
  const cards = usePagedList('money.cards', {}, { enabled: loggedIn })
  const [cardId, setCardId] = useState<string | null>(initialCardId)
  const [transport, setTransport] = useState<LoadTransport>('ble')
  useListPageEvents(cards)

  const chosen = cards.items.find((c) => c.cardId === cardId && payRefusal(c) === null) ?? null
  const loadable = chosen !== null && loadRefusal(chosen) === null
  const payAndLoad = () => {
    if (!chosen) return
    void Taro.navigateTo({ url: moneyRoutes.rechargeThenLoad({ cardId: chosen.cardId, transport }) })
  }
  const next = () => {
    if (!chosen || !loadable) return
    void Taro.navigateTo({
      url:
        transport === 'nfc'
          ? loadRoutes.load(chosen.cardId, { transport: 'nfc' })
          : loadRoutes.device(chosen.cardId),
    })
  }

  return (
    <View className="load-entry load-page">
      <NavBar title="圈存" />
      <View className="load-section">
        <Text className="load-section__title">选择要圈存的储值卡</Text>
        <ListWithFilters
          className="load-entry__cards"
          list={cards}
          emptyText="名下暂无储值卡车辆"
          keyOf={(c) => c.cardId}
          renderItem={(c) => {
            const refusal = loadRefusal(c)
            const selectable = payRefusal(c) === null
            const selected = c.cardId === chosen?.cardId
            return (
              <View
                className={`load-option load-entry__card${selected ? ' load-option--selected' : ''}${
                  selectable ? '' : ' load-option--disabled'
                }`}
                onClick={() => {
                  if (selectable) setCardId(c.cardId)
                }}
              >
                <View>
                  <PlateTag plate={c.plate} color={c.plateColor} />
                  <Text className="load-entry__no">{c.cardNo}</Text>
                </View>
                <View>
                  <Text className="muted">待圈存 </Text>
                  <MoneyText className="load-entry__unloaded" fen={c.unloaded} />
                  {refusal ? <Text className="load-entry__refusal muted">（{refusal}）</Text> : null}
                </View>
              </View>
            )
          }}
        />
      </View>

      <View className="load-section">
        <Text className="load-section__title">圈存方式</Text>
        <View
          className={`load-option load-entry__ble${transport === 'ble' ? ' load-option--selected' : ''}`}
          onClick={() => setTransport('ble')}
        >
          <Text>蓝牙设备圈存</Text>
          <Text className="muted">通过车载OBU或蓝牙读卡器</Text>
        </View>
        {nfc ? (
          <View
            className={`load-option load-entry__nfc${transport === 'nfc' ? ' load-option--selected' : ''}`}
            onClick={() => setTransport('nfc')}
          >
            <Text>NFC贴卡圈存</Text>
            <Text className="muted">将储值卡贴紧手机背面</Text>
          </View>
        ) : (
          <Text className="load-note load-entry__ble-only">{BLUETOOTH_ONLY}</Text>
        )}
      </View>

      <View className="load-actions">
        <Button type="primary" block className="load-entry__next" disabled={!loadable} onClick={next}>
          下一步
        </Button>
        <Button block className="load-entry__pay" disabled={!chosen} onClick={payAndLoad}>
          充值并圈存
        </Button>
        <Text className="load-note">圈存将卡上未圈存金额写入储值卡芯片，写入后即可在通行中使用</Text>
        <Text className="load-note">充值并圈存：先为所选储值卡在线充值，支付成功后接着连接设备圈存</Text>
      </View>
    </View>
  )
}

export default function LoadEntryPage() {
  const { params } = useRouter()
  return <LoadEntryView initialCardId={params.cardId ?? null} nfc={nfcOffered()} />
}
