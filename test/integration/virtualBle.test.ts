/**
 * The H5 build's roadside load against the local server's virtual card boxes: the real H5 platform
 * adapter (src/ble/transport/h5Bridge.ts, with `ws` standing in for the browser's WebSocket) under
 * the real BleAdapter → BleConnection → BleCardChannel stack, over /dev/ble, to a VirtualObu whose
 * card was personalised from the server's demo master keys. The load runs through the server's
 * HTTP api after an SMS login, as the H5 pages do: after = before + amount, the ledger moved once.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type CardDoc } from '../../cloudfunctions/core/documents'
import { balanceOf } from '../../cloudfunctions/core/ledger'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Doc } from '../../cloudfunctions/ports/store'
import { getBalance, readCard } from '../../src/ble/apdu/session'
import { CardLinkError } from '../../src/ble/errors'
import { FRAME_PROFILES } from '../../src/ble/frames/profiles'
import { profileOf } from '../../tools/server/virtualBle'
import { BleAdapter } from '../../src/ble/transport/adapter'
import { BleCardChannel } from '../../src/ble/transport/bleChannel'
import { BleConnection, scanDevices } from '../../src/ble/transport/connection'
import { createH5BridgeApi, type BridgeSocket } from '../../src/ble/transport/h5Bridge'
import { seedDemo } from '../../tools/demo/seed'
import { zhouTaoDemo } from '../../tools/demo/seedAccounts'
import { generateSecrets } from '../../tools/server/secrets'
import { createLocalServer, type LocalServer } from '../../tools/server/server'
import type { ActionName, ActionResponse, ApiResult } from '../../types/api'
import { readAll } from './seededDemo'

const START = Date.parse('2026-11-30T10:00:00+08:00')
const ZHANG = 'acc-p-01-zhangwei' // 13800138000: stored-value car 浙AD35288 with 200.00 unloaded

let dir: string
let server: LocalServer
let now = START
const clock: Clock = { now: () => new Date(now) }
const master = { dlk: randomBytes(16), dtk: randomBytes(16) }
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase()
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'))
const adapters: BleAdapter[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'etc-virtual-ble-'))
  const secrets = generateSecrets()
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock,
    secrets,
    h5Dir: dir,
    paymentSandbox: false,
    loadKeys: SoftwareKeyService.fromMasterKeys(master),
    virtualBle: { masterKeys: { mlk: hex(master.dlk), mtk: hex(master.dtk) } },
  })
  await seedDemo(server.store, secrets, clock.now())
}, 60_000)

afterEach(async () => {
  while (adapters.length)
    await adapters
      .pop()
      ?.close()
      .catch(() => undefined)
})

afterAll(async () => {
  await server?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function bridgeAdapter(origin?: string): BleAdapter {
  const url = `${server.url.replace(/^http/, 'ws')}/dev/ble`
  const api = createH5BridgeApi({
    url,
    connect: (u) => new WebSocket(u, origin ? { origin } : {}) as unknown as BridgeSocket,
  })
  const adapter = new BleAdapter(api, 'weapp')
  adapters.push(adapter)
  return adapter
}

async function post(action: string, payload: unknown, token?: string): Promise<ApiResult> {
  const res = await fetch(`${server.url}/api`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ action, payload }),
  })
  return (await res.json()) as ApiResult
}

async function ok<A extends ActionName>(
  action: A,
  payload: unknown,
  token: string,
): Promise<ActionResponse<A>> {
  const result = await post(action, payload, token)
  if (!result.ok) throw new Error(`${action}: ${JSON.stringify(result.error)}`)
  return result.data as ActionResponse<A>
}

async function login(phone: string, accountId: string): Promise<string> {
  now += 120_000 // past the per-phone cooldown of an earlier code
  const sent = await post('auth.sendSmsCode', { phone, userType: 'personal' })
  if (!sent.ok) throw new Error(`sendSmsCode: ${JSON.stringify(sent.error)}`)
  const code = (await listOutbox(server.store, 20)).find((m) => m.phone === phone)?.code
  const logged = await post('auth.loginBySms', { phone, code, userType: 'personal' })
  if (!logged.ok) throw new Error(`loginBySms: ${JSON.stringify(logged.error)}`)
  const result = logged.data as ActionResponse<'auth.loginBySms'>
  if (result.next === 'home' && result.account.id === accountId && result.token) return result.token
  const switched = await post('auth.switchAccount', { accountId }, result.token)
  if (!switched.ok) throw new Error(`switchAccount: ${JSON.stringify(switched.error)}`)
  return (switched.data as ActionResponse<'auth.switchAccount'>).token as string
}

async function storedCardOf(accountId: string) {
  const cards = (await readAll<CardDoc & Doc>(server.store, collections.cards)).filter(
    (c) => c.accountId === accountId && c.type === 'stored' && c.status === 'issued',
  )
  const [card] = cards
  if (!card || card.type !== 'stored') throw new Error(`no stored-value card of ${accountId}`)
  return card
}

async function openChannel(adapter: BleAdapter, name: string) {
  await adapter.open()
  const devices = await scanDevices(adapter, { durationMs: 100 })
  const device = devices.find((d) => d.name === name)
  if (!device) throw new Error(`${name} not in ${devices.map((d) => d.name).join(', ')}`)
  const connection = await BleConnection.open(adapter, device.deviceId, { settleMs: 0 })
  // the box's own vendor profile (the boxes take turns, as the pages' probe finds out)
  const box = (await server.virtualBle?.boxes())?.find((b) => b.deviceId === device.deviceId)
  if (!box) throw new Error(`no box behind ${device.deviceId}`)
  const channel = new BleCardChannel(connection, FRAME_PROFILES[profileOf(box.cardId)])
  await channel.ready()
  return { connection, channel, device }
}

test('the scan lists a virtual box per demo stored-value car, advertising the ETC service', async () => {
  const adapter = bridgeAdapter()
  await adapter.open()
  const names = (await scanDevices(adapter, { durationMs: 100 })).map((d) => d.name)
  expect(names).toEqual(
    expect.arrayContaining(['ETC-OBU 浙AD35288', ...zhouTaoDemo.cars.map((c) => `ETC-OBU ${c.plate}`)]),
  )
  // credit cards have no purse to load: 张伟's credit car has no box
  expect(names).not.toContain('ETC-OBU 浙A8K2M7')
})

test('H5 reads 张伟’s card through the box and loads his 200.00 through the saga: after = before + amount, ledger moved once', async () => {
  const token = await login('13800138000', ZHANG)
  const stored = await storedCardOf(ZHANG)
  const unloaded = () => balanceOf(server.store, { kind: 'cardUnloaded', cardId: stored.id })
  const loaded = () => balanceOf(server.store, { kind: 'cardLoaded', cardId: stored.id })
  expect(await unloaded()).toBe(20_000)

  const { channel, connection } = await openChannel(bridgeAdapter(), 'ETC-OBU 浙AD35288')
  const reading = await readCard(channel)
  expect(reading.file).toMatchObject({ cardNo: stored.cardNo, plate: '浙AD35288', plateColor: 4 })
  expect(reading.file.cardKind).toBe('stored')
  // the purse holds what the issuer last reported for this card
  expect(reading.balance).toBe(stored.balance)

  const started = await ok('load.start', { key: 'h5-bridge-load-1', cardId: stored.id }, token)
  expect(started.load).toMatchObject({ amount: 20_000, state: 'created', plate: '浙AD35288' })
  const [init] = await channel.transceive([fromHex(started.initApdu)])
  const initialized = await ok(
    'load.init',
    { loadId: started.load.loadId, response: hex(init), cardNo: reading.file.cardNo },
    token,
  )
  // MAC1 verified by the server's KeyService against the box's own card crypto
  expect(initialized.load).toMatchObject({ state: 'initialized', balanceBefore: reading.balance })
  const [tac] = await channel.transceive([fromHex(initialized.creditApdu)])
  const confirmed = await ok(
    'load.confirm',
    { loadId: started.load.loadId, source: 'credit', response: hex(tac) },
    token,
  )
  expect(confirmed.load).toMatchObject({ state: 'confirmed', balanceAfter: reading.balance + 20_000 })

  // the chip itself, read again over the bridge
  expect(await getBalance(channel)).toBe(reading.balance + 20_000)
  expect(await unloaded()).toBe(0)
  expect(await loaded()).toBe(20_000)
  const transfers = (
    await readAll<{ id: string; reason: string }>(server.store, collections.ledgerTransfers)
  ).filter((t) => t.reason === 'load')
  expect(transfers.map((t) => t.id)).toEqual([`load:${started.load.loadId}`])
  await connection.close()

  // a new link (a new page visit) finds the card as the load left it
  const again = await openChannel(bridgeAdapter(), 'ETC-OBU 浙AD35288')
  expect((await readCard(again.channel)).balance).toBe(reading.balance + 20_000)
})

test('pages of other origins cannot reach the boxes', async () => {
  const adapter = bridgeAdapter('http://evil.example')
  const refused = await adapter.open().catch((e: unknown) => e)
  expect(refused).toBeInstanceOf(CardLinkError)
  expect((refused as CardLinkError).code).toBe('BLE_UNAVAILABLE')
})

// last: it closes the server's boxes
test('a box serves one phone at a time; a lost bridge is a disconnect event', async () => {
  const first = await openChannel(bridgeAdapter(), 'ETC-OBU 浙A2W7R5')
  const second = bridgeAdapter()
  await second.open()
  const [device] = (await scanDevices(second, { durationMs: 100 })).filter(
    (d) => d.name === 'ETC-OBU 浙A2W7R5',
  )
  const busy = await BleConnection.open(second, device.deviceId, { connectAttempts: 1 }).catch(
    (e: unknown) => e,
  )
  expect(busy).toBeInstanceOf(CardLinkError)
  expect((busy as CardLinkError).code).toBe('BLE_CONNECT_FAILED')

  const lost = new Promise<void>((resolve) => first.connection.onDisconnect(resolve))
  server.virtualBle?.close()
  await lost
  expect(first.connection.connected).toBe(false)
})
