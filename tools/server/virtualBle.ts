/**
 * Virtual card boxes for the H5 build (local server only, never a cloud function): one box per demo
 * stored-value card of a personal account, holding a VirtualCard personalised from the local demo
 * master keys, so the load saga's KeyService verifies its MACs. A browser has no Bluetooth the
 * mini-programs' way, so src/ble/transport/h5Bridge.ts reaches the boxes over a WebSocket on
 * /dev/ble: written chunks in, the box's notifications out, the same frames as a real OBU.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import type { CardLoadStateDoc } from '../../cloudfunctions/core/load/loadDocuments'
import { maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'
import { PLATE_COLORS } from '../../src/ble/apdu/responses'
import { FRAME_PROFILES, type FrameProfileId } from '../../src/ble/frames/profiles'
import type { PlateColor } from '../../types/enums'
import { VirtualCard } from '../virtual-card/card'
import { VirtualObu } from '../virtual-card/obu'
import { personalize, type MasterKeys } from '../virtual-card/personalize'
import {
  VIRTUAL_BLE_PATH,
  type BridgeDevice,
  type BridgeEvent,
  type BridgeReply,
  type BridgeRequest,
} from '../../src/ble/transport/h5BridgeProtocol'

export { VIRTUAL_BLE_PATH }

export interface VirtualBleOptions {
  store: Store
  /** The local demo master keys (hex): the same ones the server's KeyService diversifies. */
  masterKeys: MasterKeys
  log?: (line: string) => void
}

export interface VirtualBox {
  deviceId: string
  name: string
  cardId: string
  plate: string
  card: VirtualCard
  obu: VirtualObu
}

export interface VirtualBle {
  /** The boxes of the cards in the store now (built on first sight, then kept with their state). */
  boxes(): Promise<VirtualBox[]>
  /** Takes a WebSocket upgrade on VIRTUAL_BLE_PATH; false for any other request. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  close(): void
}

/** GB plate colour codes as the card's 0015 holds them; 绿 (ordinary green) is 11. */
export function plateColorCode(color: PlateColor): number {
  const code = (PLATE_COLORS as readonly string[]).indexOf(color)
  return code >= 0 ? code : 11
}

/**
 * A stable device id per card, shaped as iOS reports devices (a UUID): unlike a MAC's colons it
 * passes through page URLs unchanged (Taro H5 hands query values to pages still encoded).
 */
function deviceIdOf(cardId: string): string {
  const h = createHash('sha256').update(`virtual-box:${cardId}`).digest('hex').toUpperCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

/** A card never read by the saga starts at a plausible online serial of its own. */
function firstSerial(cardNo: string): number {
  return 1 + (createHash('sha256').update(cardNo).digest().readUInt16BE(0) % 200)
}

async function readAllOf<T extends Doc>(store: Store, collection: string): Promise<T[]> {
  const items: T[] = []
  let after: string | undefined
  do {
    const page = await store.query<T>(collection, { limit: maxQueryLimit, ...(after ? { after } : {}) })
    items.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return items
}

const fail = (id: number, errCode: number, errMsg: string): BridgeReply => ({
  id,
  ok: false,
  errCode,
  errMsg,
})

/**
 * The boxes speak the vendor profiles in turn (by card), so the pages meet each of them: the phone
 * finds a box's profile the first time it connects (src/packages/load/links.ts).
 */
const BOX_PROFILES: readonly FrameProfileId[] = [
  'legacy33',
  'national50',
  'legacy33Handshake',
  'national50NoHandshake',
]

export function profileOf(cardId: string): FrameProfileId {
  const digest = createHash('sha256').update(cardId).digest()
  return BOX_PROFILES[digest[0] % BOX_PROFILES.length]
}

export function createVirtualBle(opts: VirtualBleOptions): VirtualBle {
  const log = opts.log ?? (() => undefined)
  const built = new Map<string, VirtualBox>()
  /** which socket holds each box: a box takes one central at a time, as a real one does */
  const holders = new Map<string, WebSocket>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 })

  async function build(card: CardDoc, vehicle: VehicleDoc): Promise<VirtualBox> {
    const state = await opts.store.get<CardLoadStateDoc & Doc>(collections.cardLoadStates, card.id)
    const stored = card.type === 'stored' ? card.balance : 0
    // after a restart the card is where the saga last authenticated it, so its next init agrees
    const virtualCard = new VirtualCard(
      personalize({
        cardNo: card.cardNo,
        type: 'stored',
        balance: state?.lastBalance ?? stored,
        onlineSerial: state?.lastSerial ?? firstSerial(card.cardNo),
        algorithm: '3des',
        plate: vehicle.plate,
        plateColor: plateColorCode(vehicle.plateColor),
        masterKeys: opts.masterKeys,
      }),
    )
    const obu = new VirtualObu({ profile: FRAME_PROFILES[profileOf(card.id)], card: virtualCard })
    return {
      deviceId: deviceIdOf(card.id),
      name: `ETC-OBU ${vehicle.plate}`,
      cardId: card.id,
      plate: vehicle.plate,
      card: virtualCard,
      obu,
    }
  }

  async function boxes(): Promise<VirtualBox[]> {
    const personal = new Set(
      (await readAllOf<AccountDoc & Doc>(opts.store, collections.accounts))
        .filter((a) => a.userType === 'personal')
        .map((a) => a.id),
    )
    const vehicles = new Map(
      (await readAllOf<VehicleDoc & Doc>(opts.store, collections.vehicles)).map((v) => [v.id, v]),
    )
    const cards = (await readAllOf<CardDoc & Doc>(opts.store, collections.cards)).filter(
      (c) => c.type === 'stored' && c.status === 'issued' && personal.has(c.accountId),
    )
    const found: VirtualBox[] = []
    for (const card of cards) {
      const vehicle = vehicles.get(card.vehicleId)
      if (!vehicle || vehicle.scope !== 'current') continue
      let box = built.get(card.id)
      if (!box) {
        box = await build(card, vehicle)
        built.set(card.id, box)
      }
      found.push(box)
    }
    return found.sort((a, b) => a.plate.localeCompare(b.plate))
  }

  function byDevice(deviceId: string): VirtualBox | undefined {
    return [...built.values()].find((b) => b.deviceId === deviceId)
  }

  function release(socket: WebSocket, box: VirtualBox): void {
    if (holders.get(box.deviceId) !== socket) return
    holders.delete(box.deviceId)
    box.obu.disconnected()
  }

  function session(socket: WebSocket): void {
    const send = (message: BridgeReply | BridgeEvent) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
    }
    const held = (deviceId: string | undefined) => {
      const box = deviceId ? byDevice(deviceId) : undefined
      return box && holders.get(box.deviceId) === socket ? box : null
    }

    async function answer(request: BridgeRequest): Promise<BridgeReply> {
      const { id } = request
      switch (request.op) {
        case 'scan': {
          const devices: BridgeDevice[] = (await boxes()).map((b, i) => ({
            deviceId: b.deviceId,
            name: b.name,
            // in the list's order, nearest first
            rssi: -50 - i,
          }))
          return { id, ok: true, devices }
        }
        case 'connect': {
          const box = byDevice(request.deviceId)
          if (!box) return fail(id, 10002, 'createBLEConnection:fail no device')
          const holder = holders.get(box.deviceId)
          if (holder && holder !== socket) return fail(id, 10003, 'createBLEConnection:fail device busy')
          holders.set(box.deviceId, socket)
          return { id, ok: true }
        }
        case 'notify': {
          const box = held(request.deviceId)
          if (!box) return fail(id, 10006, 'notifyBLECharacteristicValueChange:fail no connection')
          // notifications on: a handshake box asks for auth now (the phone answers before any data)
          box.obu.connected((bytes) =>
            send({ event: 'notify', deviceId: box.deviceId, value: Buffer.from(bytes).toString('hex') }),
          )
          return { id, ok: true }
        }
        case 'write': {
          const box = held(request.deviceId)
          if (!box) return fail(id, 10006, 'writeBLECharacteristicValue:fail no connection')
          const bytes = /^(?:[0-9a-fA-F]{2}){1,20}$/.test(request.value)
            ? Buffer.from(request.value, 'hex')
            : null
          if (!bytes) return fail(id, 10013, 'writeBLECharacteristicValue:fail 1 to 20 bytes, hex')
          // the reply goes out before the notifications the chunk triggers, as a write callback does
          queueMicrotask(() => box.obu.receive(Uint8Array.from(bytes)))
          return { id, ok: true }
        }
        case 'disconnect': {
          const box = held(request.deviceId)
          if (box) release(socket, box)
          return { id, ok: true }
        }
      }
    }

    socket.on('message', (data: RawData, isBinary: boolean) => {
      let request: BridgeRequest
      try {
        if (isBinary) throw new Error('binary')
        request = JSON.parse(String(data)) as BridgeRequest
        if (typeof request.id !== 'number') throw new Error('no id')
      } catch {
        socket.close(1003, 'bad request')
        return
      }
      answer(request).then(send, (error: unknown) => {
        log(`virtual ble: ${String(error)}`)
        send(fail(request.id, 10008, 'system error'))
      })
    })
    socket.on('close', () => {
      for (const box of built.values()) release(socket, box)
    })
  }

  wss.on('connection', session)

  return {
    boxes,
    handleUpgrade(req, socket, head) {
      if ((req.url ?? '').split('?')[0] !== VIRTUAL_BLE_PATH) return false
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
      return true
    },
    close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
    },
  }
}
