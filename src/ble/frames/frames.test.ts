import fc from 'fast-check'
import { bytesToHex, chunk, concatBytes, hexToBytes } from '../bytes'
import { CardLinkError } from '../errors'
import {
  alignResponses,
  decodeApduList,
  decodeChannelRequest,
  encodeApduList,
  encodeChannelReply,
  encodeDataBody,
  encodeOuter,
  FRAME_PROFILES,
  innerFramerFor,
  OuterCommand,
  PhoneFrameProtocol,
  type DeviceEvent,
  type FrameProfile,
} from '.'

const h = hexToBytes
const messages = (events: DeviceEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.message] : []))
const errors = (events: DeviceEvent[]) => events.flatMap((e) => (e.type === 'error' ? [e.error.code] : []))

/** What a device sends back: one message → inner frames → outer frames → 20-byte notifications. */
function deviceNotifications(profile: FrameProfile, message: Uint8Array, sn = 8): Uint8Array[] {
  return innerFramerFor(profile)
    .frame(message, sn)
    .flatMap((inner) =>
      chunk(
        encodeOuter({ command: OuterCommand.deviceData, sequence: 3, body: encodeDataBody(inner, true) }),
      ),
    )
}

describe('the captured frames of load-protocol.md', () => {
  it('decodes the get-balance notification to 8000 fen', () => {
    const phone = new PhoneFrameProtocol(FRAME_PROFILES.legacy33)
    const events = phone.receive(h('fe010022271200030a0012143308800fb300000a008108030600001f4090007d1800'))
    const [message] = messages(events)
    expect(bytesToHex(message)).toBe('B300000A008108030600001F409000')
    const items = phone.parseCardReply(message)
    expect(items).toHaveLength(1)
    expect(items[0].index).toBe(3)
    const reply = items[0].data
    expect(bytesToHex(reply.subarray(4))).toBe('9000')
    expect(new DataView(reply.buffer, reply.byteOffset).getUint32(0)).toBe(8000)
  })

  it('also decodes it when it arrives in 20-byte pieces and without the 18 00 trailer', () => {
    const phone = new PhoneFrameProtocol(FRAME_PROFILES.legacy33)
    const whole = h('fe010020271200030a0012143308800fb300000a008108030600001f4090007d')
    const events = chunk(whole, 7).flatMap((n) => phone.receive(n))
    expect(messages(events)).toHaveLength(1)
    expect(errors(events)).toEqual([])
  })

  it('encodes verify PIN + initialize for load to exactly the 54 bytes and three chunks', () => {
    const phone = new PhoneFrameProtocol(FRAME_PROFILES.legacy33)
    const frames = phone.cardRequest([h('0020000003123456'), h('805000020b01000003e881868816815610')])
    expect(frames).toHaveLength(1)
    expect(bytesToHex(frames[0])).toBe(
      'fe0100367531 0000 0a00 1228 33 01 80 23 a3 00 1f00 80 1d 01 08 0020000003123456 02 11 805000020b01000003e881868816815610 a7 1800'
        .replace(/ /g, '')
        .toUpperCase(),
    )
    expect(frames[0]).toHaveLength(54)
    expect(chunk(frames[0]).map(bytesToHex)).toEqual(
      [
        'fe010036753100000a00122833018023a3001f00',
        '801d010800200000031234560211805000020b01',
        '000003e881868816815610a71800',
      ].map((s) => s.toUpperCase()),
    )
  })
})

const apduList = fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 6 })
const profiles = Object.values(FRAME_PROFILES)

describe('round trips on every profile', () => {
  it('phone request: encode → 20-byte chunks → reassemble → decode is the identity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...profiles),
        apduList,
        fc.integer({ min: 2, max: 40 }),
        (profile, apdus, size) => {
          const phone = new PhoneFrameProtocol(profile)
          // the device side reads phone frames with the same reassembly rules
          const device = new PhoneFrameProtocol(profile)
          const frames = phone.cardRequest(apdus)
          const received = frames
            .flatMap((f) => chunk(rewriteAsDevice(f), size))
            .flatMap((n) => device.receive(n))
          expect(errors(received)).toEqual([])
          const [message] = messages(received)
          const request = decodeChannelRequest(message)
          expect(request.command).toBe(profile.card.command)
          expect(request.dataType).toBe(profile.card.dataType)
          expect(request.apdus.map((a) => bytesToHex(a.data))).toEqual(apdus.map(bytesToHex))
        },
      ),
    )
  })

  it('device reply: encode → chunks → reassemble → decode is the identity', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...profiles),
        apduList,
        fc.integer({ min: 0, max: 15 }),
        (profile, responses, sn) => {
          const phone = new PhoneFrameProtocol(profile)
          const events = deviceNotifications(
            profile,
            encodeChannelReply(profile.card, 0, responses),
            sn,
          ).flatMap((n) => phone.receive(n))
          expect(errors(events)).toEqual([])
          const items = phone.parseCardReply(messages(events)[0])
          expect(alignResponses(items, responses.length).map(bytesToHex)).toEqual(responses.map(bytesToHex))
        },
      ),
    )
  })

  it('TLV lengths: 1 byte, 81 xx, 82 xxxx', () => {
    fc.assert(
      fc.property(apduList, (items) => {
        const decoded = decodeApduList(encodeApduList(items, 0x81))
        expect(decoded.map((i) => bytesToHex(i.data))).toEqual(items.map(bytesToHex))
      }),
    )
    expect(bytesToHex(encodeApduList([new Uint8Array(200)]).subarray(0, 6))).toBe('8081CB0181C8')
    expect(bytesToHex(encodeApduList([new Uint8Array(300)]).subarray(0, 8))).toBe('808201300182012C')
  })

  it('the 33 frame SN rolls 1..15; a fixed-SN vendor keeps it', () => {
    const phone = new PhoneFrameProtocol(FRAME_PROFILES.legacy33)
    const sns = Array.from({ length: 17 }, () => phone.initRequest()[0][13])
    expect(sns).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1, 2])
    const fixed = new PhoneFrameProtocol(FRAME_PROFILES.legacy33SlowFixedSn)
    expect(Array.from({ length: 3 }, () => fixed.initRequest()[0][13])).toEqual([1, 1, 1])
  })

  it('multi-frame CTL: 33 counts down from 0x80|remaining; 50 starts 0x8000+n then 1, 2, …', () => {
    const long = new Uint8Array(200).fill(7)
    const f33 = innerFramerFor(FRAME_PROFILES.legacy33).frame(long, 4)
    expect(f33.map((f) => f[2])).toEqual([0x82, 1, 0])
    const f50 = innerFramerFor(FRAME_PROFILES.national50).frame(long, 0)
    expect(f50.map((f) => (f[1] << 8) | f[2])).toEqual([0x8003, 1, 2])
  })

  it('the handshake responses are BaseResponse errcode 0 in 4E21 / 4E23', () => {
    const phone = new PhoneFrameProtocol(FRAME_PROFILES.national50)
    expect(bytesToHex(phone.handshakeResponse('auth'))).toBe('FE01000C4E2100000A020800')
    expect(bytesToHex(phone.handshakeResponse('init'))).toBe('FE01000C4E2300000A020800')
    expect(phone.receive(h('fe01000827110001'))).toEqual([{ type: 'auth' }])
    expect(phone.receive(h('fe01000827130002'))).toEqual([{ type: 'init' }])
  })
})

describe('bad frames are rejected with typed errors', () => {
  it('a corrupted BCC (or any flipped byte in an inner frame) is FRAME_BCC, both profiles', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...profiles),
        apduList,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (profile, responses, at, flip) => {
          const [inner] = innerFramerFor(profile).frame(encodeChannelReply(profile.card, 0, responses), 1)
          // DATA starts after the start byte, SN/CTL and LEN in both kinds
          const header = 4
          const pos = header + (at % (inner.length - header))
          const bad = inner.slice()
          bad[pos] ^= flip
          expect(() => innerFramerFor(profile).assembler().push(bad)).toThrow(
            expect.objectContaining({ code: 'FRAME_BCC', message: '设备数据校验失败（BCC错误），请重试' }),
          )
        },
      ),
    )
  })

  it('a frame out of order is FRAME_SEQUENCE, both profiles', () => {
    for (const profile of [FRAME_PROFILES.legacy33, FRAME_PROFILES.national50]) {
      const frames = innerFramerFor(profile).frame(new Uint8Array(300), 2)
      const swapped = innerFramerFor(profile).assembler()
      swapped.push(frames[0])
      expect(() => swapped.push(frames[2])).toThrow(expect.objectContaining({ code: 'FRAME_SEQUENCE' }))
      const orphan = innerFramerFor(profile).assembler()
      expect(() => orphan.push(frames[1])).toThrow(expect.objectContaining({ code: 'FRAME_SEQUENCE' }))
    }
    const other = innerFramerFor(FRAME_PROFILES.legacy33)
    const a = other.frame(new Uint8Array(300), 2)
    const b = other.frame(new Uint8Array(300), 3)
    const mixed = other.assembler()
    mixed.push(a[0])
    expect(() => mixed.push(b[1])).toThrow(expect.objectContaining({ code: 'FRAME_SEQUENCE' }))
  })

  it('a frame cut short is FRAME_TRUNCATED; a new FE 01 after a lost piece drops the partial frame', () => {
    const profile = FRAME_PROFILES.legacy33
    const [inner] = innerFramerFor(profile).frame(new Uint8Array(30), 1)
    expect(() => innerFramerFor(profile).assembler().push(inner.slice(0, 20))).toThrow(
      expect.objectContaining({ code: 'FRAME_TRUNCATED' }),
    )
    const phone = new PhoneFrameProtocol(profile)
    const pieces = deviceNotifications(profile, encodeChannelReply(profile.card, 0, [h('9000')]))
    const first = phone.receive(pieces[0])
    expect(first).toEqual([])
    const events = pieces.flatMap((n) => phone.receive(n))
    expect(errors(events)).toEqual(['FRAME_TRUNCATED'])
    expect(messages(events)).toHaveLength(1)
  })

  it('a device status other than 00 is FRAME_TRANSPORT_STATUS; an SW inside the TLV is left to the APDU layer', () => {
    const profile = FRAME_PROFILES.national50
    const phone = new PhoneFrameProtocol(profile)
    const failed = messages(
      deviceNotifications(profile, encodeChannelReply(profile.card, 0x01, [])).flatMap((n) =>
        phone.receive(n),
      ),
    )
    expect(() => phone.parseCardReply(failed[0])).toThrow(
      expect.objectContaining({
        code: 'FRAME_TRANSPORT_STATUS',
        message: '设备读卡失败，请确认卡片已插好后重试',
      }),
    )
    const sw = messages(
      deviceNotifications(profile, encodeChannelReply(profile.card, 0, [h('6981')])).flatMap((n) =>
        phone.receive(n),
      ),
    )
    expect(bytesToHex(phone.parseCardReply(sw[0])[0].data)).toBe('6981')
  })

  it('errors are CardLinkError instances', () => {
    expect(() => decodeApduList(h('81 05 01 08 00'.replace(/ /g, '')))).toThrow(CardLinkError)
  })
})

/** Rewrites a phone → device outer frame as device → phone so one protocol object can read it back. */
function rewriteAsDevice(frame: Uint8Array): Uint8Array {
  return concatBytes(frame.subarray(0, 4), h('2712'), frame.subarray(6))
}
