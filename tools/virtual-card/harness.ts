// Wires the phone's real BLE stack (adapter → connection → card channel) to a virtual OBU over the
// simulated link, for tests and the load benchmark.
import { FRAME_PROFILES, type FrameProfile } from '../../src/ble/frames/profiles'
import { BleAdapter } from '../../src/ble/transport/adapter'
import { BleCardChannel } from '../../src/ble/transport/bleChannel'
import { BleConnection, scanDevices } from '../../src/ble/transport/connection'
import type { BleApi, BlePlatform } from '../../src/ble/transport/platformApi'
import { VirtualCard, type VirtualCardOptions } from './card'
import { VirtualClock } from './clock'
import { fakeMy, fakeWx, SimLink, taroOverMy, type FakePlatformOptions, type LinkOptions } from './link'
import { VirtualObu } from './obu'

export const DEMO_CARD: VirtualCardOptions = {
  cardNo: '33010123456789012345',
  type: 'stored',
  balance: 8000,
  onlineSerial: 12,
  algorithm: '3des',
  keys: { dlk: '11223344556677888877665544332211', dtk: '0123456789ABCDEFFEDCBA9876543210' },
  plate: '浙AD35288',
  plateColor: 4,
}

export interface VirtualSetupOptions {
  profile?: FrameProfile
  platform?: BlePlatform
  card?: Partial<VirtualCardOptions> | VirtualCard
  link?: Omit<LinkOptions, 'clock'>
  fake?: FakePlatformOptions
  deviceId?: string
  /** MTU the phone asks for after connecting (Android) */
  mtu?: number
}

export interface VirtualSetup {
  clock: VirtualClock
  link: SimLink
  obu: VirtualObu
  card: VirtualCard
  api: BleApi
  adapter: BleAdapter
  profile: FrameProfile
  deviceId: string
  /** scan, connect, discover and enable notifications; then the card channel of the profile */
  connect(): Promise<BleCardChannel>
  /** run a promise on the virtual clock */
  run<T>(promise: Promise<T>): Promise<T>
}

export function createVirtualSetup(options: VirtualSetupOptions = {}): VirtualSetup {
  const clock = new VirtualClock(Date.UTC(2026, 11, 2, 4, 0, 0))
  const link = new SimLink({ clock, ...options.link })
  const card =
    options.card instanceof VirtualCard ? options.card : new VirtualCard({ ...DEMO_CARD, ...options.card })
  const profile = options.profile ?? FRAME_PROFILES.legacy33
  const obu = new VirtualObu({ profile, card })
  const deviceId =
    options.deviceId ??
    (options.fake?.os === 'ios' ? '5E1F0C52-0A6B-4C3E-9D1B-3A2F1E0D9C8B' : 'C8:47:8C:00:12:34')
  link.addDevice({ deviceId, name: 'ETC-OBU-1234', rssi: -60, obu })
  const platform = options.platform ?? 'weapp'
  const api = platform === 'weapp' ? fakeWx(link, options.fake) : taroOverMy(fakeMy(link, options.fake))
  const adapter = new BleAdapter(api, platform)
  return {
    clock,
    link,
    obu,
    card,
    api,
    adapter,
    profile,
    deviceId,
    run: (promise) => clock.run(promise),
    async connect() {
      await adapter.open()
      const [device] = await scanDevices(adapter, { clock, durationMs: 500 })
      if (!device) throw new Error('virtual OBU not found')
      const connection = await BleConnection.open(adapter, device.deviceId, { clock, mtu: options.mtu })
      const channel = new BleCardChannel(connection, profile, { clock })
      await channel.ready()
      return channel
    },
  }
}
