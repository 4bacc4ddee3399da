import { z } from 'zod'
import { cursorSchema, pageLimitSchema, plateSchema, type Page } from '../common'
import type { CardStatus, CardType, PlateColor } from '../enums'
import type { AccountSummary } from './auth'

const empty = z.object({}).strict()

/** User center and ETC management: vehicles, cards, tags, extended authorization. */
export const etcRequestSchemas = {
  'account.me': empty,
  'vehicles.list': z
    .object({
      scope: z.enum(['current', 'history'], { error: '车辆范围不正确' }).default('current'),
      plate: plateSchema.optional(),
      cursor: cursorSchema,
      limit: pageLimitSchema,
    })
    .strict(),
} as const

export interface Me {
  account: AccountSummary
  /** Masked: 137****2756 */
  phone: string
  vehicleCount: number
  /** The stored-value menu shows only when a vehicle has a stored-value card or the account holds funds. */
  showStoredValueMenu: boolean
}

export interface VehicleSummary {
  id: string
  plate: string
  plateColor: PlateColor
  cardType: CardType
  /** Masked: 1811*****9788 */
  cardNo: string
  cardStatus: CardStatus
  /** Masked tag number, null when the vehicle has no tag. */
  tagNo: string | null
  /** Credit cards only: whether a payment agreement is signed. */
  signed: boolean | null
}

export interface EtcResponses {
  'account.me': Me
  'vehicles.list': Page<VehicleSummary>
}
