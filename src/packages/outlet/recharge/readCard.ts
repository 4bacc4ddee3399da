/**
 * The recharge page's one way to the card (tests replace this module): a reader of the device the
 * operator picked, each reading on its own link (the card page writes the card later on its own).
 */
import { bleLink } from '../../load/links'
import { bleAdapter, storedDeviceProfiles } from '../../load/platform'
import { readOutletCard, type OutletCardReading } from './cardInfo'

export type OutletCardReader = () => Promise<OutletCardReading>

/** The reader of the picked device, or null where this build has no Bluetooth. */
export function outletCardReader(deviceId: string): OutletCardReader | null {
  const adapter = bleAdapter()
  if (!adapter || !deviceId) return null
  const connect = bleLink(adapter, deviceId, { profiles: storedDeviceProfiles })
  return () => readOutletCard(connect)
}
