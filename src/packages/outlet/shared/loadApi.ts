import type { Fen } from '../../../../types/money'
import type { LoadApi } from '../../load/flow'
import { callOperator } from '../../operator/shared/api'
import { outletLoadApiOver } from '../outletLoadApi'

/** The outlet's load saga over the operator's session (see outletLoadApi.ts). */
export function outletLoadApi(target: { recordId: string } | { intentId: string; amount: Fen }): LoadApi {
  return outletLoadApiOver(callOperator, target)
}
