// Device profiles: which inner frame a device speaks and its vendor quirks, as data.

export type InnerFrameKind = '33' | '50'

export interface ChannelAddress {
  /** first DATA byte of the request; the reply is command + 0x10 */
  command: number
  /** data type byte after the command (33: 00 plain; 50: 10 card, 20 ESAM) */
  dataType: number
}

export interface FrameProfile {
  id: string
  kind: InnerFrameKind
  /** the device waits for auth (0x4E21) and init (0x4E23) responses before data */
  handshake: boolean
  /** protobuf bodies answered to 0x2711 / 0x2713: BaseResponse { errcode: 0 } unless a vendor wants more */
  authResponseBody: string
  initResponseBody: string
  /** pause between 20-byte writes, ms */
  chunkGapMs: number
  /** most DATA bytes per inner frame */
  maxData: number
  /** 33 frame: SN rolls 1..snMax; a fixed-SN vendor sets snMax = snStart */
  snStart: number
  snMax: number
  /** outer sequence of phone → device frames: always 0, or counting up */
  outerSequence: 'zero' | 'increment'
  /** write the optional `18 00` after the inner frame */
  bodyTrailer: boolean
  init: number
  card: ChannelAddress
  esam: ChannelAddress
}

const BASE_RESPONSE_OK = '0a020800'

const legacy33: Omit<FrameProfile, 'id'> = {
  kind: '33',
  handshake: false,
  authResponseBody: BASE_RESPONSE_OK,
  initResponseBody: BASE_RESPONSE_OK,
  chunkGapMs: 0,
  maxData: 95,
  snStart: 1,
  snMax: 15,
  outerSequence: 'zero',
  bodyTrailer: true,
  init: 0xa2,
  card: { command: 0xa3, dataType: 0x00 },
  esam: { command: 0xa7, dataType: 0x00 },
}

const national50: Omit<FrameProfile, 'id'> = {
  ...legacy33,
  kind: '50',
  handshake: true,
  maxData: 95,
  init: 0x80,
  card: { command: 0x82, dataType: 0x10 },
  esam: { command: 0x82, dataType: 0x20 },
}

/** Vendor profiles (illustrative names; the values are the differences the doc lists). */
export const FRAME_PROFILES = {
  legacy33: { id: 'legacy33', ...legacy33 },
  legacy33Handshake: {
    id: 'legacy33Handshake',
    ...legacy33,
    handshake: true,
    esam: { command: 0xa1, dataType: 0 },
  },
  legacy33SlowFixedSn: {
    id: 'legacy33SlowFixedSn',
    ...legacy33,
    chunkGapMs: 200,
    snStart: 1,
    snMax: 1,
    maxData: 64,
  },
  national50: { id: 'national50', ...national50 },
  national50NoHandshake: { id: 'national50NoHandshake', ...national50, handshake: false, chunkGapMs: 20 },
} satisfies Record<string, FrameProfile>

export type FrameProfileId = keyof typeof FRAME_PROFILES
