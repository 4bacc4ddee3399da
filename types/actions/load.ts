import { z } from 'zod'
import type { PlateColor } from '../enums'
import type { Fen } from '../money'
import { batchKeySchema } from '../batches'
import { fenSchema } from '../schemas/money'
import { idSchema } from './etc'

/**
 * Roadside load (圈存, issue 10): the phone relays bytes between the card and these actions; MAC1 is
 * checked and MAC2 issued on the server, keys never reach the phone (load-protocol.md). Flow:
 * load.start → the phone sends `initApdu` (INITIALIZE FOR LOAD) → load.init with the card's reply →
 * the phone sends `creditApdu` (CREDIT FOR LOAD) → load.confirm with the TAC. After any
 * interruption: a fresh INITIALIZE FOR LOAD → load.recover, which says what happened. Byte strings
 * are hex; amounts integer fen; the card number is masked.
 */

type Instant = string

/**
 * created: started, nothing issued yet; initialized: MAC1 verified, MAC2 issued; confirmed: TAC
 * verified, the amount moved to the chip in the ledger; not_loaded: an authenticated reading shows
 * the credit did not happen (closed, a new load may start); uncertain: for reconciliation (the card
 * stays locked); expired: started but never initialized.
 */
export const loadStates = [
  'created',
  'initialized',
  'confirmed',
  'not_loaded',
  'uncertain',
  'expired',
] as const
export type LoadState = (typeof loadStates)[number]

/** Bytes as hex, spaces allowed (as APDUs are often written), normalised to upper case without them. */
const hexBytes = (min: number, max: number, message: string) =>
  z
    .string({ error: message })
    .transform((v) => v.replace(/\s+/g, '').toUpperCase())
    .refine((v) => /^(?:[0-9A-F]{2})*$/.test(v) && v.length >= min * 2 && v.length <= max * 2, message)

/** The INITIALIZE FOR LOAD reply: 16 bytes, optionally followed by its status word. */
const initResponseSchema = hexBytes(16, 18, '圈存初始化响应格式不正确')

export const loadRequestSchemas = {
  /**
   * A load of one stored-value card of the caller's account: `amount` a part of the card's
   * unloaded funds (default: all of them). The same `key` answers the same load.
   */
  'load.start': z
    .object({
      key: batchKeySchema,
      cardId: idSchema,
      amount: fenSchema.refine((v) => v >= 1, '圈存金额最少0.01元').optional(),
    })
    .strict(),
  /** The card's INITIALIZE FOR LOAD reply; `cardNo` (from file 0015) lets a wrong card be named as such. */
  'load.init': z
    .object({
      loadId: idSchema,
      response: initResponseSchema,
      cardNo: z
        .string()
        .trim()
        .regex(/^\d{20}$/, '通行卡卡号应为20位数字')
        .optional(),
    })
    .strict(),
  /**
   * The TAC: from CREDIT FOR LOAD (`credit`: TAC, 4 bytes) or GET TRANSACTION PROOF (`proof`:
   * MAC2 then TAC, 8 bytes). A status word after them is accepted.
   */
  'load.confirm': z
    .object({
      loadId: idSchema,
      source: z.enum(['credit', 'proof'], { error: '请说明交易认证码的来源' }),
      response: hexBytes(4, 10, '交易认证码格式不正确'),
    })
    .strict(),
  /** After an interruption: a FRESH INITIALIZE FOR LOAD reply (same amount and terminal). */
  'load.recover': z.object({ loadId: idSchema, response: initResponseSchema }).strict(),
  'load.status': z.object({ loadId: idSchema }).strict(),
} as const

// ---------------------------------------------------------------- responses

export interface LoadView {
  loadId: string
  cardId: string
  /** Masked 20-digit card number. */
  cardNo: string
  plate: string
  plateColor: PlateColor
  amount: Fen
  state: LoadState
  /** The card's balance before the load, once an init authenticated it. */
  balanceBefore: Fen | null
  /** The card's balance after the load, once the TAC confirmed it. */
  balanceAfter: Fen | null
  createdAt: Instant
  updatedAt: Instant
}

export interface LoadStarted {
  load: LoadView
  /** INITIALIZE FOR LOAD to send to the card (after selecting the ETC application and any PIN). */
  initApdu: string
}

export interface LoadInitialized {
  load: LoadView
  mac2: string
  /** YYYYMMDD and hhmmss, Beijing time, as the credit command carries them. */
  date: string
  time: string
  /** CREDIT FOR LOAD to send to the card. */
  creditApdu: string
}

/**
 * happened: the card shows this load's credit; send `proofApdu` (GET TRANSACTION PROOF) and
 * load.confirm its reply with source 'proof'. not_loaded: the credit did not happen, the load is
 * closed; start a new one. uncertain: the card's reading fits neither; left for reconciliation.
 */
export type LoadRecoveryOutcome = 'happened' | 'not_loaded' | 'uncertain'

export interface LoadRecovered {
  load: LoadView
  outcome: LoadRecoveryOutcome
  proofApdu: string | null
}

export interface LoadResponses {
  'load.start': LoadStarted
  'load.init': LoadInitialized
  'load.confirm': { load: LoadView }
  'load.recover': LoadRecovered
  'load.status': { load: LoadView }
}
