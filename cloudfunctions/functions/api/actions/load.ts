import { maskCardNo } from '../../../core/masking'
import { creditForLoadApdu, initForLoadApdu, transactionProofApdu } from '../../../core/load/cardBytes'
import type { LoadDoc } from '../../../core/load/loadDocuments'
import { LoadError, type LoadErrorCode } from '../../../core/load/loadErrors'
import {
  confirmLoad,
  initLoad,
  readLoad,
  recoverLoad,
  startLoad,
  type LoadDeps,
} from '../../../core/load/saga'
import type { KeyService } from '../../../ports/keyService'
import type { ActionResponses, LoadRecoveryOutcome, LoadView, ParsedRequest } from '../../../../types/api'
import type { ErrorCode } from '../../../../types/errors'
import { ActionError, type AuthedContext } from '../context'

/** The saga's refusals as the api answers them; the saga's Chinese message goes with each. */
const errorCodes: Readonly<Record<LoadErrorCode, ErrorCode>> = {
  CARD_NOT_FOUND: 'NOT_FOUND',
  NOT_YOUR_CARD: 'LOAD_NOT_YOUR_CARD',
  NOT_STORED_VALUE: 'LOAD_CARD_NOT_STORED_VALUE',
  CARD_NOT_ISSUED: 'LOAD_CARD_NOT_ISSUED',
  NOTHING_TO_LOAD: 'LOAD_NOTHING_TO_LOAD',
  AMOUNT_EXCEEDS_UNLOADED: 'LOAD_AMOUNT_EXCEEDS',
  CARD_BUSY: 'LOAD_CARD_BUSY',
  KEY_REUSED: 'REQUEST_KEY_REUSED',
  LOAD_NOT_FOUND: 'NOT_FOUND',
  WRONG_STATE: 'LOAD_WRONG_STATE',
  BAD_RESPONSE: 'LOAD_BAD_RESPONSE',
  WRONG_CARD: 'LOAD_WRONG_CARD',
  ALGORITHM_UNSUPPORTED: 'LOAD_ALGORITHM_UNSUPPORTED',
  MAC1_INVALID: 'LOAD_MAC1_INVALID',
  INIT_REPLAYED: 'LOAD_INIT_REPLAYED',
  SERIAL_CONTRADICTION: 'LOAD_SERIAL_CONTRADICTION',
  TAC_INVALID: 'LOAD_TAC_INVALID',
}

export async function saga<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof LoadError) throw new ActionError(errorCodes[error.code], error.message)
    throw error
  }
}

export function keysOf(ctx: Pick<AuthedContext, 'loadKeys'>): KeyService {
  if (!ctx.loadKeys) throw new ActionError('LOAD_UNAVAILABLE')
  return ctx.loadKeys
}

function depsOf(ctx: AuthedContext): LoadDeps {
  return { store: ctx.store, keys: keysOf(ctx), now: ctx.clock.now() }
}

export function loadView(load: LoadDoc): LoadView {
  return {
    loadId: load.id,
    cardId: load.cardId,
    cardNo: maskCardNo(load.cardNo),
    plate: load.plate,
    plateColor: load.plateColor,
    amount: load.amount,
    state: load.state,
    balanceBefore: load.init?.balance ?? null,
    balanceAfter: load.confirmation?.balanceAfter ?? null,
    createdAt: load.createdAt,
    updatedAt: load.updatedAt,
  }
}

export async function loadStart(
  ctx: AuthedContext,
  input: ParsedRequest<'load.start'>,
): Promise<ActionResponses['load.start']> {
  keysOf(ctx) // no load starts where none could finish
  const load = await saga(() =>
    startLoad(
      { store: ctx.store, now: ctx.clock.now() },
      { accountId: ctx.identity.accountId, key: input.key, cardId: input.cardId, amount: input.amount },
    ),
  )
  return { load: loadView(load), initApdu: initForLoadApdu(load.keyIndex, load.amount, load.terminal) }
}

export async function loadInit(
  ctx: AuthedContext,
  input: ParsedRequest<'load.init'>,
): Promise<ActionResponses['load.init']> {
  const { load, mac2 } = await saga(() =>
    initLoad(depsOf(ctx), {
      accountId: ctx.identity.accountId,
      loadId: input.loadId,
      response: input.response,
      cardNo: input.cardNo,
    }),
  )
  return {
    load: loadView(load),
    mac2: mac2.mac2,
    date: mac2.date,
    time: mac2.time,
    creditApdu: creditForLoadApdu(mac2.date, mac2.time, mac2.mac2),
  }
}

export async function loadConfirm(
  ctx: AuthedContext,
  input: ParsedRequest<'load.confirm'>,
): Promise<ActionResponses['load.confirm']> {
  const load = await saga(() =>
    confirmLoad(depsOf(ctx), {
      accountId: ctx.identity.accountId,
      loadId: input.loadId,
      source: input.source,
      response: input.response,
    }),
  )
  return { load: loadView(load) }
}

const outcomes = { happened: 'happened', not_happened: 'not_loaded', uncertain: 'uncertain' } as const

export async function loadRecover(
  ctx: AuthedContext,
  input: ParsedRequest<'load.recover'>,
): Promise<ActionResponses['load.recover']> {
  const { load, verdict } = await saga(() =>
    recoverLoad(depsOf(ctx), {
      accountId: ctx.identity.accountId,
      loadId: input.loadId,
      response: input.response,
    }),
  )
  const outcome: LoadRecoveryOutcome = outcomes[verdict]
  return {
    load: loadView(load),
    outcome,
    proofApdu: outcome === 'happened' && load.init ? transactionProofApdu(load.init.onlineSerial) : null,
  }
}

export async function loadStatus(
  ctx: AuthedContext,
  input: ParsedRequest<'load.status'>,
): Promise<ActionResponses['load.status']> {
  const load = await saga(() => readLoad(ctx.store, ctx.identity.accountId, input.loadId))
  return { load: loadView(load) }
}
