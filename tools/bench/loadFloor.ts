/**
 * The link-time floor of a roadside load (load-protocol.md §7): every 20-byte chunk of the outer
 * frames up and down costs one connection interval, every cloud round trip its RTT. The chunks are
 * computed here from the APDUs and the card's answers through the same framers the phone and the
 * OBU use, not counted from what the phone wrote, so a phone that sends extra frames or waits
 * between them shows up as measured / floor above 1.
 */
import { chunk } from '../../src/ble/bytes'
import { innerFramerFor } from '../../src/ble/frames/inner'
import { encodeChannelReply } from '../../src/ble/frames/messages'
import { encodeDataBody, encodeOuter, OuterCommand } from '../../src/ble/frames/outer'
import type { FrameProfile } from '../../src/ble/frames/profiles'
import { PhoneFrameProtocol } from '../../src/ble/frames/protocol'

/** One card-channel message: the APDU list the phone sends and the card's answers to it. */
export interface CardExchange {
  apdus: Uint8Array[]
  responses: Uint8Array[]
}

export interface MessageCost {
  upFrames: number
  downFrames: number
  upChunks: number
  downChunks: number
}

export function chunksOf(frames: readonly Uint8Array[], chunkSize = 20): number {
  return frames.reduce((sum, frame) => sum + chunk(frame, chunkSize).length, 0)
}

/** The outer frames the phone writes for one card-channel message. */
export function requestFrames(profile: FrameProfile, apdus: Uint8Array[]): Uint8Array[] {
  return new PhoneFrameProtocol(profile).cardRequest(apdus)
}

/** The outer frames the device notifies for the card's answers (transport status 00). */
export function replyFrames(profile: FrameProfile, responses: Uint8Array[]): Uint8Array[] {
  const message = encodeChannelReply(profile.card, 0, responses)
  return innerFramerFor(profile)
    .frame(message, profile.snStart)
    .map((inner) =>
      encodeOuter({
        command: OuterCommand.deviceData,
        sequence: 1,
        body: encodeDataBody(inner, profile.bodyTrailer),
      }),
    )
}

export function messageCost(profile: FrameProfile, exchange: CardExchange, chunkSize = 20): MessageCost {
  const up = requestFrames(profile, exchange.apdus)
  const down = replyFrames(profile, exchange.responses)
  return {
    upFrames: up.length,
    downFrames: down.length,
    upChunks: chunksOf(up, chunkSize),
    downChunks: chunksOf(down, chunkSize),
  }
}

export interface FloorInput {
  messages: readonly MessageCost[]
  intervalMs: number
  cloudRttMs: number
  cloudRoundTrips: number
}

export interface Floor {
  upChunks: number
  downChunks: number
  chunkMs: number
  cloudMs: number
  floorMs: number
}

export function linkFloor(input: FloorInput): Floor {
  const upChunks = input.messages.reduce((s, m) => s + m.upChunks, 0)
  const downChunks = input.messages.reduce((s, m) => s + m.downChunks, 0)
  const chunkMs = (upChunks + downChunks) * input.intervalMs
  const cloudMs = input.cloudRttMs * input.cloudRoundTrips
  return { upChunks, downChunks, chunkMs, cloudMs, floorMs: chunkMs + cloudMs }
}

/**
 * The fewest messages a load's APDUs fit in, given what each step needs: the reading (select MF,
 * select 1001, read 0015, get balance) in one, init (needs the cloud's amount and terminal), credit
 * (needs MAC2 from the cloud), and the final get balance. `exchanges` answers each APDU in order:
 * the seven responses of that sequence.
 */
export function minimalLoadExchanges(apdus: Uint8Array[], responses: Uint8Array[]): CardExchange[] {
  if (apdus.length !== 7 || responses.length !== 7)
    throw new Error(
      'a load is seven APDUs: select MF, select 1001, read 0015, balance, init, credit, balance',
    )
  const groups = [
    [0, 4],
    [4, 5],
    [5, 6],
    [6, 7],
  ] as const
  return groups.map(([from, to]) => ({
    apdus: apdus.slice(from, to),
    responses: responses.slice(from, to),
  }))
}
