import { useState, type ReactNode } from 'react'
import { Text } from '@tarojs/components'
import type { InvoiceSettingsView } from '../../../../../types'
import { useApiQuery } from '../../../../hooks/useApiQuery'
import Chips from '../../../etc/components/chips'

/**
 * The vehicle whose saved titles to offer when any title of the account may be printed (充值发票
 * issue and 红冲重开): titles are kept per vehicle, so a vehicle is chosen first — the one with
 * `plate` (the card the money went to), else the first with a default title, else the first.
 */
export function preferredVehicle(
  rows: readonly InvoiceSettingsView[],
  plate: string | null,
): InvoiceSettingsView | null {
  return (
    (plate ? rows.find((v) => v.plate === plate) : undefined) ??
    rows.find((v) => v.defaultTitle !== null) ??
    rows[0] ??
    null
  )
}

export interface TitleVehicle {
  /** The vehicle whose titles to list, null while unknown or when the account has none. */
  vehicleId: string | null
  /** Chips to switch vehicles (more than one), else why there is none; null otherwise. */
  picker: ReactNode
}

/** Loads the account's vehicles (when `enabled`) and keeps the one chosen, preferring `plate`'s. */
export function useTitleVehicle({
  plate,
  enabled,
  className,
}: {
  plate: string | null
  enabled: boolean
  /** Class of the chips; each chip gets `${className}-${vehicleId}`. */
  className: string
}): TitleVehicle {
  const vehicles = useApiQuery('invoiceSettings.list', { limit: 50 }, { enabled })
  const [chosen, setChosen] = useState<string | null>(null)
  const rows = vehicles.data?.items ?? []
  const vehicleId = chosen ?? preferredVehicle(rows, plate)?.vehicleId ?? null
  const picker =
    rows.length > 1 ? (
      <Chips
        label="抬头所在车辆"
        className={className}
        options={rows.map((v) => ({ label: v.plate, value: v.vehicleId }))}
        value={vehicleId ?? ''}
        onChange={setChosen}
      />
    ) : enabled && vehicles.loading && rows.length === 0 ? (
      <Text className="muted">加载中…</Text>
    ) : vehicles.error ? (
      <Text className="error-text">{vehicles.error.message}</Text>
    ) : enabled && !vehicles.loading && vehicles.data && rows.length === 0 ? (
      <Text className="muted">账户下暂无车辆，无法添加发票抬头</Text>
    ) : null
  return { vehicleId, picker }
}
