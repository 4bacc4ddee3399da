// Command messages carried in inner frames (same layout for both frame kinds; the profile picks bytes).
import { concatBytes, u16le } from '../bytes'
import { CardLinkError } from '../errors'
import type { ChannelAddress } from './profiles'
import { decodeApduList, encodeApduList, TLV_REPLY, TLV_REQUEST, type TlvItem } from './tlv'

export const REPLY_OFFSET = 0x10

/** `cmd | data type | TLV length (2 LE) | TLV 80…` */
export function encodeChannelRequest(address: ChannelAddress, apdus: Uint8Array[]): Uint8Array {
  const tlv = encodeApduList(apdus, TLV_REQUEST)
  return concatBytes(Uint8Array.of(address.command, address.dataType), u16le(tlv.length), tlv)
}

/** `cmd+0x10 | status | data type | length (2 LE) | TLV 81…`; status ≠ 00 and APDU SWs are separate checks. */
export function decodeChannelReply(address: ChannelAddress, message: Uint8Array): TlvItem[] {
  if (message.length < 2 || message[0] !== address.command + REPLY_OFFSET) {
    throw new CardLinkError('FRAME_MALFORMED', `reply command ${message[0]?.toString(16)}`)
  }
  if (message[1] !== 0x00) {
    throw new CardLinkError('FRAME_TRANSPORT_STATUS', `transport status ${message[1].toString(16)}`)
  }
  if (message.length < 5) throw new CardLinkError('FRAME_TRUNCATED', 'channel reply header')
  const length = message[3] | (message[4] << 8)
  if (message.length < 5 + length)
    throw new CardLinkError('FRAME_TRUNCATED', `channel reply ${message.length - 5}/${length}`)
  return decodeApduList(message.slice(5, 5 + length), TLV_REPLY)
}

/** Request side, for the device double: `cmd | data type | length (2 LE) | TLV 80…`. */
export function decodeChannelRequest(message: Uint8Array): {
  command: number
  dataType: number
  apdus: TlvItem[]
} {
  if (message.length < 4) throw new CardLinkError('FRAME_TRUNCATED', 'channel request header')
  const length = message[2] | (message[3] << 8)
  if (message.length < 4 + length) throw new CardLinkError('FRAME_TRUNCATED', 'channel request body')
  return {
    command: message[0],
    dataType: message[1],
    apdus: decodeApduList(message.slice(4, 4 + length), TLV_REQUEST),
  }
}

export function encodeChannelReply(
  address: ChannelAddress,
  status: number,
  responses: Uint8Array[],
): Uint8Array {
  const tlv = status === 0 ? encodeApduList(responses, TLV_REPLY) : new Uint8Array(0)
  return concatBytes(
    Uint8Array.of(address.command + REPLY_OFFSET, status, address.dataType),
    u16le(tlv.length),
    tlv,
  )
}

/** Init / status: request `cmd [payload]`, reply `cmd+0x10 | status | len | payload`. */
export function encodeInitReply(command: number, status: number, payload: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(command + REPLY_OFFSET, status, payload.length), payload)
}

export function decodeInitReply(
  command: number,
  message: Uint8Array,
): { status: number; payload: Uint8Array } {
  if (message.length < 3 || message[0] !== command + REPLY_OFFSET) {
    throw new CardLinkError('FRAME_MALFORMED', `init reply ${message[0]?.toString(16)}`)
  }
  if (message.length < 3 + message[2]) throw new CardLinkError('FRAME_TRUNCATED', 'init reply payload')
  const status = message[1]
  if (status !== 0) throw new CardLinkError('FRAME_TRANSPORT_STATUS', `device status ${status.toString(16)}`)
  return { status, payload: message.slice(3, 3 + message[2]) }
}
