/**
 * The two ways the load flow reaches the card, each a fresh connection per call (after a lost link
 * the flow reconnects rather than reuse a channel that may still deliver a late reply).
 */
import type { FrameProfile } from '../../ble/frames/profiles'
import { FRAME_PROFILES } from '../../ble/frames/profiles'
import type { BleAdapter, ScannedDevice } from '../../ble/transport/adapter'
import { BleCardChannel } from '../../ble/transport/bleChannel'
import type { Clock } from '../../ble/transport/clock'
import { BleConnection, scanDevices } from '../../ble/transport/connection'
import { waitForNfcCard, type NfcAdapterApi } from '../../ble/transport/nfc'
import type { CardLink } from './flow'

/** Boxes that only advertise a name (no FEE7) still show up in the scan. */
export const DEVICE_NAME_PREFIXES = ['ETC', 'OBU', 'JL', 'WJ', 'GV']

/** The vendor profile when the device does not say otherwise (load-protocol.md §3). */
export const DEFAULT_PROFILE: FrameProfile = FRAME_PROFILES.legacy33

export async function scanEtcDevices(
  adapter: BleAdapter,
  options: { clock?: Clock; durationMs?: number } = {},
): Promise<ScannedDevice[]> {
  await adapter.open()
  return scanDevices(adapter, { ...options, namePrefixes: DEVICE_NAME_PREFIXES })
}

export function bleLink(
  adapter: BleAdapter,
  deviceId: string,
  options: { clock?: Clock; profile?: FrameProfile } = {},
): () => Promise<CardLink> {
  return async () => {
    await adapter.open()
    const connection = await BleConnection.open(adapter, deviceId, { clock: options.clock })
    const channel = new BleCardChannel(connection, options.profile ?? DEFAULT_PROFILE, {
      clock: options.clock,
    })
    try {
      await channel.ready()
    } catch (e) {
      channel.close()
      await connection.close()
      throw e
    }
    return {
      channel,
      async close() {
        channel.close()
        await connection.close()
      },
    }
  }
}

/** WeChat NFC: waits for the card to be tapped on the phone each time. */
export function nfcLink(adapter: NfcAdapterApi, options: { clock?: Clock } = {}): () => Promise<CardLink> {
  return async () => {
    const channel = await waitForNfcCard(adapter, options)
    return { channel, close: () => channel.close() }
  }
}
