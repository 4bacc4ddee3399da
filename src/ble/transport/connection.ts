// One BLE connection to an OBU / card box: discovery, notifications, serialized 20-byte writes.
import { chunk } from '../bytes'
import { CardLinkError } from '../errors'
import { sameUuid, type BleAdapter, type ScannedDevice } from './adapter'
import { realClock, sleep, withTimeout, type Clock } from './clock'

export const ETC_SERVICE = 'FEE7'
export const WRITE_CHARACTERISTIC = 'FEC7'
export const NOTIFY_CHARACTERISTIC = 'FEC8'

export interface ScanOptions {
  clock?: Clock
  /** how long to listen, ms */
  durationMs?: number
  /** devices whose advertised name starts with one of these also count (some boxes do not advertise FEE7) */
  namePrefixes?: string[]
}

/** Scan for ETC devices: service FEE7 advertised or a known name prefix. Nearest first. */
export async function scanDevices(adapter: BleAdapter, options: ScanOptions = {}): Promise<ScannedDevice[]> {
  const clock = options.clock ?? realClock
  const prefixes = options.namePrefixes ?? []
  const found = new Map<string, ScannedDevice>()
  const stop = await adapter.startScan([], (devices) => {
    for (const d of devices) {
      const etc =
        d.serviceUuids.some((u) => sameUuid(u, ETC_SERVICE)) || prefixes.some((p) => d.name.startsWith(p))
      if (etc) found.set(d.deviceId, d)
    }
  })
  await sleep(clock, options.durationMs ?? 3000)
  await stop()
  return [...found.values()].sort((a, b) => b.rssi - a.rssi)
}

export interface ConnectionOptions {
  clock?: Clock
  connectTimeoutMs?: number
  connectAttempts?: number
  /** pause after enabling notifications: some Android phones fail the first write (10008) otherwise */
  settleMs?: number
  chunkSize?: number
  /** ask for a larger MTU (Android only); on success writes grow to mtu - 3 bytes, else stay at 20 */
  mtu?: number
  /** extra tries for a chunk the system failed to write (10008) */
  writeRetries?: number
}

export class BleConnection {
  private readonly listeners = new Set<(bytes: Uint8Array) => void>()
  private readonly disconnectListeners = new Set<() => void>()
  /** notifications that arrived before anyone listened (the auth request comes right away) */
  private early: Uint8Array[] = []
  private writing: Promise<void> = Promise.resolve()
  private alive = true
  private readonly unsubscribe: Array<() => void> = []

  private constructor(
    private readonly adapter: BleAdapter,
    readonly deviceId: string,
    private readonly serviceId: string,
    private readonly writeId: string,
    private readonly clock: Clock,
    private readonly chunkSize: number,
    private readonly writeRetries: number,
    private readonly settleMs: number,
  ) {}

  static async open(
    adapter: BleAdapter,
    deviceId: string,
    options: ConnectionOptions = {},
  ): Promise<BleConnection> {
    const clock = options.clock ?? realClock
    const attempts = options.connectAttempts ?? 2
    const timeout = options.connectTimeoutMs ?? 10_000
    let lastError: unknown = null
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        await withTimeout(
          clock,
          adapter.connect(deviceId, timeout),
          timeout,
          () => new CardLinkError('BLE_TIMEOUT', 'connect'),
        )
        lastError = null
        break
      } catch (e) {
        lastError = e
        await sleep(clock, 300)
      }
    }
    if (lastError)
      throw lastError instanceof CardLinkError
        ? lastError
        : new CardLinkError('BLE_CONNECT_FAILED', String(lastError))
    try {
      // iOS requires discovery before notify/write, so it always runs
      const services = await adapter.services(deviceId)
      const serviceId = services.find((s) => sameUuid(s, ETC_SERVICE))
      if (!serviceId) throw new CardLinkError('BLE_NO_SERVICE', services.join(','))
      const chars = await adapter.characteristics(deviceId, serviceId)
      const write = chars.find((c) => sameUuid(c.id, WRITE_CHARACTERISTIC))
      const notify = chars.find((c) => sameUuid(c.id, NOTIFY_CHARACTERISTIC))
      if (!write || !notify)
        throw new CardLinkError('BLE_NO_CHARACTERISTIC', chars.map((c) => c.id).join(','))
      let chunkSize = options.chunkSize ?? 20
      if (options.mtu !== undefined && options.mtu > 23 && (await adapter.setMtu(deviceId, options.mtu))) {
        chunkSize = options.mtu - 3
      }
      const connection = new BleConnection(
        adapter,
        deviceId,
        serviceId,
        write.id,
        clock,
        chunkSize,
        options.writeRetries ?? 1,
        options.settleMs ?? 100,
      )
      connection.unsubscribe.push(
        adapter.onNotify((id, characteristicId, bytes) => {
          if (id === deviceId && sameUuid(characteristicId, NOTIFY_CHARACTERISTIC)) connection.deliver(bytes)
        }),
        adapter.onConnectionChange((id, connected) => {
          if (id === deviceId && !connected) connection.lost()
        }),
      )
      await adapter.enableNotify(deviceId, serviceId, notify.id)
      await sleep(clock, connection.settleMs)
      return connection
    } catch (e) {
      await adapter.disconnect(deviceId).catch(() => undefined)
      throw e
    }
  }

  get connected(): boolean {
    return this.alive
  }

  private deliver(bytes: Uint8Array): void {
    if (this.listeners.size === 0) this.early.push(bytes)
    for (const l of this.listeners) l(bytes)
  }

  private lost(): void {
    if (!this.alive) return
    this.alive = false
    this.detach()
    for (const l of this.disconnectListeners) l()
  }

  private detach(): void {
    for (const u of this.unsubscribe.splice(0)) u()
  }

  onNotification(listener: (bytes: Uint8Array) => void): () => void {
    this.listeners.add(listener)
    const early = this.early
    this.early = []
    for (const b of early) listener(b)
    return () => this.listeners.delete(listener)
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener)
    return () => this.disconnectListeners.delete(listener)
  }

  /** Write one frame as chunks, one write at a time, `gapMs` apart; writes of several frames queue up. */
  write(frame: Uint8Array, gapMs: number): Promise<void> {
    const run = this.writing.then(async () => {
      const pieces = chunk(frame, this.chunkSize)
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0) await sleep(this.clock, gapMs)
        await this.writeChunk(pieces[i])
      }
    })
    this.writing = run.catch(() => undefined)
    return run
  }

  private async writeChunk(piece: Uint8Array): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (!this.alive) throw new CardLinkError('BLE_DISCONNECTED', 'write on a lost connection')
      try {
        await this.adapter.write(this.deviceId, this.serviceId, this.writeId, piece)
        return
      } catch (e) {
        const retryable = e instanceof CardLinkError && e.code === 'BLE_SYSTEM'
        if (!retryable || attempt >= this.writeRetries) throw e
        await sleep(this.clock, this.settleMs)
      }
    }
  }

  async close(): Promise<void> {
    const wasAlive = this.alive
    this.alive = false
    this.detach()
    if (wasAlive) await this.adapter.disconnect(this.deviceId).catch(() => undefined)
  }
}
