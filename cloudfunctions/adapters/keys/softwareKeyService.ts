import { timingSafeEqual } from 'node:crypto'
import {
  KeyServiceError,
  type KeyService,
  type LoadSessionInput,
  type Mac1Input,
  type Mac2Input,
  type TacInput,
} from '../../ports/keyService'
import {
  diversify,
  mac1Data,
  mac2Data,
  purseMac,
  sessionKey,
  tacData,
  tacKey,
  type PurseAlgorithm,
} from './pbocCrypto'

/** The issuer's master keys: load (DLK) and TAC (DTK), 16 bytes each. */
export interface LoadMasterKeys {
  dlk: Buffer
  dtk: Buffer
}

/**
 * The card's algorithm id (init response) → algorithm. 00 is 3DES (load-protocol.md §4). 04 for
 * SM4 follows PBOC 3.0's algorithm identifier; the doc only says SM4 cards "report another id", so
 * this mapping, like the whole SM4 path, is an assumption (no public vector). 01 (single DES) is
 * refused: its keys are too weak to accept loads with.
 */
const algorithmIds: Readonly<Record<number, PurseAlgorithm>> = { 0x00: '3des', 0x04: 'sm4' }

export function algorithmOf(algorithmId: number): PurseAlgorithm {
  const algorithm = algorithmIds[algorithmId]
  if (!algorithm) {
    throw new KeyServiceError('UNSUPPORTED_ALGORITHM', `unsupported purse algorithm id ${algorithmId}`)
  }
  return algorithm
}

const hexOf = (bytes: number) => new RegExp(`^[0-9A-Fa-f]{${bytes * 2}}$`)

function bytes(value: string, length: number, what: string): Buffer {
  if (typeof value !== 'string' || !hexOf(length).test(value))
    throw new KeyServiceError('BAD_INPUT', `${what} must be ${length} bytes of hex`)
  return Buffer.from(value, 'hex')
}

function bcd(value: string, digits: number, what: string): Buffer {
  if (typeof value !== 'string' || !new RegExp(`^\\d{${digits}}$`).test(value))
    throw new KeyServiceError('BAD_INPUT', `${what} must be ${digits} digits`)
  return Buffer.from(value, 'hex')
}

function integer(value: number, max: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new KeyServiceError('BAD_INPUT', `${what} out of range: ${String(value)}`)
  return value
}

const u32max = 0xffffffff

function sameMac(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** A card's own load and TAC keys, 16 bytes each. */
export type CardKeysOf = (algorithm: PurseAlgorithm, cardNo: string) => { dlk: Buffer; dtk: Buffer }

/**
 * The KeyService in software: master keys in memory (from the environment, or the local server's
 * demo keys), card keys diversified per PBOC for every call and never returned. Fine for tests
 * and the local server; production should put an HSM adapter behind the same port.
 */
export class SoftwareKeyService implements KeyService {
  readonly #cardKeys: CardKeysOf

  /** Card keys from a resolver: fromMasterKeys in use, a fixed card key for the published vectors. */
  constructor(cardKeys: CardKeysOf) {
    this.#cardKeys = cardKeys
  }

  static fromMasterKeys(master: LoadMasterKeys): SoftwareKeyService {
    if (master.dlk.length !== 16 || master.dtk.length !== 16)
      throw new KeyServiceError('BAD_INPUT', 'load master keys are 16 bytes each')
    const dlk = Buffer.from(master.dlk)
    const dtk = Buffer.from(master.dtk)
    return new SoftwareKeyService((_algorithm, cardNo) => ({
      dlk: diversify(dlk, cardNo),
      dtk: diversify(dtk, cardNo),
    }))
  }

  #keys(algorithm: PurseAlgorithm, cardNo: string): { dlk: Buffer; dtk: Buffer } {
    if (typeof cardNo !== 'string' || !/^\d{20}$/.test(cardNo))
      throw new KeyServiceError('BAD_INPUT', 'a card number is 20 digits')
    return this.#cardKeys(algorithm, cardNo)
  }

  /**
   * The session key of one init. Key versions: one master key set is held, so every version
   * maps to it; an HSM adapter would choose the master key by version.
   */
  #session(input: LoadSessionInput): { algorithm: PurseAlgorithm; key: Buffer; terminal: Buffer } {
    const algorithm = algorithmOf(input.algorithmId)
    integer(input.keyVersion, 0xff, 'key version')
    const random = bytes(input.random, 4, 'card random')
    const serial = integer(input.onlineSerial, 0xffff, 'online serial')
    const terminal = bytes(input.terminal, 6, 'terminal number')
    integer(input.amount, u32max, 'amount')
    integer(input.transactionType, 0xff, 'transaction type')
    const { dlk } = this.#keys(algorithm, input.cardNo)
    return { algorithm, key: sessionKey(algorithm, dlk, random, serial), terminal }
  }

  async verifyMac1(input: Mac1Input): Promise<boolean> {
    const { algorithm, key, terminal } = this.#session(input)
    const balance = integer(input.balance, u32max, 'balance')
    const given = bytes(input.mac1, 4, 'MAC1')
    const expected = purseMac(
      algorithm,
      key,
      mac1Data(balance, input.amount, input.transactionType, terminal),
    )
    return sameMac(expected, given)
  }

  async issueMac2(input: Mac2Input): Promise<string> {
    const { algorithm, key, terminal } = this.#session(input)
    const data = mac2Data(
      input.amount,
      input.transactionType,
      terminal,
      bcd(input.date, 8, 'date'),
      bcd(input.time, 6, 'time'),
    )
    return purseMac(algorithm, key, data).toString('hex').toUpperCase()
  }

  async verifyTac(input: TacInput): Promise<boolean> {
    const algorithm = algorithmOf(input.algorithmId)
    integer(input.keyVersion, 0xff, 'key version')
    const data = tacData(
      integer(input.balanceAfter, u32max, 'balance after'),
      integer(input.onlineSerial, 0xffff, 'online serial'),
      integer(input.amount, u32max, 'amount'),
      integer(input.transactionType, 0xff, 'transaction type'),
      bytes(input.terminal, 6, 'terminal number'),
      bcd(input.date, 8, 'date'),
      bcd(input.time, 6, 'time'),
    )
    const { dtk } = this.#keys(algorithm, input.cardNo)
    const expected = purseMac(algorithm, tacKey(algorithm, dtk), data)
    return sameMac(expected, bytes(input.tac, 4, 'TAC'))
  }
}

/** Names of the environment variables holding the master keys (32 hex digits each). */
export const loadMasterKeyEnv = { dlk: 'LOAD_MASTER_DLK', dtk: 'LOAD_MASTER_DTK' } as const

/**
 * The master keys from the environment: both set (32 hex digits each), or neither (loads are then
 * unavailable: null). One without the other, or a malformed value, throws with a Chinese message.
 */
export function loadMasterKeysFromEnv(env: NodeJS.ProcessEnv = process.env): LoadMasterKeys | null {
  const dlk = env[loadMasterKeyEnv.dlk]?.trim()
  const dtk = env[loadMasterKeyEnv.dtk]?.trim()
  if (!dlk && !dtk) return null
  const read = (value: string | undefined, name: string): Buffer => {
    if (!value || !/^[0-9A-Fa-f]{32}$/.test(value))
      throw new Error(`环境变量 ${name} 须为 32 位十六进制（16 字节圈存主密钥）`)
    return Buffer.from(value, 'hex')
  }
  return { dlk: read(dlk, loadMasterKeyEnv.dlk), dtk: read(dtk, loadMasterKeyEnv.dtk) }
}
