/**
 * The phone of the load tests: it relays APDUs between a virtual card and the load actions, as
 * the real phone does over Bluetooth or NFC. It builds no cryptography: the card's MACs come from
 * tools/virtual-card, the host's from the api's KeyService.
 */
import { randomBytes } from 'node:crypto'
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type CardDoc, type VehicleDoc } from '../../cloudfunctions/core/documents'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import type { Doc, Store } from '../../cloudfunctions/ports/store'
import { createApi } from '../../cloudfunctions/functions/api/app'
import type { Caller } from '../../cloudfunctions/functions/api/app'
import { ReplyLostError, VirtualCard } from '../../tools/virtual-card/card'
import { personalize } from '../../tools/virtual-card/personalize'
import type { ApiResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { apiCalls, readAll, seedDemoPerSuite, TestClock, wechatCallers, type Adapter } from './seededDemo'

export const loadStart = new Date('2026-11-30T02:00:00Z') // 10:00 in Shanghai
export const ZHANG = 'acc-p-01-zhangwei' // stored-value car 浙AD35288 with 200.00 unloaded; credit car 浙A8K2M7
export const OUYANG = 'acc-p-03-ouyangnana'

/** Demo master keys of the suite: the api's KeyService and the card's personalisation both start from them. */
export function masterKeys() {
  return { dlk: randomBytes(16), dtk: randomBytes(16) }
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase()
export const bytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'))

export async function cardOf(store: Store, accountId: string, type: 'stored' | 'credit') {
  const cards = (await readAll<CardDoc & Doc>(store, collections.cards)).filter(
    (c) => c.accountId === accountId && c.type === type && c.status === 'issued',
  )
  const card = cards[0]
  if (!card) throw new Error(`no ${type} card of ${accountId}`)
  const vehicle = await store.get<VehicleDoc & Doc>(collections.vehicles, card.vehicleId)
  return { card, plate: vehicle?.plate ?? '' }
}

export const LOAD_CAPTCHA = 'Xy3Q'

export function makeLoadSuite(name: string) {
  const demo = seedDemoPerSuite(name, loadStart)
  const master = masterKeys()
  const worlds: Array<{ close(): void }> = []
  afterEach(() => {
    while (worlds.length) worlds.pop()?.close()
  })

  async function makeWorld(adapter: Adapter, options: { keys?: boolean } = {}) {
    const store = demo.freshStore(adapter)
    worlds.push(store)
    const clock = new TestClock(loadStart.getTime())
    const api = createApi({
      store,
      sms: createOutboxSms(store, clock),
      clock,
      secrets: demo.secrets,
      // a known captcha: the outlet operator logs in (loadFlow.test.ts)
      captcha: { create: () => ({ text: LOAD_CAPTCHA, svg: '<svg/>' }) },
      ...(options.keys === false ? {} : { loadKeys: SoftwareKeyService.fromMasterKeys(master) }),
    })
    const { call, ok } = apiCalls(api)
    const as = wechatCallers(store, clock, name)
    const zhang = await as(ZHANG)
    const stored = await cardOf(store, ZHANG, 'stored')
    const unloaded = (cardId = stored.card.id) => balanceOf(store, { kind: 'cardUnloaded', cardId })
    const loaded = (cardId = stored.card.id) => balanceOf(store, { kind: 'cardLoaded', cardId })
    const loadTransfers = async () =>
      (await readAll<{ id: string; reason: string }>(store, collections.ledgerTransfers)).filter(
        (t) => t.reason === 'load',
      )
    /** The card in the car, personalised by the issuer from the same master keys (its own code). */
    const chip = (
      options: { balance?: number; onlineSerial?: number; cardNo?: string; algorithm?: '3des' | 'sm4' } = {},
    ) =>
      new VirtualCard(
        personalize({
          cardNo: options.cardNo ?? stored.card.cardNo,
          type: 'stored',
          balance: options.balance ?? 12_345,
          onlineSerial: options.onlineSerial ?? 41,
          algorithm: options.algorithm ?? '3des',
          plate: stored.plate,
          plateColor: 0,
          masterKeys: { mlk: hex(master.dlk), mtk: hex(master.dtk) },
        }),
      )
    return { store, clock, call, ok, as, zhang, stored, unloaded, loaded, loadTransfers, chip, master }
  }
  return { demo, makeWorld }
}

export type LoadWorld = Awaited<ReturnType<ReturnType<typeof makeLoadSuite>['makeWorld']>>

/** Sends one APDU: the reply's hex (data and SW), or 'lost' when the card applied it and the reply never came. */
export function send(card: VirtualCard, apdu: string): string | 'lost' {
  try {
    return hex(card.transceive(bytes(apdu)))
  } catch (error) {
    if (error instanceof ReplyLostError) return 'lost'
    throw error
  }
}

/** What the phone does after connecting: select the MF and the ETC application. */
export function connect(card: VirtualCard): void {
  card.reset()
  for (const apdu of ['00A40000023F00', '00A40000021001']) {
    const reply = send(card, apdu)
    if (reply === 'lost' || !reply.endsWith('9000')) throw new Error(`select failed: ${reply}`)
  }
}

export function sendOk(card: VirtualCard, apdu: string): string {
  const reply = send(card, apdu)
  if (reply === 'lost' || !reply.endsWith('9000')) throw new Error(`card refused ${apdu}: ${reply}`)
  return reply
}

const chinese = /[\u4e00-\u9fff]/
export function expectError(result: ApiResult, code: ErrorCode): void {
  if (result.ok) throw new Error(`expected ${code}, got ok: ${JSON.stringify(result.data)}`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
}

export type { Caller }
