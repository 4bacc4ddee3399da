import type { ActionRequest, ActionResponse } from '../../../types'
import type { Fen } from '../../../types/money'
import type { LoadApi } from '../load/flow'

export type OutletLoadAction =
  | 'outlet.load.start'
  | 'outlet.load.init'
  | 'outlet.load.confirm'
  | 'outlet.load.recover'
  | 'outlet.load.status'

/** The operator's API client (callOperator), or the api entry itself in tests. */
export type OutletLoadCaller = <A extends OutletLoadAction>(
  action: A,
  payload: ActionRequest<A>,
) => Promise<ActionResponse<A>>

/**
 * The load saga as an outlet operator runs it (outlet.load.*): the same card steps as the driver's
 * LoadFlow, started for a 未圈存 record (its amount) or, after a paid outlet recharge, for the card
 * just read (file 0015's number) and the paid amount. Taro-free: tests run it against the api.
 */
export function outletLoadApiOver(
  call: OutletLoadCaller,
  target: { recordId: string } | { intentId: string; amount: Fen },
): LoadApi {
  return {
    scope: 'recordId' in target ? `outlet:${target.recordId}` : `outlet:${target.intentId}`,
    start: (key, { cardNo, restartOf }) =>
      call(
        'outlet.load.start',
        // a load that provably did not happen is itself a 未圈存 record of this outlet: load it again
        restartOf
          ? { key, recordId: restartOf.loadId }
          : 'recordId' in target
            ? { key, recordId: target.recordId }
            : { key, cardNo, amount: target.amount },
      ),
    init: (request) => call('outlet.load.init', request),
    confirm: (request) => call('outlet.load.confirm', request),
    recover: (request) => call('outlet.load.recover', request),
    status: (request) => call('outlet.load.status', request),
  }
}
