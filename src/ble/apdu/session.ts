// Card operations over any CardChannel (BLE frames or NFC), grouped so BLE needs few messages.
import { bytesToHex, hexToBytes } from '../bytes'
import { CardLinkError } from '../errors'
import type { CardChannel } from './channel'
import { Apdu } from './commands'
import {
  expectOk,
  parse0015,
  parseBalance,
  parseCredit,
  parseInitForLoad,
  parseRecord,
  parseTransactionProof,
  pinTriesLeft,
  statusWord,
  type CardRecord,
  type InitForLoadResponse,
  type IssuerFile,
} from './responses'

export interface CardReading {
  file: IssuerFile
  balance: number
}

async function one(channel: CardChannel, apdu: Uint8Array): Promise<Uint8Array> {
  const [response] = await channel.transceive([apdu])
  if (!response) throw new CardLinkError('CARD_RESPONSE', 'no response')
  return response
}

/** Select MF and the ETC application, read 0015 and the balance: one message on BLE. */
export async function readCard(channel: CardChannel): Promise<CardReading> {
  const [mf, etc, file, balance] = await channel.transceive([
    Apdu.selectMf(),
    Apdu.selectEtc(),
    Apdu.read0015(),
    Apdu.getBalance(),
  ])
  expectOk(mf, 'select MF')
  expectOk(etc, 'select 1001')
  return {
    file: parse0015(expectOk(file, 'read 0015')),
    balance: parseBalance(expectOk(balance, 'get balance')),
  }
}

/** Select the ETC application again (after a reconnect or a new tap). */
export async function selectEtc(channel: CardChannel): Promise<void> {
  const [mf, etc] = await channel.transceive([Apdu.selectMf(), Apdu.selectEtc()])
  expectOk(mf, 'select MF')
  expectOk(etc, 'select 1001')
}

export async function getBalance(channel: CardChannel): Promise<number> {
  return parseBalance(expectOk(await one(channel, Apdu.getBalance()), 'get balance'))
}

/** One try: a wrong PIN throws CARD_PIN_WRONG (tries left in the message), never retried here. */
export async function verifyPin(channel: CardChannel, pin: string): Promise<void> {
  expectOk(await one(channel, Apdu.verifyPin(pin)), 'verify PIN')
}

export interface InitForLoadRequest {
  keyIndex: number
  amount: number
  terminal: string
  /** when the issuer requires a PIN: verified in the same message, as vendors do */
  pin?: string
}

export async function initializeForLoad(
  channel: CardChannel,
  request: InitForLoadRequest,
): Promise<InitForLoadResponse> {
  const init = Apdu.initializeForLoad(request.keyIndex, request.amount, request.terminal)
  if (request.pin === undefined)
    return parseInitForLoad(expectOk(await one(channel, init), 'initialize for load'))
  const [pin, response] = await channel.transceive([Apdu.verifyPin(request.pin), init])
  expectOk(pin, 'verify PIN')
  return parseInitForLoad(expectOk(response, 'initialize for load'))
}

export async function creditForLoad(
  channel: CardChannel,
  date: string,
  time: string,
  mac2: string,
): Promise<{ tac: string }> {
  return parseCredit(expectOk(await one(channel, Apdu.creditForLoad(date, time, mac2)), 'credit for load'))
}

export async function getTransactionProof(
  channel: CardChannel,
  serial: number,
): Promise<{ mac2: string; tac: string }> {
  return parseTransactionProof(
    expectOk(await one(channel, Apdu.getTransactionProof(serial)), 'transaction proof'),
  )
}

/** Newest first; stops at the first missing record (6A83). */
export async function readRecords(channel: CardChannel, count: number): Promise<CardRecord[]> {
  const responses = await channel.transceive(Array.from({ length: count }, (_, i) => Apdu.readRecord(i + 1)))
  const records: CardRecord[] = []
  for (const r of responses) {
    if (r.length === 0 || statusWord(r) === 0x6a83) break
    records.push(parseRecord(expectOk(r, 'read record')))
  }
  return records
}

/** INITIALIZE FOR LOAD (`initApdu`, hex) alone: its reply (hex), or null when the card wants its PIN first (6982). */
export async function initializeUnlessPin(channel: CardChannel, initApdu: string): Promise<string | null> {
  const reply = await one(channel, hexToBytes(initApdu))
  try {
    expectOk(reply, 'initialize for load')
  } catch (e) {
    if (e instanceof CardLinkError && e.code === 'CARD_SECURITY') return null
    throw e
  }
  return bytesToHex(reply)
}

export type PinnedInit =
  { kind: 'ok'; reply: string } | { kind: 'wrong'; triesLeft: number } | { kind: 'locked' }

/**
 * VERIFY PIN then INITIALIZE FOR LOAD in one message: one try of `pin`, never repeated here (the
 * card counts every wrong one). The init's reply (hex), the tries left after a wrong PIN (63Cx),
 * or the card is locked (6983, or no try left).
 */
export async function initializeWithPin(
  channel: CardChannel,
  pin: string,
  initApdu: string,
): Promise<PinnedInit> {
  const [verified, init] = await channel.transceive([Apdu.verifyPin(pin), hexToBytes(initApdu)])
  if (!verified) throw new CardLinkError('CARD_RESPONSE', 'verify PIN')
  try {
    expectOk(verified, 'verify PIN')
  } catch (e) {
    const left = pinTriesLeft(e)
    if (left === 0 || (e instanceof CardLinkError && e.code === 'CARD_PIN_LOCKED')) return { kind: 'locked' }
    if (left === null) throw e
    return { kind: 'wrong', triesLeft: left }
  }
  if (!init) throw new CardLinkError('CARD_RESPONSE', 'initialize for load')
  expectOk(init, 'initialize for load')
  return { kind: 'ok', reply: bytesToHex(init) }
}
