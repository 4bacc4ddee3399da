// A virtual OBU / card box: speaks the frame protocol of its profile around a VirtualCard.
import { chunk } from '../../src/ble/bytes'
import { innerFramerFor, type InnerAssembler, type InnerFramer } from '../../src/ble/frames/inner'
import { decodeChannelRequest, encodeChannelReply, encodeInitReply } from '../../src/ble/frames/messages'
import {
  decodeDataBody,
  decodeOuter,
  encodeDataBody,
  encodeOuter,
  OuterCommand,
  OuterReassembler,
} from '../../src/ble/frames/outer'
import type { FrameProfile } from '../../src/ble/frames/profiles'
import { ReplyLostError, type VirtualCard } from './card'

export interface VirtualObuOptions {
  profile: FrameProfile
  card: VirtualCard | null
  /** payload of the B2 / 90 status reply */
  status?: Uint8Array
  /** the OBU's ESAM: answers ESAM-channel APDUs */
  esam?: (apdu: Uint8Array) => Uint8Array
  /** notification size (20 unless the MTU was raised) */
  notifySize?: number
}

/** OBU system info as an ESAM would hold it (contract provider, type, serial, dates, plate). */
export function defaultEsam(apdu: Uint8Array): Uint8Array {
  const hex = Buffer.from(apdu).toString('hex').toUpperCase()
  if (hex.startsWith('00A4')) return Uint8Array.of(0x90, 0x00)
  if (hex.startsWith('00B081')) {
    const info = Buffer.from('D5E3BDAD0101000101203301000012345678202401012034010100', 'hex')
    return Uint8Array.from(Buffer.concat([info, Buffer.from([0x90, 0x00])]))
  }
  return Uint8Array.of(0x6d, 0x00)
}

export class VirtualObu {
  private readonly framer: InnerFramer
  private readonly inner: InnerAssembler
  private readonly outer = new OuterReassembler()
  private send: ((notification: Uint8Array) => void) | null = null
  private handshakeDone: boolean
  private outerSeq = 1
  /** messages handled, for tests */
  readonly log: Array<{ command: number; apdus: number }> = []
  /** frames the device could not read (bad BCC, order): counted, not answered */
  framingErrors = 0

  constructor(private readonly options: VirtualObuOptions) {
    this.framer = innerFramerFor(options.profile)
    this.inner = this.framer.assembler()
    this.handshakeDone = !options.profile.handshake
  }

  get card(): VirtualCard | null {
    return this.options.card
  }

  insertCard(card: VirtualCard | null): void {
    this.options.card = card
  }

  /** Notifications enabled: a handshake device asks for auth first. */
  connected(send: (notification: Uint8Array) => void): void {
    this.send = send
    this.outer.reset()
    this.inner.reset()
    this.handshakeDone = !this.options.profile.handshake
    if (this.options.profile.handshake)
      this.emit(
        encodeOuter({
          command: OuterCommand.authRequest,
          sequence: this.outerSeq++,
          body: Uint8Array.of(0x0a, 0x00),
        }),
      )
  }

  /** Link gone: the card box powers the card down, ending any transaction in progress. */
  disconnected(): void {
    this.send = null
    this.outer.reset()
    this.inner.reset()
    this.options.card?.reset()
  }

  /** One written chunk from the phone. */
  receive(chunkBytes: Uint8Array): void {
    for (const bytes of this.outer.push(chunkBytes, () => (this.framingErrors += 1))) {
      try {
        this.onFrame(bytes)
      } catch (e) {
        if (e instanceof ReplyLostError) continue
        this.framingErrors += 1
        this.inner.reset()
      }
    }
  }

  private onFrame(bytes: Uint8Array): void {
    const frame = decodeOuter(bytes)
    if (frame.command === OuterCommand.authResponse) {
      this.emit(
        encodeOuter({
          command: OuterCommand.initRequest,
          sequence: this.outerSeq++,
          body: Uint8Array.of(0x0a, 0x00),
        }),
      )
      return
    }
    if (frame.command === OuterCommand.initResponse) {
      this.handshakeDone = true
      return
    }
    if (frame.command !== OuterCommand.phoneData || !this.handshakeDone) return
    const done = this.inner.push(decodeDataBody(frame.body))
    if (done) this.reply(this.handle(done.message), done.sn)
  }

  private handle(message: Uint8Array): Uint8Array {
    const { profile } = this.options
    if (message[0] === profile.init && message.length <= 2) {
      this.log.push({ command: message[0], apdus: 0 })
      return encodeInitReply(profile.init, 0, this.options.status ?? Uint8Array.of(0x00, profile.maxData))
    }
    const request = decodeChannelRequest(message)
    this.log.push({ command: request.command, apdus: request.apdus.length })
    const isCard = request.command === profile.card.command && request.dataType === profile.card.dataType
    const isEsam = request.command === profile.esam.command && request.dataType === profile.esam.dataType
    const address = isCard
      ? profile.card
      : isEsam
        ? profile.esam
        : { command: request.command, dataType: request.dataType }
    if (!isCard && !isEsam) return encodeChannelReply(address, 0x02, [])
    const target = isCard ? this.options.card : null
    if (isCard && !target) return encodeChannelReply(address, 0x01, [])
    const responses: Uint8Array[] = []
    for (const item of request.apdus) {
      // a ReplyLostError propagates: the card did the work, the OBU never answers
      const response = target ? target.transceive(item.data) : (this.options.esam ?? defaultEsam)(item.data)
      responses.push(response)
      const sw = (response[response.length - 2] << 8) | response[response.length - 1]
      // like vendor boxes, stop the list at the first failing APDU
      if (sw !== 0x9000 && (sw & 0xff00) !== 0x6100) break
    }
    return encodeChannelReply(address, 0, responses)
  }

  private reply(message: Uint8Array, sn: number): void {
    for (const inner of this.framer.frame(message, sn)) {
      this.emit(
        encodeOuter({
          command: OuterCommand.deviceData,
          sequence: this.outerSeq++ & 0xffff,
          body: encodeDataBody(inner, this.options.profile.bodyTrailer),
        }),
      )
    }
  }

  private emit(frame: Uint8Array): void {
    for (const piece of chunk(frame, this.options.notifySize ?? 20)) this.send?.(piece)
  }
}
