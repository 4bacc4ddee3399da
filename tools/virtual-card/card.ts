// A software ETC stored-value card (PBOC electronic purse, DF 1001) that answers APDUs like
// the chip: real MACs from its own crypto, online serial, PIN counter, files 0015 and 0018.
import { randomBytes } from 'node:crypto'
import { type CardAlgorithm, hexToBytes, loadSessionKey, sessionMac, tac, u16, u32 } from './cardCrypto'
import { encodeGbk } from './gbk'

export interface VirtualCardOptions {
  cardNo: string // 20 digits: network id (4) + internal number (16)
  type: 'stored' | 'credit' // 0015 card type 0x16 / 0x17
  balance: number // fen
  onlineSerial: number // 0..65535
  algorithm: CardAlgorithm
  keys: { dlk: string; dtk: string } // hex, 16 bytes each: the card's own (diversified) load and TAC keys
  plate: string
  plateColor: number // 0 blue, 1 yellow, ...
  pin?: string // BCD digits, default '123456'
  pinRequired?: boolean
  pinTries?: number // default 3
  startDate?: string // YYYYMMDD
  expiryDate?: string // YYYYMMDD
  /** Issuer province (GBK, 2 chars) and code written into 0015; defaults 浙江 / 01010001. */
  issuerProvince?: string
  issuerCode?: string
  /** Key version reported by INITIALIZE FOR LOAD; default 0x02. */
  keyVersion?: number
  /** Load key index the card holds; default 0x01. */
  keyIndex?: number
  /** Deterministic randoms for tests; default node:crypto randomBytes. */
  random?: () => Uint8Array
}

function checkedPin(pin: string): string {
  if (!/^\d+$/.test(pin) || pin.length % 2 !== 0) throw new Error('PIN must be an even number of digits')
  return pin
}

/** A 0018 record (23 bytes on the card). */
export interface TransactionRecord {
  serial: number // online serial used by the transaction (before the increment)
  overdraft: number
  amount: number // fen
  type: number // 0x02 load
  terminal: string // 12 hex digits
  date: string // YYYYMMDD
  time: string // hhmmss
}

export interface VirtualCardState {
  balance: number
  onlineSerial: number
  records: TransactionRecord[] // newest first
  pinTriesLeft: number
}

/** Thrown by transceive() when a test asked to lose the reply of a command that did apply. */
export class ReplyLostError extends Error {
  constructor(readonly ins: number) {
    super(`card reply lost after INS ${ins.toString(16).padStart(2, '0')}`)
    this.name = 'ReplyLostError'
  }
}

/** Algorithm ids reported in the INITIALIZE FOR LOAD response. */
export const ALGORITHM_ID: Record<CardAlgorithm, number> = { '3des': 0x00, sm4: 0x04 }

export const MAX_BALANCE = 0x7fffffff
const RECORD_CAPACITY = 10

const SW = {
  ok: [0x90, 0x00],
  wrongLength: [0x67, 0x00],
  securityNotSatisfied: [0x69, 0x82],
  pinLocked: [0x69, 0x83],
  conditionsNotSatisfied: [0x69, 0x85],
  fileTypeMismatch: [0x69, 0x81],
  wrongData: [0x6a, 0x80],
  fileNotFound: [0x6a, 0x82],
  recordNotFound: [0x6a, 0x83],
  wrongP1P2: [0x6a, 0x86],
  insNotSupported: [0x6d, 0x00],
  claNotSupported: [0x6e, 0x00],
  macWrong: [0x93, 0x02],
  keyNotFound: [0x94, 0x03],
  noProof: [0x94, 0x06],
} as const

interface PendingLoad {
  /** transaction type = P2 of the init: 02 purse (EP), 01 passbook (ED, as in the published vector) */
  type: number
  amount: number
  terminal: Buffer
  oldBalance: number
  serial: number
  sessionKey: Buffer
}

interface Proof {
  serial: number
  type: number
  mac2: Buffer
  tac: Buffer
}

type Selected = 'none' | 'mf' | 'etc'

export class VirtualCard {
  private balance: number
  private onlineSerial: number
  private records: TransactionRecord[] = []
  private pinTriesLeft: number
  private pinVerified = false
  private selected: Selected = 'none'
  private pending: PendingLoad | null = null
  private lastProof: Proof | null = null
  private loseReplyOf: number | null = null
  private readonly dlk: Buffer
  private readonly dtk: Buffer
  private pin: string
  private pinRequired: boolean
  private readonly file0015: Buffer
  private readonly random: () => Uint8Array
  /** Every random the card has issued, for tests that check freshness. */
  readonly issuedRandoms: string[] = []

  constructor(readonly options: VirtualCardOptions) {
    if (!/^\d{20}$/.test(options.cardNo)) throw new Error(`卡号须为20位数字: ${options.cardNo}`)
    this.dlk = hexToBytes(options.keys.dlk)
    this.dtk = hexToBytes(options.keys.dtk)
    if (this.dlk.length !== 16 || this.dtk.length !== 16) throw new Error('card keys must be 16 bytes')
    this.balance = options.balance
    this.onlineSerial = options.onlineSerial
    this.pin = checkedPin(options.pin ?? '123456')
    this.pinRequired = options.pinRequired ?? false
    this.pinTriesLeft = options.pinTries ?? 3
    this.random = options.random ?? (() => randomBytes(4))
    this.file0015 = build0015(options)
  }

  get state(): VirtualCardState {
    return {
      balance: this.balance,
      onlineSerial: this.onlineSerial,
      records: this.records.map((r) => ({ ...r })),
      pinTriesLeft: this.pinTriesLeft,
    }
  }

  /** Raw 0015 content, for tests of the phone-side parser. */
  get issuerFile(): Uint8Array {
    return Uint8Array.from(this.file0015)
  }

  /**
   * The holder chose a PIN of their own at a counter (CHANGE PIN there, not over this link): from
   * now on INITIALIZE FOR LOAD wants it verified first.
   */
  setPin(pin: string): void {
    this.pin = checkedPin(pin)
    this.pinRequired = true
    this.pinVerified = false
  }

  /** Test hook: make the next transceive() of the given INS apply on the card and then lose its reply. */
  loseNextReply(ins: number): void {
    this.loseReplyOf = ins
  }

  /** Power cycle / new field: selection, PIN state and any transaction in progress are gone. */
  reset(): void {
    this.selected = 'none'
    this.pinVerified = false
    this.pending = null
  }

  transceive(apdu: Uint8Array): Uint8Array {
    const cmd = Buffer.from(apdu)
    const ins = cmd.length >= 2 ? cmd[1] : -1
    const reply = this.execute(cmd)
    if (this.loseReplyOf !== null && this.loseReplyOf === ins) {
      this.loseReplyOf = null
      throw new ReplyLostError(ins)
    }
    return Uint8Array.from(reply)
  }

  private execute(cmd: Buffer): Buffer {
    if (cmd.length < 4) return sw(SW.wrongLength)
    const [cla, ins, p1, p2] = cmd
    const lc = cmd.length > 5 ? cmd[4] : 0
    const data = cmd.length > 5 ? cmd.subarray(5, 5 + lc) : Buffer.alloc(0)
    if (cmd.length > 5 && data.length !== lc) return sw(SW.wrongLength)
    const le = cmd.length === 5 ? cmd[4] : cmd.length > 5 + lc ? cmd[5 + lc] : 0
    // Any command other than CREDIT ends a load in progress (PBOC: credit must follow init).
    const pending = this.pending
    this.pending = null

    if (cla === 0x00 && ins === 0xa4) return this.select(p1, p2, data)
    if (this.selected !== 'etc') return sw(SW.conditionsNotSatisfied)
    if (cla === 0x00 && ins === 0xb0) return this.readBinary(p1, p2, le)
    if (cla === 0x00 && ins === 0xb2) return this.readRecord(p1, p2)
    if (cla === 0x00 && ins === 0x20) return this.verifyPin(data)
    if (cla === 0x80 && ins === 0x5c) return this.getBalance(p1, p2)
    if (cla === 0x80 && ins === 0x50) return this.initializeForLoad(p1, p2, data)
    if (cla === 0x80 && ins === 0x52) return this.creditForLoad(pending, data)
    if (cla === 0x80 && ins === 0x5a) return this.transactionProof(p2, data)
    if (cla !== 0x00 && cla !== 0x80) return sw(SW.claNotSupported)
    return sw(SW.insNotSupported)
  }

  private select(p1: number, p2: number, data: Buffer): Buffer {
    if (p1 !== 0x00 || p2 !== 0x00) return sw(SW.wrongP1P2)
    const fid = data.toString('hex').toUpperCase()
    if (fid === '3F00') {
      this.selected = 'mf'
      this.pinVerified = false
      return Buffer.concat([fci('1PAY.SYS.DDF01'), sw(SW.ok)])
    }
    if (fid === '1001' && this.selected !== 'none') {
      this.selected = 'etc'
      this.pinVerified = false
      return Buffer.concat([fci('ETC'), sw(SW.ok)])
    }
    return sw(SW.fileNotFound)
  }

  private readBinary(p1: number, p2: number, le: number): Buffer {
    if (p1 !== 0x95 || p2 !== 0x00) return sw(SW.fileNotFound)
    const length = le === 0 ? this.file0015.length : le
    if (length > this.file0015.length) return sw([0x6c, this.file0015.length])
    return Buffer.concat([this.file0015.subarray(0, length), sw(SW.ok)])
  }

  private readRecord(p1: number, p2: number): Buffer {
    if (p2 !== 0xc4) return sw(SW.fileNotFound)
    const record = this.records[p1 - 1]
    if (p1 < 1 || !record) return sw(SW.recordNotFound)
    return Buffer.concat([encodeRecord(record), sw(SW.ok)])
  }

  private verifyPin(data: Buffer): Buffer {
    if (this.pinTriesLeft === 0) return sw(SW.pinLocked)
    if (data.toString('hex') === this.pin.toLowerCase()) {
      this.pinTriesLeft = this.options.pinTries ?? 3
      this.pinVerified = true
      return sw(SW.ok)
    }
    this.pinTriesLeft -= 1
    this.pinVerified = false
    if (this.pinTriesLeft === 0) return sw(SW.pinLocked)
    return sw([0x63, 0xc0 | this.pinTriesLeft])
  }

  private getBalance(p1: number, p2: number): Buffer {
    if (p1 !== 0x00 || p2 !== 0x02) return sw(SW.wrongP1P2)
    return Buffer.concat([u32(this.balance), sw(SW.ok)])
  }

  private initializeForLoad(p1: number, p2: number, data: Buffer): Buffer {
    if (p1 !== 0x00 || (p2 !== 0x01 && p2 !== 0x02)) return sw(SW.wrongP1P2)
    if (data.length !== 11) return sw(SW.wrongLength)
    if (this.options.type !== 'stored') return sw(SW.conditionsNotSatisfied)
    if (this.pinRequired && !this.pinVerified) return sw(SW.securityNotSatisfied)
    const keyIndex = data[0]
    if (keyIndex !== (this.options.keyIndex ?? 0x01)) return sw(SW.keyNotFound)
    const amount = data.readUInt32BE(1)
    const terminal = Buffer.from(data.subarray(5, 11))
    if (amount === 0 || this.balance + amount > MAX_BALANCE) return sw(SW.wrongData)
    const random = Buffer.from(this.random())
    this.issuedRandoms.push(random.toString('hex').toUpperCase())
    const sessionKey = loadSessionKey(this.options.algorithm, this.dlk, random, this.onlineSerial)
    const mac1 = sessionMac(
      this.options.algorithm,
      sessionKey,
      Buffer.concat([u32(this.balance), u32(amount), Buffer.from([p2]), terminal]),
    )
    this.pending = {
      type: p2,
      amount,
      terminal,
      oldBalance: this.balance,
      serial: this.onlineSerial,
      sessionKey,
    }
    return Buffer.concat([
      u32(this.balance),
      u16(this.onlineSerial),
      Buffer.from([this.options.keyVersion ?? 0x02, ALGORITHM_ID[this.options.algorithm]]),
      random,
      mac1,
      sw(SW.ok),
    ])
  }

  private creditForLoad(pending: PendingLoad | null, data: Buffer): Buffer {
    if (!pending) return sw(SW.conditionsNotSatisfied)
    if (data.length !== 11) return sw(SW.wrongLength)
    const dateTime = data.subarray(0, 7)
    const mac2 = data.subarray(7, 11)
    const head = Buffer.concat([u32(pending.amount), Buffer.from([pending.type]), pending.terminal])
    const expected = sessionMac(this.options.algorithm, pending.sessionKey, Buffer.concat([head, dateTime]))
    if (!expected.equals(mac2)) return sw(SW.macWrong)
    // Everything below happens together, as on the chip (atomic write of the purse).
    const newBalance = pending.oldBalance + pending.amount
    const tacValue = tac(
      this.options.algorithm,
      this.dtk,
      Buffer.concat([u32(newBalance), u16(pending.serial), head, dateTime]),
    )
    this.balance = newBalance
    this.onlineSerial = (pending.serial + 1) & 0xffff
    this.records.unshift({
      serial: pending.serial,
      overdraft: 0,
      amount: pending.amount,
      type: pending.type,
      terminal: pending.terminal.toString('hex').toUpperCase(),
      date: dateTime.subarray(0, 4).toString('hex'),
      time: dateTime.subarray(4, 7).toString('hex'),
    })
    this.records.length = Math.min(this.records.length, RECORD_CAPACITY)
    this.lastProof = { serial: pending.serial, type: pending.type, mac2: Buffer.from(mac2), tac: tacValue }
    return Buffer.concat([tacValue, sw(SW.ok)])
  }

  /** GET TRANSACTION PROOF: P2 = transaction type, data = the online serial the load used (N0). */
  private transactionProof(p2: number, data: Buffer): Buffer {
    if (data.length !== 2) return sw(SW.wrongLength)
    const serial = data.readUInt16BE(0)
    const proof = this.lastProof
    if (!proof || proof.type !== p2 || proof.serial !== serial) return sw(SW.noProof)
    return Buffer.concat([proof.mac2, proof.tac, sw(SW.ok)])
  }
}

function sw(word: readonly number[]): Buffer {
  return Buffer.from(word)
}

function fci(name: string): Buffer {
  const df = Buffer.from(name, 'ascii')
  const a5 = Buffer.from([0xa5, 0x00])
  const body = Buffer.concat([Buffer.from([0x84, df.length]), df, a5])
  return Buffer.concat([Buffer.from([0x6f, body.length]), body])
}

function bcd(digits: string, bytes: number): Buffer {
  if (!/^\d*$/.test(digits) || digits.length !== bytes * 2)
    throw new Error(`BCD ${digits} must be ${bytes * 2} digits`)
  return Buffer.from(digits, 'hex')
}

export function build0015(options: VirtualCardOptions): Buffer {
  const province = encodeGbk(options.issuerProvince ?? '浙江')
  if (province.length !== 4) throw new Error('issuer province must be two GBK characters')
  const plate = encodeGbk(options.plate)
  if (plate.length > 12) throw new Error(`车牌过长: ${options.plate}`)
  return Buffer.concat([
    province,
    bcd(options.issuerCode ?? '01010001', 4),
    Buffer.from([options.type === 'stored' ? 0x16 : 0x17, 0x40]),
    bcd(options.cardNo.slice(0, 4), 2),
    bcd(options.cardNo.slice(4), 8),
    bcd(options.startDate ?? '20200101', 4),
    bcd(options.expiryDate ?? '20300101', 4),
    Buffer.concat([plate, Buffer.alloc(12 - plate.length)]),
    Buffer.from([0x00]),
    u16(options.plateColor),
  ])
}

function encodeRecord(r: TransactionRecord): Buffer {
  const overdraft = Buffer.alloc(3)
  overdraft.writeUIntBE(r.overdraft, 0, 3)
  return Buffer.concat([
    u16(r.serial),
    overdraft,
    u32(r.amount),
    Buffer.from([r.type]),
    Buffer.from(r.terminal, 'hex'),
    Buffer.from(r.date, 'hex'),
    Buffer.from(r.time, 'hex'),
  ])
}
