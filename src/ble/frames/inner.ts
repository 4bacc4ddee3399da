// Inner frames: the industry "33" frame and the national "50" frame behind one interface.
import { concatBytes, readU16be, u16be, xorAll } from '../bytes'
import { CardLinkError } from '../errors'
import type { FrameProfile } from './profiles'

export interface InnerFramer {
  /** Split one message (command DATA) into inner frames. `sn` is the 33 frame's sequence number. */
  frame(message: Uint8Array, sn: number): Uint8Array[]
  /** A fresh reassembler for frames coming back. */
  assembler(): InnerAssembler
}

export interface InnerAssembler {
  /** One inner frame in; the whole message out once its last frame arrived, else null. Throws CardLinkError. */
  push(inner: Uint8Array): { message: Uint8Array; sn: number } | null
  reset(): void
}

function splitData(message: Uint8Array, max: number): Uint8Array[] {
  if (message.length === 0) return [message]
  const parts: Uint8Array[] = []
  for (let off = 0; off < message.length; off += max) parts.push(message.slice(off, off + max))
  return parts
}

/** `33 | SN | CTL | LEN | DATA | BCC`, BCC = XOR of SN..DATA; CTL 0x80|remaining, then remaining. */
export class Framer33 implements InnerFramer {
  constructor(private readonly maxData: number) {}

  frame(message: Uint8Array, sn: number): Uint8Array[] {
    const parts = splitData(message, Math.min(this.maxData, 0xff))
    if (parts.length > 0x80) throw new CardLinkError('FRAME_MALFORMED', 'message too long for 33 frames')
    return parts.map((data, i) => {
      const remaining = parts.length - 1 - i
      const ctl = i === 0 ? 0x80 | remaining : remaining
      const head = Uint8Array.of(0x33, sn & 0xff, ctl, data.length)
      const body = concatBytes(head, data)
      return concatBytes(body, Uint8Array.of(xorAll(body, 1)))
    })
  }

  assembler(): InnerAssembler {
    let parts: Uint8Array[] = []
    let expectRemaining = -1
    let sn = -1
    return {
      push(inner) {
        if (inner.length < 5 || inner[0] !== 0x33)
          throw new CardLinkError('FRAME_MALFORMED', 'inner frame must start with 33')
        const len = inner[3]
        if (inner.length < 5 + len)
          throw new CardLinkError('FRAME_TRUNCATED', `33 frame ${inner.length - 5}/${len}`)
        if (xorAll(inner, 1, 4 + len) !== inner[4 + len]) throw new CardLinkError('FRAME_BCC', 'BCC mismatch')
        const ctl = inner[2]
        const data = inner.slice(4, 4 + len)
        if (ctl & 0x80) {
          if (expectRemaining >= 0) {
            parts = []
            expectRemaining = -1
            throw new CardLinkError('FRAME_SEQUENCE', 'new message before the previous one ended')
          }
          sn = inner[1]
          parts = [data]
          expectRemaining = (ctl & 0x7f) - 1
        } else {
          if (expectRemaining < 0 || ctl !== expectRemaining || inner[1] !== sn) {
            const was = expectRemaining
            parts = []
            expectRemaining = -1
            throw new CardLinkError(
              'FRAME_SEQUENCE',
              `33 frame CTL ${ctl} SN ${inner[1]}, expected CTL ${was} SN ${sn}`,
            )
          }
          parts.push(data)
          expectRemaining -= 1
        }
        if (expectRemaining >= 0) return null
        const message = concatBytes(...parts)
        parts = []
        return { message, sn }
      },
      reset() {
        parts = []
        expectRemaining = -1
      },
    }
  }
}

/** `50 | CTL (2) | LEN | DATA | BCC`, BCC = XOR of every byte incl. 50; CTL 0x8000+chunks, then 1, 2, … */
export class Framer50 implements InnerFramer {
  constructor(private readonly maxData: number) {}

  frame(message: Uint8Array): Uint8Array[] {
    const parts = splitData(message, Math.min(this.maxData, 0xff))
    if (parts.length > 0x7fff) throw new CardLinkError('FRAME_MALFORMED', 'message too long for 50 frames')
    return parts.map((data, i) => {
      const ctl = i === 0 ? 0x8000 + parts.length : i
      const body = concatBytes(Uint8Array.of(0x50), u16be(ctl), Uint8Array.of(data.length), data)
      return concatBytes(body, Uint8Array.of(xorAll(body)))
    })
  }

  assembler(): InnerAssembler {
    let parts: Uint8Array[] = []
    let total = 0
    return {
      push(inner) {
        if (inner.length < 5 || inner[0] !== 0x50)
          throw new CardLinkError('FRAME_MALFORMED', 'inner frame must start with 50')
        const len = inner[3]
        if (inner.length < 5 + len)
          throw new CardLinkError('FRAME_TRUNCATED', `50 frame ${inner.length - 5}/${len}`)
        if (xorAll(inner, 0, 4 + len) !== inner[4 + len]) throw new CardLinkError('FRAME_BCC', 'BCC mismatch')
        const ctl = readU16be(inner, 1)
        const data = inner.slice(4, 4 + len)
        if (ctl & 0x8000) {
          if (total > 0) {
            parts = []
            total = 0
            throw new CardLinkError('FRAME_SEQUENCE', 'new message before the previous one ended')
          }
          total = ctl & 0x7fff
          if (total === 0) throw new CardLinkError('FRAME_MALFORMED', '50 frame with zero chunks')
          parts = [data]
        } else {
          if (total === 0 || ctl !== parts.length) {
            const was = parts.length
            parts = []
            total = 0
            throw new CardLinkError('FRAME_SEQUENCE', `50 frame index ${ctl}, expected ${was}`)
          }
          parts.push(data)
        }
        if (parts.length < total) return null
        const message = concatBytes(...parts)
        parts = []
        total = 0
        return { message, sn: 0 }
      },
      reset() {
        parts = []
        total = 0
      },
    }
  }
}

export function innerFramerFor(profile: FrameProfile): InnerFramer {
  return profile.kind === '33' ? new Framer33(profile.maxData) : new Framer50(profile.maxData)
}
