import { moneyRequestSchemas } from '../../../../types/actions/money'
import type { ActionDomain, HandlerTable } from '../handlers'
import {
  applyAllocationAction,
  createRecharge,
  listAllocations,
  listRecharges,
  moneyCards,
  moneySummary,
  rechargeStatus,
} from './money'

/** Stored-value funds, for the session's account only; ids of other accounts answer NOT_FOUND. */
export const moneyHandlers: HandlerTable<keyof typeof moneyRequestSchemas> = {
  'money.summary': { access: 'account', run: moneySummary },
  'money.cards': { access: 'account', run: moneyCards },
  'recharge.create': { access: 'account', run: createRecharge },
  'recharge.status': { access: 'account', run: rechargeStatus },
  'recharge.list': { access: 'account', run: listRecharges },
  'allocation.apply': { access: 'account', run: applyAllocationAction },
  'allocation.list': { access: 'account', run: listAllocations },
}

export const moneyDomain: ActionDomain = { schemas: moneyRequestSchemas, handlers: moneyHandlers }
