// The load benchmark's floor: chunk counts from the doc's worked frames, the arithmetic, and the
// same counts as what the real phone code puts on the simulated link.
import fc from 'fast-check'
import { readCard } from '../../src/ble/apdu'
import { bytesToHex, hexToBytes } from '../../src/ble/bytes'
import { decodeChannelReply } from '../../src/ble/frames/messages'
import { FRAME_PROFILES, type FrameProfile } from '../../src/ble/frames/profiles'
import { PhoneFrameProtocol } from '../../src/ble/frames/protocol'
import { alignResponses } from '../../src/ble/frames/tlv'
import type { CardChannel } from '../../src/ble/apdu'
import { createVirtualSetup } from '../virtual-card/harness'
import {
  chunksOf,
  linkFloor,
  messageCost,
  minimalLoadExchanges,
  replyFrames,
  requestFrames,
  type CardExchange,
} from './loadFloor'

const profiles: Array<[string, FrameProfile]> = [
  ['33', FRAME_PROFILES.legacy33],
  ['50', FRAME_PROFILES.national50],
]

describe('chunks of the worked examples (load-protocol.md §3)', () => {
  test('verify PIN + init as one message: the doc’s 54-byte frame, three chunks', () => {
    const frames = requestFrames(FRAME_PROFILES.legacy33, [
      hexToBytes('0020000003123456'),
      hexToBytes('805000020b01000003e881868816815610'),
    ])
    const doc =
      'fe0100367531 0000 0a00 1228 33 01 80 23 a3 00 1f00 80 1d 01 08 0020000003123456 02 11 ' +
      '805000020b01000003e881868816815610 a7 1800'
    expect(frames.map((f) => bytesToHex(f).toLowerCase())).toEqual([doc.replace(/ /g, '')])
    expect(frames[0]).toHaveLength(54)
    expect(chunksOf(frames)).toBe(3)
  })

  test('a get-balance reply: the doc’s 34-byte notification frame, two chunks', () => {
    const frames = replyFrames(FRAME_PROFILES.legacy33, [hexToBytes('00001F409000')])
    expect(frames).toHaveLength(1)
    expect(frames[0]).toHaveLength(34)
    expect(chunksOf(frames)).toBe(2)
  })

  test('a chunk is 20 bytes: 20 → 1, 21 → 2, 40 → 2, 41 → 3, over frames separately', () => {
    const of = (n: number) => new Uint8Array(n)
    expect([20, 21, 40, 41].map((n) => chunksOf([of(n)]))).toEqual([1, 2, 2, 3])
    expect(chunksOf([of(21), of(1)])).toBe(3)
    expect(chunksOf([of(41)], 244)).toBe(1)
  })
})

describe('the floor', () => {
  test('chunks × interval + RTT × round trips', () => {
    const floor = linkFloor({
      messages: [
        { upFrames: 1, downFrames: 1, upChunks: 3, downChunks: 2 },
        { upFrames: 1, downFrames: 2, upChunks: 1, downChunks: 4 },
      ],
      intervalMs: 30,
      cloudRttMs: 150,
      cloudRoundTrips: 2,
    })
    expect(floor).toEqual({ upChunks: 4, downChunks: 6, chunkMs: 300, cloudMs: 300, floorMs: 600 })
  })

  test('a load’s seven APDUs group into the four messages their dependencies allow', () => {
    const apdus = Array.from({ length: 7 }, (_, i) => Uint8Array.of(i))
    const groups = minimalLoadExchanges(apdus, apdus)
    expect(groups.map((g) => g.apdus.map((a) => a[0]))).toEqual([[0, 1, 2, 3], [4], [5], [6]])
    expect(() => minimalLoadExchanges(apdus.slice(1), apdus.slice(1))).toThrow()
  })
})

describe.each(profiles)('%s frames', (_name, profile) => {
  test('reply frames are what the phone reads back as the same answers', () => {
    const answer = fc.uint8Array({ minLength: 2, maxLength: 120 })
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 6 }), (responses) => {
        const phone = new PhoneFrameProtocol(profile)
        const messages = replyFrames(profile, responses)
          .flatMap((frame) => phone.receive(frame))
          .map((event) => (event.type === 'message' ? event.message : null))
        expect(messages).toHaveLength(1)
        const [message] = messages
        if (!message) throw new Error('no message')
        const decoded = alignResponses(decodeChannelReply(profile.card, message), responses.length)
        expect(decoded.map(bytesToHex)).toEqual(responses.map(bytesToHex))
      }),
      { numRuns: 100 },
    )
  })

  test('the computed chunks are the packets the real phone code puts on the link', async () => {
    const setup = createVirtualSetup({ profile })
    const channel = await setup.run(setup.connect())
    const log: CardExchange[] = []
    const recording: CardChannel = {
      async transceive(apdus) {
        const responses = await channel.transceive(apdus)
        log.push({ apdus, responses })
        return responses
      },
    }
    const before = setup.link.packets.length
    const reading = await setup.run(readCard(recording))
    expect(reading.balance).toBe(8000)
    const crossed = setup.link.packets.slice(before)
    expect(log).toHaveLength(1)
    const cost = messageCost(profile, log[0])
    expect(cost.upChunks).toBe(crossed.filter((p) => p.direction === 'up').length)
    expect(cost.downChunks).toBe(crossed.filter((p) => p.direction === 'down').length)
    expect(cost.upChunks).toBeGreaterThan(1)
  })
})
