// WeChat "AirSync" style outer frame: FE 01 | length (2, whole frame) | command (2) | sequence (2) | body.
import { concatBytes, readU16be, u16be } from '../bytes'
import { CardLinkError } from '../errors'

export const OUTER_HEADER = 8

export const OuterCommand = {
  authRequest: 0x2711,
  deviceData: 0x2712,
  initRequest: 0x2713,
  authResponse: 0x4e21,
  initResponse: 0x4e23,
  phoneData: 0x7531,
} as const

export interface OuterFrame {
  command: number
  sequence: number
  body: Uint8Array
}

export function encodeOuter(frame: OuterFrame): Uint8Array {
  const length = OUTER_HEADER + frame.body.length
  if (length > 0xffff) throw new CardLinkError('FRAME_MALFORMED', `outer frame too long: ${length}`)
  return concatBytes(
    Uint8Array.of(0xfe, 0x01),
    u16be(length),
    u16be(frame.command),
    u16be(frame.sequence),
    frame.body,
  )
}

export function decodeOuter(bytes: Uint8Array): OuterFrame {
  if (bytes.length < OUTER_HEADER || bytes[0] !== 0xfe || bytes[1] !== 0x01) {
    throw new CardLinkError('FRAME_MALFORMED', 'outer frame must start with FE 01')
  }
  const length = readU16be(bytes, 2)
  if (bytes.length < length) throw new CardLinkError('FRAME_TRUNCATED', `outer ${bytes.length}/${length}`)
  if (length < OUTER_HEADER) throw new CardLinkError('FRAME_MALFORMED', `outer length ${length}`)
  return {
    command: readU16be(bytes, 4),
    sequence: readU16be(bytes, 6),
    body: bytes.slice(OUTER_HEADER, length),
  }
}

function varint(n: number): Uint8Array {
  const out: number[] = []
  let v = n
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
  return Uint8Array.from(out)
}

/** Data body: `0A 00` (empty base) `12 <varint len> <inner>` and optionally `18 00`. */
export function encodeDataBody(inner: Uint8Array, trailer: boolean): Uint8Array {
  return concatBytes(
    Uint8Array.of(0x0a, 0x00, 0x12),
    varint(inner.length),
    inner,
    trailer ? Uint8Array.of(0x18, 0x00) : new Uint8Array(0),
  )
}

/** Reads field 2 (the inner frame) of a protobuf data body; other fields are skipped, none required. */
export function decodeDataBody(body: Uint8Array): Uint8Array {
  let off = 0
  const readVarint = (): number => {
    let result = 0
    let shift = 0
    for (;;) {
      if (off >= body.length) throw new CardLinkError('FRAME_TRUNCATED', 'varint past end of body')
      const b = body[off++]
      result += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return result
      shift += 7
      if (shift > 28) throw new CardLinkError('FRAME_MALFORMED', 'varint too long')
    }
  }
  let inner: Uint8Array | null = null
  while (off < body.length) {
    const key = readVarint()
    const wire = key & 7
    if (wire === 0) readVarint()
    else if (wire === 2) {
      const len = readVarint()
      if (off + len > body.length) throw new CardLinkError('FRAME_TRUNCATED', 'field past end of body')
      if (key >>> 3 === 2) inner = body.slice(off, off + len)
      off += len
    } else throw new CardLinkError('FRAME_MALFORMED', `unsupported protobuf wire type ${wire}`)
  }
  if (!inner) throw new CardLinkError('FRAME_MALFORMED', 'data body without inner frame')
  return inner
}

/**
 * Notifications → whole outer frames. A notification starting with FE 01 starts a frame; the
 * following ones are appended until the declared length is reached. A partial frame that is
 * interrupted by a new FE 01 start is dropped and reported.
 */
export class OuterReassembler {
  private buffer: Uint8Array | null = null

  push(notification: Uint8Array, onError: (e: CardLinkError) => void = () => undefined): Uint8Array[] {
    const frames: Uint8Array[] = []
    const startsFrame = notification.length >= 2 && notification[0] === 0xfe && notification[1] === 0x01
    if (this.buffer) {
      const expected = this.buffer.length >= 4 ? readU16be(this.buffer, 2) : Infinity
      if (startsFrame && this.buffer.length + notification.length > expected) {
        onError(
          new CardLinkError('FRAME_TRUNCATED', `outer frame interrupted at ${this.buffer.length} bytes`),
        )
        this.buffer = notification
      } else this.buffer = concatBytes(this.buffer, notification)
    } else if (startsFrame) this.buffer = notification
    else {
      onError(new CardLinkError('FRAME_MALFORMED', 'notification outside a frame'))
      return frames
    }
    // one notification may complete a frame and start another
    while (this.buffer && this.buffer.length >= 4) {
      const length = readU16be(this.buffer, 2)
      if (length < OUTER_HEADER) {
        onError(new CardLinkError('FRAME_MALFORMED', `outer length ${length}`))
        this.buffer = null
        break
      }
      if (this.buffer.length < length) break
      frames.push(this.buffer.slice(0, length))
      const rest = this.buffer.slice(length)
      this.buffer = rest.length >= 2 && rest[0] === 0xfe && rest[1] === 0x01 ? rest : null
    }
    return frames
  }

  reset(): void {
    this.buffer = null
  }
}
