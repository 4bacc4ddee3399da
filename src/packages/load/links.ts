/**
 * The two ways the load flow reaches the card, each a fresh connection per call (after a lost link
 * the flow reconnects rather than reuse a channel that may still deliver a late reply).
 */
import { FRAME_PROFILES, type FrameProfile, type FrameProfileId } from '../../ble/frames/profiles'
import { CardLinkError } from '../../ble/errors'
import type { BleAdapter, ScannedDevice } from '../../ble/transport/adapter'
import { BleCardChannel } from '../../ble/transport/bleChannel'
import type { Clock } from '../../ble/transport/clock'
import { BleConnection, scanDevices } from '../../ble/transport/connection'
import { waitForNfcCard, type NfcAdapterApi } from '../../ble/transport/nfc'
import type { CardLink } from './flow'

/** Boxes that only advertise a name (no FEE7) still show up in the scan. */
export const DEVICE_NAME_PREFIXES = ['ETC', 'OBU', 'JL', 'WJ', 'GV']

/**
 * The vendor profiles (load-protocol.md §3) tried in this order on a device seen for the first
 * time: the first whose init / status command (A2 or 80) the device answers is the device's. Most
 * OBUs in the field speak the legacy 33 frame, so it goes first and costs nothing.
 */
export const PROBE_ORDER: readonly FrameProfileId[] = [
  'legacy33',
  'national50',
  'legacy33Handshake',
  'national50NoHandshake',
]

/** A silent device is not this profile: short enough that four tries stay under ten seconds. */
export const PROBE_TIMEOUT_MS = 1500

/** What was found out about each device (storage on the phone; a Map in tests). */
export interface DeviceProfiles {
  get(deviceId: string): FrameProfileId | null
  set(deviceId: string, profile: FrameProfileId): void
}

/** Not an answer about the profile: the device is gone or the phone's Bluetooth failed. */
function isSilence(e: unknown): boolean {
  return e instanceof CardLinkError && (e.code === 'BLE_TIMEOUT' || e.code.startsWith('FRAME_'))
}

export async function scanEtcDevices(
  adapter: BleAdapter,
  options: { clock?: Clock; durationMs?: number } = {},
): Promise<ScannedDevice[]> {
  await adapter.open()
  return scanDevices(adapter, { ...options, namePrefixes: DEVICE_NAME_PREFIXES })
}

async function openChannel(
  adapter: BleAdapter,
  deviceId: string,
  profile: FrameProfile,
  options: { clock?: Clock; probe?: boolean },
): Promise<CardLink & { channel: BleCardChannel }> {
  await adapter.open()
  const connection = await BleConnection.open(adapter, deviceId, { clock: options.clock })
  const channel = new BleCardChannel(
    connection,
    profile,
    options.probe
      ? { clock: options.clock, handshakeTimeoutMs: PROBE_TIMEOUT_MS, replyTimeoutMs: PROBE_TIMEOUT_MS }
      : { clock: options.clock },
  )
  const close = async () => {
    channel.close()
    await connection.close()
  }
  try {
    await channel.ready()
    if (options.probe) await channel.deviceStatus()
  } catch (e) {
    await close()
    throw e
  }
  return { channel, close }
}

/**
 * Finds the device's profile: each candidate on a fresh connection, asked for its status. The
 * answer is remembered, so later connections go straight to the card.
 */
async function probeProfile(
  adapter: BleAdapter,
  deviceId: string,
  profiles: DeviceProfiles | undefined,
  clock: Clock | undefined,
): Promise<FrameProfile> {
  for (const id of PROBE_ORDER) {
    try {
      const probe = await openChannel(adapter, deviceId, FRAME_PROFILES[id], { clock, probe: true })
      await probe.close()
      profiles?.set(deviceId, id)
      return FRAME_PROFILES[id]
    } catch (e) {
      if (!isSilence(e)) throw e
    }
  }
  throw new CardLinkError('DEVICE_UNSUPPORTED', deviceId)
}

/**
 * The card link over one BLE device. `profile` fixes the vendor profile (tests); otherwise the
 * remembered one, or the one the device answers to (PROBE_ORDER).
 */
export function bleLink(
  adapter: BleAdapter,
  deviceId: string,
  options: { clock?: Clock; profile?: FrameProfile; profiles?: DeviceProfiles } = {},
): () => Promise<CardLink> {
  return async () => {
    const known = options.profile ?? rememberedProfile(options.profiles, deviceId)
    const profile = known ?? (await probeProfile(adapter, deviceId, options.profiles, options.clock))
    return openChannel(adapter, deviceId, profile, { clock: options.clock })
  }
}

function rememberedProfile(profiles: DeviceProfiles | undefined, deviceId: string): FrameProfile | null {
  const id = profiles?.get(deviceId) ?? null
  return id !== null && id in FRAME_PROFILES ? FRAME_PROFILES[id] : null
}

/** WeChat NFC: waits for the card to be tapped on the phone each time. */
export function nfcLink(adapter: NfcAdapterApi, options: { clock?: Clock } = {}): () => Promise<CardLink> {
  return async () => {
    const channel = await waitForNfcCard(adapter, options)
    return { channel, close: () => channel.close() }
  }
}
