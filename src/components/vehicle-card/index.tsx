import { Text, View } from '@tarojs/components'
import type { VehicleSummary } from '../../../types/api'
import { cardStatusLabels, type CardType } from '../../../types/enums'
import PlateTag from '../plate-tag'
import './index.scss'

export const cardTypeLabels: Record<CardType, string> = { credit: '记账卡', stored: '储值卡' }

export interface VehicleCardProps {
  vehicle: VehicleSummary
  className?: string
  /** Opens the vehicle (e.g. its detail page). */
  onClick?: () => void
}

/** One vehicle: plate, card type, masked card number, card status, tag and, for credit cards only, signing. */
export default function VehicleCard({ vehicle, className, onClick }: VehicleCardProps) {
  return (
    <View className={`vehicle-card card${className ? ` ${className}` : ''}`} onClick={onClick}>
      <View className="vehicle-card__top">
        <PlateTag plate={vehicle.plate} color={vehicle.plateColor} />
        <Text className={`vehicle-card__status vehicle-card__status--${vehicle.cardStatus}`}>
          {cardStatusLabels[vehicle.cardStatus]}
        </Text>
      </View>
      <View className="vehicle-card__row">
        <Text className="vehicle-card__type">{cardTypeLabels[vehicle.cardType]}</Text>
        <Text className="vehicle-card__card-no">{vehicle.cardNo}</Text>
      </View>
      <View className="vehicle-card__row muted">
        <Text>{vehicle.tagNo ? `标签 ${vehicle.tagNo}` : '未绑定标签'}</Text>
        {vehicle.cardType === 'credit' ? (
          <Text className={`vehicle-card__signed${vehicle.signed ? ' vehicle-card__signed--yes' : ''}`}>
            {vehicle.signed ? '已签约' : '未签约'}
            {vehicle.signed && vehicle.signing ? ` · ${vehicle.signing.channel}` : ''}
          </Text>
        ) : null}
      </View>
    </View>
  )
}
