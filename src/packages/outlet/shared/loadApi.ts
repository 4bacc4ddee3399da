import type { Fen } from '../../../../types/money'
import type { LoadApi } from '../../load/flow'
import { callOperator } from '../../operator/shared/api'

/**
 * The load saga as an outlet operator runs it (outlet.load.*): the same card steps as the driver's
 * LoadFlow, started for a 未圈存 record (its amount) or, after a paid outlet recharge, for the card
 * just read (file 0015's number) and the paid amount.
 */
export function outletLoadApi(target: { recordId: string } | { intentId: string; amount: Fen }): LoadApi {
  return {
    scope: 'recordId' in target ? `outlet:${target.recordId}` : `outlet:${target.intentId}`,
    start: (key, { cardNo, restartOf }) =>
      callOperator(
        'outlet.load.start',
        // a load that provably did not happen is itself a 未圈存 record of this outlet: load it again
        restartOf
          ? { key, recordId: restartOf.loadId }
          : 'recordId' in target
            ? { key, recordId: target.recordId }
            : { key, cardNo, amount: target.amount },
      ),
    init: (request) => callOperator('outlet.load.init', request),
    confirm: (request) => callOperator('outlet.load.confirm', request),
    recover: (request) => callOperator('outlet.load.recover', request),
    status: (request) => callOperator('outlet.load.status', request),
  }
}
