import { maskCardNo, maskPersonalName, maskUnitName } from '../../../core/masking'
import type { AccountDoc, CardDoc, TagDoc, VehicleDoc } from '../../../core/documents'
import type { AccountSummary, VehicleSummary } from '../../../../types/api'

/** Documents as the store returns them (the port types documents as open records). */
export type Stored<T> = T & { [key: string]: unknown }

export function accountSummary(account: AccountDoc): AccountSummary {
  return {
    id: account.id,
    userType: account.userType,
    displayName: account.userType === 'unit' ? maskUnitName(account.name) : maskPersonalName(account.name),
  }
}

export function vehicleSummary(
  vehicle: VehicleDoc,
  card: CardDoc | null,
  tag: TagDoc | null,
): VehicleSummary {
  const cardType = card?.type ?? vehicle.cardType
  return {
    id: vehicle.id,
    plate: vehicle.plate,
    plateColor: vehicle.plateColor,
    cardType,
    cardNo: card ? maskCardNo(card.cardNo) : '',
    cardStatus: card?.status ?? vehicle.cardStatus,
    tagNo: tag ? maskCardNo(tag.tagNo) : null,
    signed: card?.type === 'credit' ? card.signing?.status === 'signed' : null,
  }
}
