/**
 * The phone's load flow (src/packages/load/flow.ts) end to end on both Store adapters: the real BLE
 * stack (adapter → connection → frames) over the simulated link to the virtual card box, and the
 * load actions through the api entry. Proves the receipt (after = before + amount), recovery after a
 * link lost at any packet of the write (never a double load, never a lost one), the credit-card
 * refusal with nothing written, and the same flow over NFC.
 */
import { collections } from '../../cloudfunctions/core/documents'
import { VirtualCard } from '../../tools/virtual-card/card'
import { createVirtualSetup, type VirtualSetup } from '../../tools/virtual-card/harness'
import type { VirtualClock } from '../../tools/virtual-card/clock'
import { fakeNfcAdapter } from '../../tools/virtual-card/nfc'
import {
  LoadFlow,
  CREDIT_CARD_REFUSED,
  PIN_LOCKED,
  type CardLink,
  type LoadAction,
  driverLoadApi,
  type LoadCaller,
  type LoadFlowOptions,
  type LoadKeyStore,
} from '../../src/packages/load/flow'
import { CardLinkError } from '../../src/ble/errors'
import { bleLink, nfcLink, scanEtcDevices, type DeviceProfiles } from '../../src/packages/load/links'
import { FRAME_PROFILES, type FrameProfileId } from '../../src/ble/frames/profiles'
import { ApiError } from '../../src/services/api/errors'
import type { NfcAdapterApi } from '../../src/ble/transport/nfc'
import type { ActionResponse } from '../../types'
import { adapters, readAll } from './seededDemo'
import { fen } from '../../types/money'
import { LOAD_CAPTCHA, makeLoadSuite, type LoadWorld } from './loadPhone'
import { outletLoadApiOver, type OutletLoadCaller } from '../../src/packages/outlet/outletLoadApi'
import { demoOutletOperator } from '../../tools/demo/seedOperators'
import type { Caller } from '../../cloudfunctions/functions/api/app'

const suite = makeLoadSuite('load-flow')

let keys = 0
const newKey = () => `flow-key-${String(++keys).padStart(6, '0')}`

/**
 * The api as the phone's client sees it: a refusal is an ApiError. `lose` drops the answers of the
 * first n calls of an action after the server did them (a network failure on the way back).
 */
function callerOf(w: LoadWorld, lose: Partial<Record<LoadAction, number>> = {}): LoadCaller {
  const left = { ...lose }
  return async (action, payload) => {
    const result = await w.call(action, payload, w.zhang)
    if ((left[action] ?? 0) > 0) {
      left[action] = (left[action] ?? 0) - 1
      throw ApiError.network()
    }
    if (!result.ok) throw ApiError.fromBody(result.error)
    return result.data as ActionResponse<typeof action>
  }
}

/**
 * Runs a promise with the virtual clock moving while timers wait, and real time passing while the
 * api does I/O (the clock's own run() stops when no timer is pending).
 */
async function drive<T>(clock: VirtualClock, promise: Promise<T>): Promise<T> {
  let settled = false
  const watched = promise.finally(() => {
    settled = true
  })
  watched.catch(() => undefined)
  while (!settled) {
    if (clock.pendingTimers > 0) await clock.advance(5)
    else await new Promise((resolve) => setTimeout(resolve, 1))
  }
  return watched
}

function bleFlow(
  w: LoadWorld,
  setup: VirtualSetup,
  lose: Partial<Record<LoadAction, number>> = {},
  extra: Pick<LoadFlowOptions, 'acceptedPin'> = {},
) {
  return new LoadFlow({
    api: driverLoadApi(callerOf(w, lose), w.stored.card.id),
    connect: bleLink(setup.adapter, setup.deviceId, { clock: setup.clock, profile: setup.profile }),
    newKey,
    ...extra,
  })
}

async function loadsOf(w: LoadWorld) {
  return (await readAll<{ id: string; state: string }>(w.store, collections.loads)).map((l) => l.state)
}

async function runToReceipt(flow: LoadFlow, clock: VirtualClock) {
  await drive(clock, flow.begin())
  expect(flow.state).toMatchObject({ phase: 'confirm', amount: 20_000, error: null })
  await drive(clock, flow.confirm())
  return flow.state
}

describe.each(adapters)('the load flow on %s', (adapter) => {
  test('scan, read, confirm, load: the receipt shows after = before + amount and the ledger moved once', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 12_345, onlineSerial: 41 })
    const setup = createVirtualSetup({ card })
    const devices = await drive(
      setup.clock,
      scanEtcDevices(setup.adapter, { clock: setup.clock, durationMs: 500 }),
    )
    expect(devices.map((d) => d.name)).toEqual(['ETC-OBU-1234'])

    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    expect(flow.state.card).toEqual({
      plate: '浙AD35288',
      cardNo: `${w.stored.card.cardNo.slice(0, 4)}*****${w.stored.card.cardNo.slice(-4)}`,
      cardType: '储值卡',
      balance: 12_345,
    })
    // the amount is shown before anything is written
    expect(flow.state).toMatchObject({ phase: 'confirm', amount: 20_000 })
    expect(card.state.balance).toBe(12_345)

    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({ phase: 'done', percent: 100, error: null })
    expect(flow.state.receipt).toMatchObject({ amount: 20_000, balanceBefore: 12_345, balanceAfter: 32_345 })
    expect(card.state).toMatchObject({ balance: 32_345, onlineSerial: 42 })
    expect(await w.unloaded()).toBe(0)
    expect(await w.loaded()).toBe(20_000)
    expect(await w.loadTransfers()).toHaveLength(1)
    expect(await loadsOf(w)).toEqual(['confirmed'])
  })

  test('the credit reply is lost: reconnect, a fresh init, load.recover, the proof confirms it: no double load', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 12_345, onlineSerial: 41 })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    card.loseNextReply(0x52) // the card credits, its answer never arrives
    await drive(setup.clock, flow.confirm())
    expect(flow.state.error).toBeNull()
    expect(flow.state.receipt).toMatchObject({ amount: 20_000, balanceBefore: 12_345, balanceAfter: 32_345 })
    expect(card.state).toMatchObject({ balance: 32_345, onlineSerial: 42 })
    expect(await w.loaded()).toBe(20_000)
    expect(await w.unloaded()).toBe(0)
    expect(await w.loadTransfers()).toHaveLength(1)
    expect(await loadsOf(w)).toEqual(['confirmed'])
  })

  test('a credit card is refused with a clear message and nothing is written', async () => {
    const w = await suite.makeWorld(adapter)
    const setup = createVirtualSetup({ card: { type: 'credit', cardNo: w.stored.card.cardNo } })
    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    expect(flow.state).toMatchObject({ phase: 'failed', error: CREDIT_CARD_REFUSED, retryable: false })
    expect(flow.state.amount).toBeNull()
    expect(await loadsOf(w)).toEqual([])
    expect(await w.unloaded()).toBe(20_000)
  })
})

describe('the load flow when an answer of the api is lost (sqlite)', () => {
  test('the MAC2 never arrives: 重试 reads the server state, a fresh init settles not_loaded, a new load writes once', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = w.chip({ balance: 700, onlineSerial: 2 })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup, { 'load.init': 1 })
    await drive(setup.clock, flow.begin())
    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({
      phase: 'failed',
      error: '网络异常，请检查网络后重试',
      retryable: true,
    })
    expect(card.state.balance).toBe(700)
    await drive(setup.clock, flow.retry())
    expect(flow.state).toMatchObject({ phase: 'done', error: null })
    expect(flow.state.receipt).toMatchObject({ balanceBefore: 700, balanceAfter: 20_700 })
    expect(card.state).toMatchObject({ balance: 20_700, onlineSerial: 3 })
    expect((await loadsOf(w)).sort()).toEqual(['confirmed', 'not_loaded'])
    expect(await w.loadTransfers()).toHaveLength(1)
  })

  test('the confirm answer is lost every time: 重试 finds the load confirmed and only reads the balance', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = w.chip({ balance: 700, onlineSerial: 2 })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup, { 'load.confirm': 3 })
    await drive(setup.clock, flow.begin())
    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({ phase: 'failed', retryable: true })
    expect(card.state.balance).toBe(20_700)
    await drive(setup.clock, flow.retry())
    expect(flow.state).toMatchObject({ phase: 'done', error: null })
    expect(flow.state.receipt).toMatchObject({ balanceBefore: 700, balanceAfter: 20_700 })
    expect(card.state).toMatchObject({ balance: 20_700, onlineSerial: 3 })
    expect(await loadsOf(w)).toEqual(['confirmed'])
    expect(await w.loadTransfers()).toHaveLength(1)
  })

  test("Alipay's BLE (hex strings through Taro's renamed calls) runs the same flow", async () => {
    const w = await suite.makeWorld('sqlite')
    const card = w.chip({ balance: 0, onlineSerial: 0 })
    const setup = createVirtualSetup({ card, platform: 'alipay' })
    const state = await runToReceipt(bleFlow(w, setup), setup.clock)
    expect(state.receipt).toMatchObject({ balanceBefore: 0, balanceAfter: 20_000 })
    expect(card.state.balance).toBe(20_000)
  })
})

describe('the open load is picked up again by the next visit (sqlite)', () => {
  function memoryKeys(): LoadKeyStore & { all: Map<string, string> } {
    const all = new Map<string, string>()
    return {
      all,
      get: (cardId) => all.get(cardId) ?? null,
      set: (cardId, key) => void all.set(cardId, key),
      clear: (cardId) => void all.delete(cardId),
    }
  }

  function flowWith(w: LoadWorld, connect: () => Promise<CardLink>, keys: LoadKeyStore) {
    return new LoadFlow({ api: driverLoadApi(callerOf(w), w.stored.card.id), connect, newKey, keys })
  }

  test('left at the confirm dialog: the next visit gets the same load, not 该卡正在进行另一笔圈存', async () => {
    const w = await suite.makeWorld('sqlite')
    const setup = createVirtualSetup({ card: w.chip({ balance: 100, onlineSerial: 1 }) })
    const keys = memoryKeys()
    const connect = bleLink(setup.adapter, setup.deviceId, { clock: setup.clock })
    const first = flowWith(w, connect, keys)
    await drive(setup.clock, first.begin())
    expect(first.state.phase).toBe('confirm')
    await drive(setup.clock, first.close())

    const second = flowWith(w, connect, keys)
    const state = await runToReceipt(second, setup.clock)
    expect(state.receipt).toMatchObject({ balanceBefore: 100, balanceAfter: 20_100 })
    expect(await loadsOf(w)).toEqual(['confirmed'])
    expect(keys.all.size).toBe(0)
  })

  test('interrupted after the credit and out of reach: the next visit recovers it, loaded once', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = w.chip({ balance: 100, onlineSerial: 1 })
    const setup = createVirtualSetup({ card })
    const keys = memoryKeys()
    const connect = bleLink(setup.adapter, setup.deviceId, { clock: setup.clock })
    let connections = 0
    const thenOutOfReach = () =>
      ++connections === 1
        ? connect()
        : Promise.reject(new CardLinkError('BLE_CONNECT_FAILED', 'out of reach'))
    const first = flowWith(w, thenOutOfReach, keys)
    await drive(setup.clock, first.begin())
    card.loseNextReply(0x52)
    await drive(setup.clock, first.confirm())
    expect(first.state).toMatchObject({ phase: 'failed', retryable: true, error: '连接设备失败，请重试' })
    expect(card.state.balance).toBe(20_100) // the card did credit
    await drive(setup.clock, first.close())

    const second = flowWith(w, connect, keys)
    const state = await runToReceipt(second, setup.clock)
    expect(state.receipt).toMatchObject({ balanceBefore: 100, balanceAfter: 20_100 })
    expect(card.state).toMatchObject({ balance: 20_100, onlineSerial: 2 })
    expect(await loadsOf(w)).toEqual(['confirmed'])
    expect(await w.loadTransfers()).toHaveLength(1)
  })
})

describe('the load flow when the link drops at any packet of the write (sqlite)', () => {
  test('every drop point: recovered to a receipt, card and ledger agree, loaded exactly once', async () => {
    // the packets the link carries from the confirm to the receipt in an undisturbed load
    const calm = await suite.makeWorld('sqlite')
    const calmSetup = createVirtualSetup({ card: calm.chip() })
    const calmFlow = bleFlow(calm, calmSetup)
    await drive(calmSetup.clock, calmFlow.begin())
    const before = calmSetup.link.packets.length
    await drive(calmSetup.clock, calmFlow.confirm())
    const writePackets = calmSetup.link.packets.length - before
    expect(writePackets).toBeGreaterThan(10)

    const histories = new Set<string>()
    for (let packet = 1; packet <= writePackets; packet++) {
      const w = await suite.makeWorld('sqlite')
      const card: VirtualCard = w.chip({ balance: 500, onlineSerial: 7 })
      const setup = createVirtualSetup({ card })
      const flow = bleFlow(w, setup)
      await drive(setup.clock, flow.begin())
      setup.link.dropAt(packet)
      await drive(setup.clock, flow.confirm())
      const where = `drop at packet ${packet}`
      expect({ where, error: flow.state.error, phase: flow.state.phase }).toEqual({
        where,
        error: null,
        phase: 'done',
      })
      expect({ where, card: card.state.balance, serial: card.state.onlineSerial }).toEqual({
        where,
        card: 20_500,
        serial: 8,
      })
      expect({ where, loaded: await w.loaded(), transfers: (await w.loadTransfers()).length }).toEqual({
        where,
        loaded: 20_000,
        transfers: 1,
      })
      expect(flow.state.receipt).toMatchObject({ balanceBefore: 500, balanceAfter: 20_500 })
      histories.add((await loadsOf(w)).sort().join(','))
      await drive(setup.clock, flow.close())
    }
    // both recovery verdicts were exercised: the credit had not happened (a new load), or it had
    expect([...histories].sort()).toEqual(['confirmed', 'confirmed,not_loaded'])
  }, 120_000)
})

describe('the same flow over NFC (WeChat IsoDep)', () => {
  /** The driver holds the card to the phone whenever the flow starts listening. */
  function tapping(nfc: ReturnType<typeof fakeNfcAdapter>): NfcAdapterApi {
    return {
      startDiscovery: (o) =>
        nfc.startDiscovery({
          ...o,
          success: (r) => {
            o.success?.(r)
            nfc.tap()
          },
        }),
      stopDiscovery: (o) => nfc.stopDiscovery(o),
      onDiscovered: (cb) => nfc.onDiscovered(cb),
      offDiscovered: (cb) => nfc.offDiscovered?.(cb),
      getIsoDep: () => nfc.getIsoDep(),
    }
  }

  test.each(['android', 'ios'] as const)('a full load on %s', async (os) => {
    const w = await suite.makeWorld('sqlite')
    const card = w.chip({ balance: 1_000, onlineSerial: 3 })
    const setup = createVirtualSetup({ card })
    const flow = new LoadFlow({
      api: driverLoadApi(callerOf(w), w.stored.card.id),
      connect: nfcLink(tapping(fakeNfcAdapter(card, { os })), { clock: setup.clock }),
      newKey,
    })
    const state = await runToReceipt(flow, setup.clock)
    expect(state.receipt).toMatchObject({ amount: 20_000, balanceBefore: 1_000, balanceAfter: 21_000 })
    expect(card.state.balance).toBe(21_000)
    expect(await w.loadTransfers()).toHaveLength(1)
  })
})

describe('a card that asks for its PIN (sqlite)', () => {
  /** The same personalised chip, with the issuer's PIN check on INITIALIZE FOR LOAD. */
  function pinChip(w: LoadWorld, pin: { pin?: string; pinTries?: number }): VirtualCard {
    return new VirtualCard({
      ...w.chip({ balance: 700, onlineSerial: 2 }).options,
      pinRequired: true,
      ...pin,
    })
  }

  test("the issuer's default PIN is sent once, silently, and the load completes", async () => {
    const w = await suite.makeWorld('sqlite')
    const card = pinChip(w, {})
    const setup = createVirtualSetup({ card })
    const state = await runToReceipt(bleFlow(w, setup), setup.clock)
    expect(state).toMatchObject({ phase: 'done', error: null, pinTriesLeft: null })
    expect(state.receipt).toMatchObject({ balanceBefore: 700, balanceAfter: 20_700 })
    expect(card.state).toMatchObject({ balance: 20_700, pinTriesLeft: 3 })
    expect(await w.loadTransfers()).toHaveLength(1)
  })

  test('another PIN: the user is asked, a wrong entry costs exactly one try and asks again, the right one loads', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = pinChip(w, { pin: '654321', pinTries: 5 })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    await drive(setup.clock, flow.confirm())
    // the default PIN was tried once and cost one try; nothing more is sent until the user types
    expect(flow.state).toMatchObject({ phase: 'pin', pinTriesLeft: 4, error: null })
    expect(card.state.pinTriesLeft).toBe(4)
    expect(card.issuedRandoms).toHaveLength(0)
    expect(await loadsOf(w)).toEqual(['created'])

    await drive(setup.clock, flow.submitPin('111111'))
    expect(flow.state).toMatchObject({ phase: 'pin', pinTriesLeft: 3 })
    expect(card.state.pinTriesLeft).toBe(3)
    expect(card.state.balance).toBe(700)

    // a malformed entry never reaches the card
    await drive(setup.clock, flow.submitPin('12a'))
    expect(flow.state).toMatchObject({ phase: 'pin', pinTriesLeft: 3 })
    expect(flow.state.error).toContain('密码格式不正确')
    expect(card.state.pinTriesLeft).toBe(3)

    await drive(setup.clock, flow.submitPin('654321'))
    expect(flow.state).toMatchObject({ phase: 'done', error: null, pinTriesLeft: null })
    expect(flow.state.receipt).toMatchObject({ balanceBefore: 700, balanceAfter: 20_700 })
    // a right PIN restores the counter, as the chip does
    expect(card.state).toMatchObject({ balance: 20_700, onlineSerial: 3, pinTriesLeft: 5 })
    expect(await loadsOf(w)).toEqual(['confirmed'])
    expect(await w.loadTransfers()).toHaveLength(1)
  })

  test('a PIN the card accepted at the outlet’s reading: the load sends it, spends no try on the default and asks nothing', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = pinChip(w, { pin: '654321', pinTries: 3 })
    const setup = createVirtualSetup({ card })
    const state = await runToReceipt(bleFlow(w, setup, {}, { acceptedPin: '654321' }), setup.clock)
    expect(state).toMatchObject({ phase: 'done', error: null, pinTriesLeft: null })
    expect(state.receipt).toMatchObject({ balanceBefore: 700, balanceAfter: 20_700 })
    expect(card.state).toMatchObject({ balance: 20_700, pinTriesLeft: 3 })
    expect(await w.loadTransfers()).toHaveLength(1)
  })

  test('the credit reply is lost on a PIN card: the fresh init for load.recover goes after the accepted PIN, no new try lost', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = pinChip(w, { pin: '654321' })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({ phase: 'pin', pinTriesLeft: 2 })
    card.loseNextReply(0x52)
    await drive(setup.clock, flow.submitPin('654321'))
    expect(flow.state).toMatchObject({ phase: 'done', error: null })
    expect(flow.state.receipt).toMatchObject({ balanceBefore: 700, balanceAfter: 20_700 })
    // two inits (the load, then the fresh one for load.recover), one credit, no wrong PIN sent again
    expect(card.issuedRandoms).toHaveLength(2)
    expect(card.state).toMatchObject({ balance: 20_700, onlineSerial: 3, pinTriesLeft: 3 })
    expect(await loadsOf(w)).toEqual(['confirmed'])
    expect(await w.loadTransfers()).toHaveLength(1)
  })

  test('a PIN-locked card (6983) stops with the outlet message: no init, no MAC2, the ledger unchanged', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = pinChip(w, { pin: '654321', pinTries: 0 })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({ phase: 'failed', error: PIN_LOCKED, retryable: false })
    expect(flow.state.error).toContain('网点')
    expect(card.issuedRandoms).toHaveLength(0)
    expect(card.state).toMatchObject({ balance: 700, onlineSerial: 2, pinTriesLeft: 0 })
    expect(await loadsOf(w)).toEqual(['created'])
    expect(await w.unloaded()).toBe(20_000)
    expect(await w.loaded()).toBe(0)
    expect(await w.loadTransfers()).toHaveLength(0)
  })

  test('the last wrong entry locks the card: the flow stops instead of asking again', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = pinChip(w, { pin: '654321', pinTries: 2 })
    const setup = createVirtualSetup({ card })
    const flow = bleFlow(w, setup)
    await drive(setup.clock, flow.begin())
    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({ phase: 'pin', pinTriesLeft: 1 })
    await drive(setup.clock, flow.submitPin('111111'))
    expect(flow.state).toMatchObject({ phase: 'failed', error: PIN_LOCKED, retryable: false })
    expect(card.state).toMatchObject({ balance: 700, pinTriesLeft: 0 })
    expect(card.issuedRandoms).toHaveLength(0)
    expect(await w.loadTransfers()).toHaveLength(0)
  })
})

describe('the vendor profile of a device seen for the first time', () => {
  function memory() {
    const found = new Map<string, FrameProfileId>()
    const profiles: DeviceProfiles = {
      get: (deviceId) => found.get(deviceId) ?? null,
      set: (deviceId, profile) => void found.set(deviceId, profile),
    }
    return { found, profiles }
  }

  test.each(['legacy33', 'national50', 'legacy33Handshake', 'national50NoHandshake'] as const)(
    'a %s device is found by its answer, remembered, and loads',
    async (id) => {
      const w = await suite.makeWorld('sqlite')
      const card = w.chip({ balance: 5_000, onlineSerial: 7 })
      const setup = createVirtualSetup({ card, profile: FRAME_PROFILES[id] })
      const { found, profiles } = memory()
      const flow = new LoadFlow({
        api: driverLoadApi(callerOf(w), w.stored.card.id),
        connect: bleLink(setup.adapter, setup.deviceId, { clock: setup.clock, profiles }),
        newKey,
      })
      const state = await runToReceipt(flow, setup.clock)
      expect(state.receipt).toMatchObject({ amount: 20_000, balanceBefore: 5_000, balanceAfter: 25_000 })
      expect(card.state.balance).toBe(25_000)
      expect(found.get(setup.deviceId)).toBe(id)
      expect(await w.loadTransfers()).toHaveLength(1)

      // the next connection goes straight to the card: no status probe reaches the device again
      const probes = setup.obu.log.filter((l) => l.command === FRAME_PROFILES[id].init).length
      const again = await drive(
        setup.clock,
        bleLink(setup.adapter, setup.deviceId, { clock: setup.clock, profiles })(),
      )
      await drive(setup.clock, Promise.resolve(again.close()))
      expect(setup.obu.log.filter((l) => l.command === FRAME_PROFILES[id].init)).toHaveLength(probes)
    },
  )

  test('a device that answers no known profile stops with a clear message, and nothing is written', async () => {
    const w = await suite.makeWorld('sqlite')
    const card = w.chip({ balance: 5_000, onlineSerial: 7 })
    const unknown = {
      ...FRAME_PROFILES.legacy33,
      id: 'unknown',
      init: 0xa9,
      card: { command: 0xa8, dataType: 0 },
    }
    const setup = createVirtualSetup({ card, profile: unknown })
    const { found, profiles } = memory()
    const flow = new LoadFlow({
      api: driverLoadApi(callerOf(w), w.stored.card.id),
      connect: bleLink(setup.adapter, setup.deviceId, { clock: setup.clock, profiles }),
      newKey,
    })
    await drive(setup.clock, flow.begin())
    expect(flow.state).toMatchObject({
      phase: 'failed',
      error: new CardLinkError('DEVICE_UNSUPPORTED').message,
    })
    expect(found.size).toBe(0)
    expect(card.state.balance).toBe(5_000)
    expect(await loadsOf(w)).toEqual([])
  })
})

describe('an outlet operator runs the same flow (outlet.load.*, sqlite)', () => {
  async function operatorOf(w: LoadWorld): Promise<Caller> {
    const http = (token: string | null = null): Caller => ({ platform: 'http', token, ip: '10.0.0.9' })
    const { captchaId } = await w.ok('auth.captcha', {}, http())
    const session = await w.ok(
      'operator.login',
      {
        loginName: demoOutletOperator.loginName,
        password: demoOutletOperator.password,
        captchaId,
        captchaText: LOAD_CAPTCHA,
      },
      http(),
    )
    return http(session.token)
  }

  test('the MAC2 answer is lost: the fresh init settles not_loaded, the restart re-loads that 未圈存 record, written once', async () => {
    const w = await suite.makeWorld('sqlite')
    const operator = await operatorOf(w)
    let lostInits = 1
    const call: OutletLoadCaller = async (action, payload) => {
      const result = await w.call(action, payload, operator)
      if (action === 'outlet.load.init' && lostInits-- > 0) throw ApiError.network()
      if (!result.ok) throw ApiError.fromBody(result.error)
      return result.data as ActionResponse<typeof action>
    }
    const card = w.chip({ balance: 700, onlineSerial: 2 })
    const setup = createVirtualSetup({ card })
    const flow = new LoadFlow({
      api: outletLoadApiOver(call, { intentId: 'orc-test', amount: fen(5_000) }),
      connect: bleLink(setup.adapter, setup.deviceId, { clock: setup.clock, profile: setup.profile }),
      newKey,
    })
    await drive(setup.clock, flow.begin())
    expect(flow.state).toMatchObject({ phase: 'confirm', amount: 5_000 })
    await drive(setup.clock, flow.confirm())
    expect(flow.state).toMatchObject({ phase: 'failed', retryable: true })
    expect(card.state.balance).toBe(700)

    await drive(setup.clock, flow.retry())
    expect(flow.state).toMatchObject({ phase: 'done', error: null })
    expect(flow.state.receipt).toMatchObject({ amount: 5_000, balanceBefore: 700, balanceAfter: 5_700 })
    expect(card.state).toMatchObject({ balance: 5_700, onlineSerial: 3 })
    // the first load is the outlet's 未圈存 record, re-loaded by the second
    const loads = await readAll<{
      id: string
      state: string
      reloadOf?: string | null
      reloadedBy?: string | null
    }>(w.store, collections.loads)
    const first = loads.find((l) => l.state === 'not_loaded')
    const second = loads.find((l) => l.state === 'confirmed')
    expect(first?.reloadedBy).toBe(second?.id)
    expect(second?.reloadOf).toBe(first?.id)
    expect(await w.loadTransfers()).toHaveLength(1)
    expect(await w.unloaded()).toBe(20_000 - 5_000)
  })
})
