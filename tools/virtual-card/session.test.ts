// Whole card sessions through the real codec and transport over the simulated link.
import fc from 'fast-check'
import {
  readCard,
  initializeForLoad,
  creditForLoad,
  getBalance,
  getTransactionProof,
  selectEtc,
  type CardChannel,
} from '../../src/ble/apdu'
import { FRAME_PROFILES, type FrameProfile } from '../../src/ble/frames/profiles'
import type { BlePlatform } from '../../src/ble/transport/platformApi'
import { CardLinkError } from '../../src/ble/errors'
import { sleep } from '../../src/ble/transport/clock'
import { hexToBytes, loadSessionKey, sessionMac, tac as cardTac } from './cardCrypto'
import { createVirtualSetup, DEMO_CARD, type VirtualSetup } from './harness'
import { seededRandom } from './link'

const matrix: Array<[string, FrameProfile, BlePlatform]> = [
  ['33 frame, WeChat', FRAME_PROFILES.legacy33, 'weapp'],
  ['33 frame with handshake, Alipay', FRAME_PROFILES.legacy33Handshake, 'alipay'],
  ['50 frame with handshake, WeChat', FRAME_PROFILES.national50, 'weapp'],
  ['50 frame without handshake, Alipay', FRAME_PROFILES.national50NoHandshake, 'alipay'],
  ['33 frame slow fixed-SN vendor, WeChat', FRAME_PROFILES.legacy33SlowFixedSn, 'weapp'],
]

const TERMINAL = '818688168156'

/** The host's part of a load (the KeyService's job on the server), from the doc's arithmetic. */
function hostMac2(init: { random: string; onlineSerial: number }, amount: number, dateTime: string): string {
  const sk = loadSessionKey(
    '3des',
    hexToBytes(DEMO_CARD.keys.dlk),
    hexToBytes(init.random),
    init.onlineSerial,
  )
  const data = Buffer.concat([
    Buffer.alloc(4),
    Buffer.from([0x02]),
    hexToBytes(TERMINAL),
    hexToBytes(dateTime),
  ])
  data.writeUInt32BE(amount, 0)
  return sessionMac('3des', sk, data).toString('hex').toUpperCase()
}

function hostMac1Ok(
  init: { random: string; onlineSerial: number; oldBalance: number; mac1: string },
  amount: number,
): boolean {
  const sk = loadSessionKey(
    '3des',
    hexToBytes(DEMO_CARD.keys.dlk),
    hexToBytes(init.random),
    init.onlineSerial,
  )
  const data = Buffer.alloc(8)
  data.writeUInt32BE(init.oldBalance, 0)
  data.writeUInt32BE(amount, 4)
  return (
    sessionMac('3des', sk, Buffer.concat([data, Buffer.from([0x02]), hexToBytes(TERMINAL)]))
      .toString('hex')
      .toUpperCase() === init.mac1
  )
}

describe.each(matrix)('%s', (_name, profile, platform) => {
  it('reads the card: select, 0015, balance', async () => {
    const setup = createVirtualSetup({ profile, platform })
    const reading = await setup.run(setup.connect().then((channel) => readCard(channel)))
    expect(reading.balance).toBe(8000)
    expect(reading.file.cardNo).toBe('33010123456789012345')
    expect(reading.file.plate).toBe('浙AD35288')
    expect(reading.file.plateColor).toBe(4)
    expect(reading.file.cardKind).toBe('stored')
    // every packet the phone wrote fit the 20-byte MTU
    expect(setup.link.packets.filter((p) => p.direction === 'up').every((p) => p.bytes.length <= 20)).toBe(
      true,
    )
  })

  it('initializes for load (PIN in the same message) and credits with a host MAC2', async () => {
    const setup = createVirtualSetup({ profile, platform, card: { pinRequired: true } })
    const result = await setup.run(
      (async () => {
        const channel = await setup.connect()
        await readCard(channel)
        const init = await initializeForLoad(channel, {
          keyIndex: 1,
          amount: 1000,
          terminal: TERMINAL,
          pin: '123456',
        })
        expect(hostMac1Ok(init, 1000)).toBe(true)
        const credit = await creditForLoad(
          channel,
          '20261202',
          '120000',
          hostMac2(init, 1000, '20261202120000'),
        )
        return { init, credit, balance: await getBalance(channel) }
      })(),
    )
    expect(result.init).toMatchObject({ oldBalance: 8000, onlineSerial: 12, keyVersion: 2, algorithmId: 0 })
    expect(result.balance).toBe(9000)
    expect(setup.card.state.onlineSerial).toBe(13)
    expect(result.credit.tac).toHaveLength(8)
  })
})

describe('the device', () => {
  it('answers the ESAM channel and the status command', async () => {
    const setup = createVirtualSetup({ profile: FRAME_PROFILES.national50 })
    const [select, info] = await setup.run(
      setup.connect().then((c) => c.esam([hexToBytes('00A40000023F00'), hexToBytes('00B081001B')])),
    )
    expect(Buffer.from(select).toString('hex')).toBe('9000')
    expect(info.length).toBe(29)
    const status = await setup.run(setup.connect().then((c) => c.deviceStatus()))
    expect(status[1]).toBe(FRAME_PROFILES.national50.maxData)
  })

  it('reports a card box without a card as a transport status error', async () => {
    const setup = createVirtualSetup()
    setup.obu.insertCard(null)
    const error = await setup.run(setup.connect().then((c) => readCard(c))).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'FRAME_TRANSPORT_STATUS',
      message: '设备读卡失败，请确认卡片已插好后重试',
    })
  })
})

/**
 * The recovery rules of load-protocol.md §6 played by a test host: after any failure, reconnect,
 * select, INITIALIZE FOR LOAD again (MAC1 checked) and compare balance and serial with the first init.
 */
type Path = 'credited at once' | 'credit confirmed after reconnect' | 'not credited, loaded again'

async function loadWithRecovery(
  setup: VirtualSetup,
  amount: number,
): Promise<{ attempts: number; path: Path }> {
  let first: { oldBalance: number; onlineSerial: number; mac2: string } | null = null
  for (let attempt = 1; attempt <= 30; attempt++) {
    let channel: CardChannel | null = null
    try {
      const ble = await setup.connect()
      channel = ble
      if (!first) {
        await readCard(ble)
        const init = await initializeForLoad(ble, { keyIndex: 1, amount, terminal: TERMINAL })
        if (!hostMac1Ok(init, amount)) throw new Error('MAC1 wrong')
        const mac2 = hostMac2(init, amount, '20261202120000')
        first = { oldBalance: init.oldBalance, onlineSerial: init.onlineSerial, mac2 }
        await creditForLoad(ble, '20261202', '120000', mac2)
        return { attempts: attempt, path: 'credited at once' }
      }
      await selectEtc(ble)
      const again = await initializeForLoad(ble, { keyIndex: 1, amount, terminal: TERMINAL })
      if (!hostMac1Ok(again, amount)) throw new Error('MAC1 wrong')
      if (again.onlineSerial === first.onlineSerial + 1 && again.oldBalance === first.oldBalance + amount) {
        const proof = await getTransactionProof(ble, first.onlineSerial)
        expect(proof.mac2).toBe(first.mac2)
        return { attempts: attempt, path: 'credit confirmed after reconnect' }
      }
      if (again.onlineSerial !== first.onlineSerial || again.oldBalance !== first.oldBalance)
        throw new Error('uncertain')
      // not loaded: a new MAC2 for the new init, never the old one
      const mac2 = hostMac2(again, amount, '20261202120100')
      first = { oldBalance: first.oldBalance, onlineSerial: first.onlineSerial, mac2 }
      await creditForLoad(ble, '20261202', '120100', mac2)
      return { attempts: attempt, path: 'not credited, loaded again' }
    } catch (e) {
      if (!(e instanceof CardLinkError)) throw e
      expect(e.message).toMatch(/[\u4e00-\u9fa5]/)
      await sleep(setup.clock, 1000)
    } finally {
      void channel
    }
  }
  throw new Error('no recovery after 30 attempts')
}

describe('link faults', () => {
  const amount = 2500

  it.each([FRAME_PROFILES.legacy33, FRAME_PROFILES.national50])(
    'a drop at every packet of a load recovers to exactly one credit ($id)',
    async (profile) => {
      const clean = createVirtualSetup({ profile })
      await clean.run(loadWithRecovery(clean, amount))
      const total = clean.link.packets.length
      expect(clean.card.state.balance).toBe(8000 + amount)
      expect(total).toBeGreaterThan(10)
      const paths = new Set<Path>()
      for (let k = 1; k <= total; k++) {
        const setup = createVirtualSetup({ profile })
        setup.link.dropAt(k)
        paths.add((await setup.run(loadWithRecovery(setup, amount))).path)
        expect({ k, balance: setup.card.state.balance, serial: setup.card.state.onlineSerial }).toEqual({
          k,
          balance: 8000 + amount,
          serial: 13,
        })
        expect(setup.link.disconnects).toBe(1)
      }
      // drops before the init (start over), before the credit applied (load again) and after it (reply lost)
      expect([...paths].sort()).toEqual([
        'credit confirmed after reconnect',
        'credited at once',
        'not credited, loaded again',
      ])
    },
  )

  it('random drops, losses, latency and duplicate notifications never load twice or lose the load', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.values(FRAME_PROFILES)),
        fc.constantFrom<BlePlatform>('weapp', 'alipay'),
        fc.integer({ min: 1, max: 120 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer(),
        async (profile, platform, dropAt, lossRate, duplicateRate, latencyMs, seed) => {
          const setup = createVirtualSetup({
            profile,
            platform,
            link: { lossRate, duplicateRate, latencyMs, random: seededRandom(seed) },
          })
          setup.link.dropAt(dropAt)
          await setup.run(loadWithRecovery(setup, amount))
          expect(setup.card.state.balance).toBe(8000 + amount)
          expect(setup.card.state.onlineSerial).toBe(13)
          expect(setup.card.state.records).toHaveLength(1)
        },
      ),
      { numRuns: 40 },
    )
  })

  it('the TAC the card returns verifies with the card TAC key', async () => {
    const setup = createVirtualSetup()
    const tacHex = await setup.run(
      (async () => {
        const channel = await setup.connect()
        await readCard(channel)
        const init = await initializeForLoad(channel, { keyIndex: 1, amount: 100, terminal: TERMINAL })
        return (await creditForLoad(channel, '20261202', '120000', hostMac2(init, 100, '20261202120000'))).tac
      })(),
    )
    const data = Buffer.alloc(10)
    data.writeUInt32BE(8100, 0)
    data.writeUInt16BE(12, 4)
    data.writeUInt32BE(100, 6)
    const expected = cardTac(
      '3des',
      hexToBytes(DEMO_CARD.keys.dtk),
      Buffer.concat([data, Buffer.from([2]), hexToBytes(TERMINAL), hexToBytes('20261202120000')]),
    )
    expect(tacHex).toBe(expected.toString('hex').toUpperCase())
  })
})
