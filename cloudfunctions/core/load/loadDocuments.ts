import type { PlateColor } from '../../../types/enums'
import type { Fen } from '../../../types/money'
import type { LoadState } from '../../../types/actions/load'

type Instant = string

/**
 * A MAC1-authenticated reading of the card: the INITIALIZE FOR LOAD response whose MAC1 verified,
 * so its balance and online serial are the card's own word (load-protocol.md §6).
 */
export interface AuthenticatedReading {
  balance: Fen
  onlineSerial: number
  keyVersion: number
  algorithmId: number
  /** The card's pseudo-random (hex, upper case): never accepted twice for one card. */
  random: string
  mac1: string
  /** The whole response as relayed (hex, upper case), kept for audit. */
  response: string
  at: Instant
}

/** The host's answer to an init: MAC2 with the date and time it covers. Issued once per load. */
export interface IssuedMac2 {
  mac2: string
  /** YYYYMMDD and hhmmss, Asia/Shanghai. */
  date: string
  time: string
  at: Instant
}

/**
 * What a fresh authenticated init said about an interrupted load: `happened` (serial N0+1 and
 * balance B0+amount: waits for the TAC), `not_happened` (N0 and B0: closed as not loaded) or
 * `uncertain` (anything else: reconciliation).
 */
export interface LoadRecovery {
  reading: AuthenticatedReading
  verdict: 'happened' | 'not_happened' | 'uncertain'
}

export interface LoadConfirmation {
  tac: string
  /** Where the TAC came from: the CREDIT FOR LOAD reply or GET TRANSACTION PROOF. */
  source: 'credit' | 'proof'
  balanceAfter: Fen
  onlineSerialAfter: number
  at: Instant
}

/** One load of one card (collection `loads`): the saga's document, id from the client's intent key. */
export interface LoadDoc {
  id: string
  accountId: string
  cardId: string
  /** 20 digits: the keys are diversified from it. */
  cardNo: string
  vehicleId: string
  plate: string
  plateColor: PlateColor
  amount: Fen
  /** The load terminal number (6 bytes hex) the init command carries. */
  terminal: string
  /** The card's load key index in the init command. */
  keyIndex: number
  /** 0x02: load into the electronic purse. */
  transactionType: number
  state: LoadState
  /** Hash of the start request under its key: the same key with another request is refused. */
  fingerprint: string
  createdAt: Instant
  updatedAt: Instant
  init: AuthenticatedReading | null
  mac2: IssuedMac2 | null
  recovery: LoadRecovery | null
  confirmation: LoadConfirmation | null
  /** Why the load is uncertain, for reconciliation (null otherwise). */
  uncertainReason: string | null
  /** Ledger transfer that moved the amount (`load:<id>`), once confirmed. */
  transferId: string | null
  /**
   * The outlet whose operator started the load (seeds 002/003); absent or null: the driver's own
   * load. Loads of one kind are invisible to the other's actions.
   */
  outletId?: string | null
  /** The outlet operator who started it. */
  operatorId?: string | null
  /** The 未圈存 load this one loads again (outlet re-load of a record); that one's `reloadedBy` names this. */
  reloadOf?: string | null
  reloadedBy?: string | null
  /** A TAC verified for this load that the ledger could not take (left uncertain): the card did credit it. */
  verifiedTac?: string | null
  /** An outlet operator's reset 已圈存 → 未圈存, proven by the authenticated reading in `recovery`. */
  reset?: LoadReset | null
}

export interface LoadReset {
  operatorId: string
  outletId: string
  at: Instant
}

/** A reading that contradicts the card's last authenticated serial, kept for reconciliation. */
export interface SerialFlag {
  loadId: string
  at: Instant
  reading: { onlineSerial: number; balance: Fen; random: string }
  last: { onlineSerial: number; balance: Fen }
}

/** Per card (collection `cardLoadStates`, id = card id): the load lock and what the card last said. */
export interface CardLoadStateDoc {
  id: string
  cardId: string
  /** The load holding the card: a second start is refused while it is set. */
  activeLoadId: string | null
  /** The card's last MAC1- or TAC-authenticated online serial and balance (null: never read). */
  lastSerial: number | null
  lastBalance: Fen | null
  lastReadAt: Instant | null
  /** Card randoms already accepted, newest last, bounded (see maxSeenRandoms). */
  seenRandoms: string[]
  /** Contradicting readings, newest last, bounded. */
  flags: SerialFlag[]
  updatedAt: Instant
}
