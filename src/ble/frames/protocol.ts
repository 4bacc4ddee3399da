// Phone side of the frame protocol: messages → outer frames to write, notifications → device events.
import { hexToBytes } from '../bytes'
import { CardLinkError } from '../errors'
import { innerFramerFor, type InnerAssembler, type InnerFramer } from './inner'
import { decodeChannelReply, decodeInitReply, encodeChannelRequest } from './messages'
import {
  decodeDataBody,
  decodeOuter,
  encodeDataBody,
  encodeOuter,
  OuterCommand,
  OuterReassembler,
} from './outer'
import type { ChannelAddress, FrameProfile } from './profiles'
import type { TlvItem } from './tlv'

export type DeviceEvent =
  | { type: 'auth' }
  | { type: 'init' }
  | { type: 'message'; message: Uint8Array }
  | { type: 'error'; error: CardLinkError }

export class PhoneFrameProtocol {
  private readonly framer: InnerFramer
  private readonly inner: InnerAssembler
  private readonly outer = new OuterReassembler()
  private sn: number
  private outerSeq = 0

  constructor(readonly profile: FrameProfile) {
    this.framer = innerFramerFor(profile)
    this.inner = this.framer.assembler()
    this.sn = profile.snStart
  }

  /** Whole outer frames for one message (each inner frame in its own outer frame). */
  encodeMessage(message: Uint8Array): Uint8Array[] {
    const sn = this.sn
    this.sn = sn >= this.profile.snMax ? this.profile.snStart : sn + 1
    return this.framer.frame(message, sn).map((inner) => {
      const sequence = this.profile.outerSequence === 'zero' ? 0 : this.outerSeq++ & 0xffff
      return encodeOuter({
        command: OuterCommand.phoneData,
        sequence,
        body: encodeDataBody(inner, this.profile.bodyTrailer),
      })
    })
  }

  cardRequest(apdus: Uint8Array[]): Uint8Array[] {
    return this.encodeMessage(encodeChannelRequest(this.profile.card, apdus))
  }

  esamRequest(apdus: Uint8Array[]): Uint8Array[] {
    return this.encodeMessage(encodeChannelRequest(this.profile.esam, apdus))
  }

  initRequest(): Uint8Array[] {
    return this.encodeMessage(Uint8Array.of(this.profile.init))
  }

  parseCardReply(message: Uint8Array): TlvItem[] {
    return decodeChannelReply(this.profile.card, message)
  }

  parseEsamReply(message: Uint8Array): TlvItem[] {
    return decodeChannelReply(this.profile.esam, message)
  }

  parseReply(address: ChannelAddress, message: Uint8Array): TlvItem[] {
    return decodeChannelReply(address, message)
  }

  parseInitReply(message: Uint8Array): Uint8Array {
    return decodeInitReply(this.profile.init, message).payload
  }

  handshakeResponse(kind: 'auth' | 'init'): Uint8Array {
    const command = kind === 'auth' ? OuterCommand.authResponse : OuterCommand.initResponse
    const body = hexToBytes(kind === 'auth' ? this.profile.authResponseBody : this.profile.initResponseBody)
    return encodeOuter({ command, sequence: 0, body })
  }

  /** Feed one notification; errors come back as events so one bad frame does not stop the stream. */
  receive(notification: Uint8Array): DeviceEvent[] {
    const events: DeviceEvent[] = []
    const frames = this.outer.push(notification, (error) => events.push({ type: 'error', error }))
    for (const bytes of frames) {
      try {
        const frame = decodeOuter(bytes)
        if (frame.command === OuterCommand.authRequest) events.push({ type: 'auth' })
        else if (frame.command === OuterCommand.initRequest) events.push({ type: 'init' })
        else if (frame.command === OuterCommand.deviceData) {
          const done = this.inner.push(decodeDataBody(frame.body))
          if (done) events.push({ type: 'message', message: done.message })
        } else
          events.push({
            type: 'error',
            error: new CardLinkError('FRAME_MALFORMED', `outer command ${frame.command.toString(16)}`),
          })
      } catch (e) {
        if (!(e instanceof CardLinkError)) throw e
        events.push({ type: 'error', error: e })
      }
    }
    return events
  }

  /** After a reconnect: drop half-received frames. */
  reset(): void {
    this.outer.reset()
    this.inner.reset()
  }
}
