import { Text, View } from '@tarojs/components'
import type { StoredCardFunds } from '../../../../../types'
import { cardStatusLabels } from '../../../../../types/enums'
import ListWithFilters, { type ListState } from '../../../../components/list-with-filters'
import PlateTag from '../../../../components/plate-tag'
import './index.scss'

export interface CardChoiceProps {
  /** money.cards, paged (usePagedList fits as it is). */
  list: ListState<StoredCardFunds>
  selectedId: string | null
  onSelect: (card: StoredCardFunds) => void
  /** Why a card that cannot receive is greyed out, after its status: 不可充值. */
  refusal: string
  className?: string
}

/**
 * Picks one of the account's stored-value cards by plate and masked number. Only 已发行 cards
 * (`canReceive`) can be picked; the others stay listed, greyed, with their status.
 */
export default function CardChoice({ list, selectedId, onSelect, refusal, className }: CardChoiceProps) {
  return (
    <ListWithFilters
      className={`money-card-choice${className ? ` ${className}` : ''}`}
      list={list}
      emptyText="名下暂无储值卡车辆"
      keyOf={(c) => c.cardId}
      renderItem={(c) => {
        const selected = c.cardId === selectedId
        return (
          <View
            className={`money-card-option${selected ? ' money-card-option--selected' : ''}${
              c.canReceive ? '' : ' money-card-option--disabled'
            }`}
            onClick={() => {
              if (c.canReceive) onSelect(c)
            }}
          >
            <View className="money-card-option__main">
              <PlateTag plate={c.plate} color={c.plateColor} />
              <Text className="money-card-option__no">{c.cardNo}</Text>
            </View>
            {c.canReceive ? (
              <View
                className={`money-card-option__radio${selected ? ' money-card-option__radio--on' : ''}`}
              />
            ) : (
              <Text className="money-card-option__status">
                {cardStatusLabels[c.status]}，{refusal}
              </Text>
            )}
          </View>
        )
      }}
    />
  )
}
