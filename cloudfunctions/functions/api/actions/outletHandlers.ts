import { outletRequestSchemas } from '../../../../types/actions/outlet'
import type { ActionDomain, HandlerTable } from '../handlers'
import { outletLoadStart, outletRecordsDetail, outletRecordsList, outletRecordsReset } from './outlet'
import { outletLoadConfirm, outletLoadInit, outletLoadRecover, outletLoadStatus } from './outletLoad'
import { outletRechargeCreate, outletRechargeIntent, outletRechargeStatus } from './outletRecharge'

/**
 * Outlet operators only (role 'outlet'), each within its own outlet; drivers' tokens are refused —
 * except outlet.recharge.intent, the customer's side of a recharge code, for the card's own account.
 */
const outlet = 'outlet' as const
export const outletHandlers: HandlerTable<keyof typeof outletRequestSchemas> = {
  'outlet.records.list': { access: 'operator', role: outlet, run: outletRecordsList },
  'outlet.records.detail': { access: 'operator', role: outlet, run: outletRecordsDetail },
  'outlet.records.reset': { access: 'operator', role: outlet, run: outletRecordsReset },
  'outlet.load.start': { access: 'operator', role: outlet, run: outletLoadStart },
  'outlet.recharge.create': { access: 'operator', role: outlet, run: outletRechargeCreate },
  'outlet.recharge.status': { access: 'operator', role: outlet, run: outletRechargeStatus },
  'outlet.recharge.intent': { access: 'account', run: outletRechargeIntent },
  'outlet.load.init': { access: 'operator', role: outlet, run: outletLoadInit },
  'outlet.load.confirm': { access: 'operator', role: outlet, run: outletLoadConfirm },
  'outlet.load.recover': { access: 'operator', role: outlet, run: outletLoadRecover },
  'outlet.load.status': { access: 'operator', role: outlet, run: outletLoadStatus },
}

export const outletDomain: ActionDomain = { schemas: outletRequestSchemas, handlers: outletHandlers }
