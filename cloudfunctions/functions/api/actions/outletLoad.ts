import { creditForLoadApdu, transactionProofApdu } from '../../../core/load/cardBytes'
import { confirmLoad, initLoad, recoverLoad, type LoadDeps } from '../../../core/load/saga'
import type { ActionResponses, LoadRecoveryOutcome, ParsedRequest } from '../../../../types/api'
import type { OperatorContext } from '../context'
import { keysOf, loadView } from './load'
import { outletLoadDoc, outletOf, outletSaga } from './outlet'

/**
 * The card steps of an outlet load: the roadside saga's own (load.init / confirm / recover), run
 * for the card's account under this operator's outlet, so an outlet reaches only its own loads and
 * a driver's load actions never reach these.
 */

function depsOf(ctx: OperatorContext): LoadDeps {
  return { store: ctx.store, keys: keysOf(ctx), now: ctx.clock.now() }
}

async function scoped(ctx: OperatorContext, loadId: string) {
  const load = await outletLoadDoc(ctx, loadId)
  return { accountId: load.accountId, outletId: outletOf(ctx), loadId }
}

export async function outletLoadInit(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.load.init'>,
): Promise<ActionResponses['outlet.load.init']> {
  const scope = await scoped(ctx, input.loadId)
  const { load, mac2 } = await outletSaga(() =>
    initLoad(depsOf(ctx), { ...scope, response: input.response, cardNo: input.cardNo }),
  )
  return {
    load: loadView(load),
    mac2: mac2.mac2,
    date: mac2.date,
    time: mac2.time,
    creditApdu: creditForLoadApdu(mac2.date, mac2.time, mac2.mac2),
  }
}

export async function outletLoadConfirm(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.load.confirm'>,
): Promise<ActionResponses['outlet.load.confirm']> {
  const scope = await scoped(ctx, input.loadId)
  const load = await outletSaga(() =>
    confirmLoad(depsOf(ctx), { ...scope, source: input.source, response: input.response }),
  )
  return { load: loadView(load) }
}

const outcomes = { happened: 'happened', not_happened: 'not_loaded', uncertain: 'uncertain' } as const

export async function outletLoadRecover(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.load.recover'>,
): Promise<ActionResponses['outlet.load.recover']> {
  const scope = await scoped(ctx, input.loadId)
  const { load, verdict } = await outletSaga(() =>
    recoverLoad(depsOf(ctx), { ...scope, response: input.response }),
  )
  const outcome: LoadRecoveryOutcome = outcomes[verdict]
  return {
    load: loadView(load),
    outcome,
    proofApdu: outcome === 'happened' && load.init ? transactionProofApdu(load.init.onlineSerial) : null,
  }
}

export async function outletLoadStatus(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.load.status'>,
): Promise<ActionResponses['outlet.load.status']> {
  return { load: loadView(await outletLoadDoc(ctx, input.loadId)) }
}
