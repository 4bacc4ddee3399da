import { createHash } from 'node:crypto'
import { fen, type Fen } from '../../../types/money'
import type { KeyService } from '../../ports/keyService'
import { KeyServiceError } from '../../ports/keyService'
import type { Store, TxStore } from '../../ports/store'
import { beijingTime } from '../businessTime'
import { collections, type CardDoc, type VehicleDoc } from '../documents'
import { LedgerError, postTransfers, projectedBalance } from '../ledger'
import { parseInitResponse, parseTacResponse, type InitResponse } from './cardBytes'
import type {
  AuthenticatedReading,
  CardLoadStateDoc,
  IssuedMac2,
  LoadDoc,
  LoadRecovery,
  SerialFlag,
} from './loadDocuments'
import { LoadError } from './loadErrors'

/**
 * The load saga (issue 10, load-protocol.md §5–6): one document per load, each transition one
 * Store transaction, the per-card state (lock, last authenticated serial, seen randoms) written in
 * the same transaction. Cryptography goes through the KeyService port and runs before the
 * transaction (an HSM call is a side effect the store may not retry); the transaction then
 * re-reads the load and refuses if it moved on meanwhile.
 *
 * created → initialized (MAC1 verified, MAC2 issued once) → confirmed (TAC verified, the amount
 * moved from the card's unloaded to its loaded funds, transfer `load:<id>`), or after an
 * interruption, by a fresh authenticated init: not_loaded (closed) or uncertain (reconciliation).
 */

type Stored<T> = T & { [key: string]: unknown }

/** PBOC transaction type of a load into the electronic purse. */
export const loadTransactionType = 0x02
/** The load key index the init command names (the issuer's first load key). */
export const loadKeyIndex = 0x01
/** This service's load terminal number (6 bytes): it enters MAC1, MAC2 and the TAC. */
export const loadTerminalNo = '330100000001'
/** A load started but never initialized stops holding its card after this long. */
export const createdLoadTtlMs = 10 * 60_000
/** Card randoms remembered per card: a replay of any of the last this many inits is refused. */
export const maxSeenRandoms = 64
export const maxSerialFlags = 20

export interface LoadDeps {
  store: Store
  keys: KeyService
  now: Date
}

export function loadIdOf(accountId: string, key: string): string {
  const digest = createHash('sha256').update(`${accountId}\nload\n${key}`).digest('hex')
  return `load-${digest.slice(0, 40)}`
}

export const loadTransferId = (loadId: string) => `load:${loadId}`

function emptyCardState(cardId: string, now: Date): CardLoadStateDoc {
  return {
    id: cardId,
    cardId,
    activeLoadId: null,
    lastSerial: null,
    lastBalance: null,
    lastReadAt: null,
    seenRandoms: [],
    flags: [],
    updatedAt: now.toISOString(),
  }
}

export async function cardStateOf(tx: TxStore, cardId: string, now: Date): Promise<CardLoadStateDoc> {
  return (
    (await tx.get<Stored<CardLoadStateDoc>>(collections.cardLoadStates, cardId)) ??
    emptyCardState(cardId, now)
  )
}

/**
 * A load of the account, and of the outlet when one is named: a driver's actions (no outlet) never
 * see an outlet's loads, and an outlet's actions only see its own.
 */
export async function ownLoad(
  reader: TxStore,
  accountId: string,
  loadId: string,
  outletId: string | null = null,
): Promise<LoadDoc> {
  const load = await reader.get<Stored<LoadDoc>>(collections.loads, loadId)
  if (!load || load.accountId !== accountId || (load.outletId ?? null) !== outletId)
    throw new LoadError('LOAD_NOT_FOUND', '圈存记录不存在')
  return load
}

export const wrongState = () => new LoadError('WRONG_STATE', '该圈存当前状态不允许此操作，请刷新后重试')

/** A created load past its time no longer holds the card (nothing was issued for it). */
function lapsed(load: LoadDoc, now: Date): boolean {
  return load.state === 'created' && now.getTime() - Date.parse(load.createdAt) >= createdLoadTtlMs
}

// ---------------------------------------------------------------- start

/**
 * Starts a load of a stored-value card of the account: the whole unloaded amount, or `amount`
 * (≤ unloaded). One active load per card: the card's lock document is read and written in this
 * transaction, so two concurrent starts conflict and the retried one sees the lock. The same key
 * with the same request answers the load it made.
 */
export async function startLoad(
  deps: Pick<LoadDeps, 'store' | 'now'>,
  args: {
    accountId: string
    key: string
    cardId: string
    amount?: Fen
    /** An outlet operator's load (the outlet's records); `reloadOf` a 未圈存 record of that outlet. */
    outlet?: { outletId: string; operatorId: string; reloadOf?: string }
  },
): Promise<LoadDoc> {
  const { store, now } = deps
  const { accountId, key, cardId, outlet } = args
  const id = loadIdOf(accountId, key)
  const fingerprint = createHash('sha256')
    .update(
      JSON.stringify({
        cardId,
        amount: args.amount ?? null,
        ...(outlet ? { outletId: outlet.outletId, reloadOf: outlet.reloadOf ?? null } : {}),
      }),
    )
    .digest('base64url')

  return store.transaction(async (tx) => {
    const done = await tx.get<Stored<LoadDoc>>(collections.loads, id)
    if (done) {
      if (done.fingerprint !== fingerprint)
        throw new LoadError('KEY_REUSED', '该圈存请求编号已用于另一次圈存，请重新发起')
      return done
    }
    const card = await tx.get<Stored<CardDoc>>(collections.cards, cardId)
    if (!card) throw new LoadError('CARD_NOT_FOUND', '通行卡不存在')
    if (card.accountId !== accountId) throw new LoadError('NOT_YOUR_CARD', '该通行卡不属于当前账户，无法圈存')
    if (card.type !== 'stored') throw new LoadError('NOT_STORED_VALUE', '该卡为记账卡，只有储值卡可以圈存')
    if (card.status !== 'issued') throw new LoadError('CARD_NOT_ISSUED', '该储值卡不是已发行状态，无法圈存')

    const state = await cardStateOf(tx, cardId, now)
    if (state.activeLoadId) {
      const active = await tx.get<Stored<LoadDoc>>(collections.loads, state.activeLoadId)
      const holding = active && ['created', 'initialized', 'uncertain'].includes(active.state)
      if (active && holding && !lapsed(active, now))
        throw new LoadError('CARD_BUSY', '该卡正在进行另一笔圈存，请完成或等待其结束后再试')
      if (active && holding) {
        await tx.set(collections.loads, active.id, {
          ...active,
          state: 'expired',
          updatedAt: now.toISOString(),
        })
      }
    }

    const unloaded = await projectedBalance(tx, { kind: 'cardUnloaded', cardId })
    if (unloaded <= 0) throw new LoadError('NOTHING_TO_LOAD', '该卡没有待圈存金额')
    const amount = args.amount ?? unloaded
    if (amount > unloaded) throw new LoadError('AMOUNT_EXCEEDS_UNLOADED', '圈存金额超过该卡待圈存金额')

    const reloaded = outlet?.reloadOf
      ? await reloadableRecord(tx, outlet.reloadOf, outlet.outletId, card.id)
      : null
    if (reloaded && amount !== reloaded.amount)
      throw new LoadError('WRONG_STATE', '重新圈存的金额应与原充值记录一致')

    const vehicle = await tx.get<Stored<VehicleDoc>>(collections.vehicles, card.vehicleId)
    const load: LoadDoc = {
      id,
      accountId,
      cardId,
      cardNo: card.cardNo,
      vehicleId: card.vehicleId,
      plate: vehicle?.plate ?? '',
      plateColor: vehicle?.plateColor ?? '蓝',
      amount: fen(amount),
      terminal: loadTerminalNo,
      keyIndex: loadKeyIndex,
      transactionType: loadTransactionType,
      state: 'created',
      fingerprint,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      init: null,
      mac2: null,
      recovery: null,
      confirmation: null,
      uncertainReason: null,
      transferId: null,
      ...(outlet
        ? { outletId: outlet.outletId, operatorId: outlet.operatorId, reloadOf: outlet.reloadOf ?? null }
        : {}),
    }
    await tx.set(collections.loads, id, { ...load })
    if (reloaded) {
      await tx.set(collections.loads, reloaded.id, {
        ...reloaded,
        reloadedBy: id,
        updatedAt: now.toISOString(),
      })
    }
    await tx.set(collections.cardLoadStates, cardId, {
      ...state,
      activeLoadId: id,
      updatedAt: now.toISOString(),
    })
    return load
  })
}

/**
 * The 未圈存 record an outlet loads again: its own outlet's, of this card, provably not on the card
 * (closed not_loaded by an authenticated reading, or never initialized) and not loaded again yet.
 */
async function reloadableRecord(
  tx: TxStore,
  recordId: string,
  outletId: string,
  cardId: string,
): Promise<LoadDoc> {
  const record = await tx.get<Stored<LoadDoc>>(collections.loads, recordId)
  if (!record || (record.outletId ?? null) !== outletId || record.cardId !== cardId)
    throw new LoadError('LOAD_NOT_FOUND', '圈存记录不存在')
  if (record.reloadedBy) throw new LoadError('WRONG_STATE', '该充值记录已重新圈存，请刷新后查看')
  if (record.state !== 'not_loaded' && record.state !== 'expired') throw wrongState()
  return record
}

// ---------------------------------------------------------------- authenticated readings

/** Verifies MAC1 of an init reply for this load (its card, amount and terminal). */
export async function authenticate(
  keys: KeyService,
  load: LoadDoc,
  response: string,
  now: Date,
): Promise<AuthenticatedReading> {
  const init: InitResponse = parseInitResponse(response)
  let valid: boolean
  try {
    valid = await keys.verifyMac1({
      cardNo: load.cardNo,
      keyVersion: init.keyVersion,
      algorithmId: init.algorithmId,
      random: init.random,
      onlineSerial: init.onlineSerial,
      amount: load.amount,
      terminal: load.terminal,
      transactionType: load.transactionType,
      balance: init.balance,
      mac1: init.mac1,
    })
  } catch (error) {
    if (error instanceof KeyServiceError && error.code === 'UNSUPPORTED_ALGORITHM')
      throw new LoadError('ALGORITHM_UNSUPPORTED', '该卡的密钥算法暂不支持在线圈存，请到营业网点办理')
    throw error
  }
  if (!valid) throw new LoadError('MAC1_INVALID', '卡片认证失败（MAC1 校验不通过），请重新读卡后再试')
  return {
    balance: init.balance,
    onlineSerial: init.onlineSerial,
    keyVersion: init.keyVersion,
    algorithmId: init.algorithmId,
    random: init.random,
    mac1: init.mac1,
    response: init.hex,
    at: now.toISOString(),
  }
}

/**
 * Whether a reading contradicts the card's last authenticated one: the online serial only grows
 * (every credit increments it), and at the same serial the balance can only have fallen
 * (purchases spend without touching the online serial).
 */
export function contradicts(
  state: CardLoadStateDoc,
  reading: { onlineSerial: number; balance: number },
): boolean {
  if (state.lastSerial === null || state.lastBalance === null) return false
  if (reading.onlineSerial < state.lastSerial) return true
  return reading.onlineSerial === state.lastSerial && reading.balance > state.lastBalance
}

type ReadingCheck = { ok: true; state: CardLoadStateDoc } | { ok: false; flagged: CardLoadStateDoc }

/**
 * The checks every authenticated reading passes inside the transaction: its random never seen on
 * this card (a replayed reply would pass MAC1), and no contradiction with the last serial (then
 * the flagged state is answered for the caller to write before refusing).
 */
export function checkReading(
  state: CardLoadStateDoc,
  reading: AuthenticatedReading,
  loadId: string,
  now: Date,
): ReadingCheck {
  if (state.seenRandoms.includes(reading.random))
    throw new LoadError('INIT_REPLAYED', '该卡片响应已使用过，请重新读卡后再试')
  const seenRandoms = [...state.seenRandoms, reading.random].slice(-maxSeenRandoms)
  if (contradicts(state, reading)) {
    const flag: SerialFlag = {
      loadId,
      at: now.toISOString(),
      reading: { onlineSerial: reading.onlineSerial, balance: reading.balance, random: reading.random },
      last: { onlineSerial: state.lastSerial ?? 0, balance: state.lastBalance ?? fen(0) },
    }
    return {
      ok: false,
      flagged: {
        ...state,
        seenRandoms,
        flags: [...state.flags, flag].slice(-maxSerialFlags),
        updatedAt: flag.at,
      },
    }
  }
  return {
    ok: true,
    state: {
      ...state,
      seenRandoms,
      lastSerial: reading.onlineSerial,
      lastBalance: reading.balance,
      lastReadAt: reading.at,
      updatedAt: now.toISOString(),
    },
  }
}

export const contradiction = () =>
  new LoadError('SERIAL_CONTRADICTION', '卡片交易序号与记录不符，已记录待核查，请到营业网点处理')

// ---------------------------------------------------------------- init

/**
 * The card's INITIALIZE FOR LOAD reply for a created load: MAC1 verified, random new for the card,
 * serial consistent, the unloaded funds still cover the amount; the reading and MAC2 (with the
 * Beijing date and time it covers) are persisted before MAC2 is answered. MAC2 is issued once per
 * load: a second init of the same load is refused (after an interruption: recoverLoad).
 */
export async function initLoad(
  deps: LoadDeps,
  args: { accountId: string; loadId: string; response: string; cardNo?: string; outletId?: string },
): Promise<{ load: LoadDoc; mac2: IssuedMac2 }> {
  const { store, keys, now } = deps
  const outletId = args.outletId ?? null
  const before = await ownLoad(store, args.accountId, args.loadId, outletId)
  if (before.state !== 'created') throw wrongState()
  if (args.cardNo !== undefined && args.cardNo !== before.cardNo)
    throw new LoadError('WRONG_CARD', '读取到的卡片不是本次圈存的通行卡，请放入正确的卡片')
  const reading = await authenticate(keys, before, args.response, now)
  const wall = beijingTime(now)
  const date = wall.format('YYYYMMDD')
  const time = wall.format('HHmmss')
  const mac2Value = await keys.issueMac2({
    cardNo: before.cardNo,
    keyVersion: reading.keyVersion,
    algorithmId: reading.algorithmId,
    random: reading.random,
    onlineSerial: reading.onlineSerial,
    amount: before.amount,
    terminal: before.terminal,
    transactionType: before.transactionType,
    date,
    time,
  })
  const mac2: IssuedMac2 = { mac2: mac2Value, date, time, at: now.toISOString() }

  const outcome = await store.transaction(async (tx) => {
    const load = await ownLoad(tx, args.accountId, args.loadId, outletId)
    if (load.state !== 'created') throw wrongState()
    const card = await tx.get<Stored<CardDoc>>(collections.cards, load.cardId)
    if (!card || card.accountId !== args.accountId || card.type !== 'stored' || card.status !== 'issued')
      throw new LoadError('CARD_NOT_ISSUED', '该储值卡不是已发行状态，无法圈存')
    const check = checkReading(await cardStateOf(tx, load.cardId, now), reading, load.id, now)
    if (!check.ok) {
      await tx.set(collections.cardLoadStates, load.cardId, { ...check.flagged })
      return { flagged: true as const }
    }
    if (check.state.activeLoadId !== load.id) throw wrongState()
    const unloaded = await projectedBalance(tx, { kind: 'cardUnloaded', cardId: load.cardId })
    if (unloaded < load.amount) throw new LoadError('AMOUNT_EXCEEDS_UNLOADED', '圈存金额超过该卡待圈存金额')
    const next: LoadDoc = { ...load, state: 'initialized', init: reading, mac2, updatedAt: now.toISOString() }
    await tx.set(collections.loads, load.id, { ...next })
    await tx.set(collections.cardLoadStates, load.cardId, { ...check.state })
    return { flagged: false as const, load: next }
  })
  if (outcome.flagged) throw contradiction()
  return { load: outcome.load, mac2 }
}

// ---------------------------------------------------------------- confirm

/**
 * The TAC of the credit (from CREDIT FOR LOAD, or GET TRANSACTION PROOF after an interruption),
 * verified with the TAC key over the load as issued: new balance B0 + amount, serial N0, amount,
 * terminal, MAC2's date and time. Then one transaction posts `load:<id>` (unloaded → loaded),
 * records the card's new serial and balance, and frees the card. Idempotent: a confirmed load
 * answers itself.
 */
export async function confirmLoad(
  deps: LoadDeps,
  args: {
    accountId: string
    loadId: string
    source: 'credit' | 'proof'
    response: string
    outletId?: string
  },
): Promise<LoadDoc> {
  const { store, keys, now } = deps
  const outletId = args.outletId ?? null
  const before = await ownLoad(store, args.accountId, args.loadId, outletId)
  if (before.state === 'confirmed') return before
  if ((before.state !== 'initialized' && before.state !== 'uncertain') || !before.init || !before.mac2)
    throw wrongState()
  const { tac, mac2 } = parseTacResponse(args.response, args.source)
  const init = before.init
  const issued = before.mac2
  const balanceAfter = fen(init.balance + before.amount)
  // The proof's MAC2 must be the one issued for this load: the TAC already binds terminal, date
  // and time, so this only makes a foreign proof fail early and plainly.
  const valid =
    (mac2 === null || mac2 === issued.mac2) &&
    (await keys.verifyTac({
      cardNo: before.cardNo,
      keyVersion: init.keyVersion,
      algorithmId: init.algorithmId,
      balanceAfter,
      onlineSerial: init.onlineSerial,
      amount: before.amount,
      transactionType: before.transactionType,
      terminal: before.terminal,
      date: issued.date,
      time: issued.time,
      tac,
    }))
  if (!valid) throw new LoadError('TAC_INVALID', '交易认证码（TAC）校验不通过，圈存结果未确认')

  return store.transaction(async (tx) => {
    const load = await ownLoad(tx, args.accountId, args.loadId, outletId)
    if (load.state === 'confirmed') return load
    if (load.state !== 'initialized' && load.state !== 'uncertain') throw wrongState()
    if (load.init?.random !== init.random || load.mac2?.mac2 !== issued.mac2) throw wrongState()
    const transferId = loadTransferId(load.id)
    try {
      await postTransfers(
        tx,
        [
          {
            id: transferId,
            debit: { kind: 'cardUnloaded', cardId: load.cardId },
            credit: { kind: 'cardLoaded', cardId: load.cardId },
            amount: load.amount,
            reason: 'load',
            ref: load.id,
          },
        ],
        now,
      )
    } catch (error) {
      // The chip has the money (the TAC says so) but the unloaded funds no longer cover it: nothing
      // else takes them today, so this is for reconciliation, never for a guess. The ledger wrote
      // nothing (it refuses before writing); the card stays locked.
      if (!(error instanceof LedgerError) || error.code !== 'INSUFFICIENT_FUNDS') throw error
      const held: LoadDoc = {
        ...load,
        state: 'uncertain',
        uncertainReason: `TAC ${tac} verified, but the unloaded funds no longer cover ${load.amount}`,
        verifiedTac: tac,
        updatedAt: now.toISOString(),
      }
      await tx.set(collections.loads, load.id, { ...held })
      return held
    }
    const serialAfter = init.onlineSerial + 1
    const state = await cardStateOf(tx, load.cardId, now)
    const newer = state.lastSerial === null || serialAfter > state.lastSerial
    await tx.set(collections.cardLoadStates, load.cardId, {
      ...state,
      activeLoadId: state.activeLoadId === load.id ? null : state.activeLoadId,
      ...(newer ? { lastSerial: serialAfter, lastBalance: balanceAfter, lastReadAt: now.toISOString() } : {}),
      updatedAt: now.toISOString(),
    })
    const next: LoadDoc = {
      ...load,
      state: 'confirmed',
      confirmation: {
        tac,
        source: args.source,
        balanceAfter,
        onlineSerialAfter: serialAfter,
        at: now.toISOString(),
      },
      transferId,
      updatedAt: now.toISOString(),
    }
    await tx.set(collections.loads, load.id, { ...next })
    return next
  })
}

// ---------------------------------------------------------------- recover

/** What a fresh authenticated reading says of a load issued at serial N0 and balance B0 (§6). */
export function readingVerdict(
  init: Pick<AuthenticatedReading, 'onlineSerial' | 'balance'>,
  amount: Fen,
  reading: Pick<AuthenticatedReading, 'onlineSerial' | 'balance'>,
): LoadRecovery['verdict'] {
  const n0 = init.onlineSerial
  const b0 = init.balance
  if (reading.onlineSerial === n0 + 1 && reading.balance === b0 + amount) return 'happened'
  if (reading.onlineSerial === n0 && reading.balance === b0) return 'not_happened'
  return 'uncertain'
}

/**
 * After an interruption (reply lost, link dropped) the phone runs a FRESH INITIALIZE FOR LOAD with
 * the same amount and terminal. Only that reading settles anything: its MAC1 verifies and its
 * random is new for the card, so B1 and N1 are the card's own word (a GET BALANCE reply or relayed
 * 0018 records carry no MAC and are never taken).
 *
 * - N1 = N0 + 1 and B1 = B0 + amount: a credit happened. It is NOT confirmed on these numbers:
 *   the online serial counts every online transaction on the card, from any terminal (an outlet,
 *   another channel), so "one credit of this amount since N0" does not prove it was this load's
 *   MAC2. The load stays initialized with the verdict `happened`, and the phone fetches the TAC
 *   with GET TRANSACTION PROOF for serial N0; confirmLoad verifies it (it binds our terminal,
 *   date and time) and only then moves the money in the ledger.
 * - N1 = N0 and B1 = B0: no credit: the load is closed `not_loaded` and the card freed; a new
 *   load starts with a new init and a new MAC2 (the old MAC2 is never issued again; the card's new
 *   random already made it useless).
 * - Anything else: `uncertain`, left for reconciliation; the card stays locked so nothing is
 *   loaded twice meanwhile.
 */
export async function recoverLoad(
  deps: LoadDeps,
  args: { accountId: string; loadId: string; response: string; outletId?: string },
): Promise<{ load: LoadDoc; verdict: LoadRecovery['verdict'] }> {
  const { store, keys, now } = deps
  const outletId = args.outletId ?? null
  const before = await ownLoad(store, args.accountId, args.loadId, outletId)
  if (before.state !== 'initialized' || !before.init) throw wrongState()
  const reading = await authenticate(keys, before, args.response, now)
  const b0 = before.init.balance
  const n0 = before.init.onlineSerial
  const verdict = readingVerdict(before.init, before.amount, reading)

  const outcome = await store.transaction(async (tx) => {
    const load = await ownLoad(tx, args.accountId, args.loadId, outletId)
    if (load.state !== 'initialized' || load.init?.random !== before.init?.random) throw wrongState()
    const check = checkReading(await cardStateOf(tx, load.cardId, now), reading, load.id, now)
    if (!check.ok) {
      await tx.set(collections.cardLoadStates, load.cardId, { ...check.flagged })
      return { flagged: true as const }
    }
    const closes = verdict === 'not_happened'
    const next: LoadDoc = {
      ...load,
      state: verdict === 'happened' ? 'initialized' : closes ? 'not_loaded' : 'uncertain',
      recovery: { reading, verdict },
      uncertainReason:
        verdict === 'uncertain'
          ? `fresh init shows serial ${reading.onlineSerial} balance ${reading.balance}; ` +
            `issued at serial ${n0} balance ${b0} for ${load.amount}`
          : null,
      updatedAt: now.toISOString(),
    }
    await tx.set(collections.loads, load.id, { ...next })
    await tx.set(collections.cardLoadStates, load.cardId, {
      ...check.state,
      activeLoadId: closes && check.state.activeLoadId === load.id ? null : check.state.activeLoadId,
    })
    return { flagged: false as const, load: next }
  })
  if (outcome.flagged) throw contradiction()
  return { load: outcome.load, verdict }
}

/** A load of the account (LOAD_NOT_FOUND for another account's). */
export function readLoad(store: Store, accountId: string, loadId: string): Promise<LoadDoc> {
  return ownLoad(store, accountId, loadId)
}
