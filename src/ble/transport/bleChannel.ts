// CardChannel over a BLE connection: APDU lists in card-channel messages of the device's frame profile.
import type { CardChannel } from '../apdu/channel'
import { CardLinkError } from '../errors'
import { PhoneFrameProtocol, type DeviceEvent } from '../frames/protocol'
import type { ChannelAddress, FrameProfile } from '../frames/profiles'
import { alignResponses } from '../frames/tlv'
import { realClock, withTimeout, type Clock } from './clock'
import type { BleConnection } from './connection'

export interface BleChannelOptions {
  clock?: Clock
  replyTimeoutMs?: number
  handshakeTimeoutMs?: number
}

interface Pending {
  resolve: (message: Uint8Array) => void
  reject: (error: CardLinkError) => void
}

/**
 * After any failure (timeout, bad frame, lost link) the channel refuses further use: a late reply
 * could otherwise be taken as the answer to the next command. Recover by reconnecting.
 */
export class BleCardChannel implements CardChannel {
  private readonly protocol: PhoneFrameProtocol
  private readonly clock: Clock
  private readonly replyTimeoutMs: number
  private readonly handshakeTimeoutMs: number
  private pending: Pending | null = null
  private queue: Promise<unknown> = Promise.resolve()
  private failure: CardLinkError | null = null
  private handshakeDone: Promise<void>
  private markHandshakeDone: () => void = () => undefined
  private readonly detach: Array<() => void>
  /** frames written and messages exchanged, for the link-time benchmark */
  readonly stats = { messages: 0, framesWritten: 0, bytesWritten: 0 }

  constructor(
    private readonly connection: BleConnection,
    readonly profile: FrameProfile,
    options: BleChannelOptions = {},
  ) {
    this.protocol = new PhoneFrameProtocol(profile)
    this.clock = options.clock ?? realClock
    this.replyTimeoutMs = options.replyTimeoutMs ?? 5000
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 5000
    this.handshakeDone = profile.handshake
      ? new Promise<void>((resolve) => {
          this.markHandshakeDone = resolve
        })
      : Promise.resolve()
    this.detach = [
      connection.onNotification((bytes) => this.onNotification(bytes)),
      connection.onDisconnect(() => this.fail(new CardLinkError('BLE_DISCONNECTED', 'link lost'))),
    ]
  }

  private onNotification(bytes: Uint8Array): void {
    for (const event of this.protocol.receive(bytes)) this.onEvent(event)
  }

  private onEvent(event: DeviceEvent): void {
    switch (event.type) {
      case 'auth':
        if (this.profile.handshake) void this.writeRaw(this.protocol.handshakeResponse('auth'))
        return
      case 'init':
        if (this.profile.handshake) {
          void this.writeRaw(this.protocol.handshakeResponse('init')).then(() => this.markHandshakeDone())
        }
        return
      case 'message': {
        const pending = this.pending
        this.pending = null
        if (pending) pending.resolve(event.message)
        // an unsolicited message (no request outstanding) is ignored
        return
      }
      case 'error':
        this.fail(event.error)
        return
    }
  }

  private async writeRaw(frame: Uint8Array): Promise<void> {
    this.stats.framesWritten += 1
    this.stats.bytesWritten += frame.length
    try {
      await this.connection.write(frame, this.profile.chunkGapMs)
    } catch (e) {
      this.fail(e instanceof CardLinkError ? e : new CardLinkError('BLE_UNKNOWN', String(e)))
    }
  }

  private fail(error: CardLinkError): void {
    if (!this.failure) this.failure = error
    const pending = this.pending
    this.pending = null
    pending?.reject(error)
  }

  get failed(): CardLinkError | null {
    return this.failure
  }

  /** Waits for the auth / init exchange when the profile needs it. */
  async ready(): Promise<void> {
    await withTimeout(
      this.clock,
      this.handshakeDone,
      this.handshakeTimeoutMs,
      () => new CardLinkError('BLE_TIMEOUT', 'handshake'),
    )
  }

  /** One message out, the next message back; requests queue so only one is ever outstanding. */
  private exchange(frames: Uint8Array[]): Promise<Uint8Array> {
    const run = this.queue.then(async () => {
      if (this.failure) throw this.failure
      await this.ready()
      if (this.failure) throw this.failure
      const reply = new Promise<Uint8Array>((resolve, reject) => {
        this.pending = { resolve, reject }
      })
      this.stats.messages += 1
      for (const frame of frames) await this.writeRaw(frame)
      try {
        return await withTimeout(
          this.clock,
          reply,
          this.replyTimeoutMs,
          () => new CardLinkError('BLE_TIMEOUT', 'reply'),
        )
      } catch (e) {
        const error = e instanceof CardLinkError ? e : new CardLinkError('BLE_UNKNOWN', String(e))
        this.fail(error)
        throw error
      }
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  private async channel(address: ChannelAddress, apdus: Uint8Array[]): Promise<Uint8Array[]> {
    const frames =
      address === this.profile.card ? this.protocol.cardRequest(apdus) : this.protocol.esamRequest(apdus)
    const message = await this.exchange(frames)
    return alignResponses(this.protocol.parseReply(address, message), apdus.length)
  }

  transceive(apdus: Uint8Array[]): Promise<Uint8Array[]> {
    return this.channel(this.profile.card, apdus)
  }

  /** The OBU's own secure module (OBU info, not the card). */
  esam(apdus: Uint8Array[]): Promise<Uint8Array[]> {
    return this.channel(this.profile.esam, apdus)
  }

  /** Init / status command (A2 or 80): the device's status payload. */
  async deviceStatus(): Promise<Uint8Array> {
    return this.protocol.parseInitReply(await this.exchange(this.protocol.initRequest()))
  }

  close(): void {
    for (const d of this.detach.splice(0)) d()
    this.fail(new CardLinkError('BLE_DISCONNECTED', 'channel closed'))
  }
}
