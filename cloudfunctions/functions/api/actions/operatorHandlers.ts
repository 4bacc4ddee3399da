import { operatorRequestSchemas } from '../../../../types/actions/operator'
import type { ActionDomain, HandlerTable } from '../handlers'
import { operatorLogin, operatorLogout, operatorMe } from './operator'
import { listReconciliationReports, reconciliationReportDetail } from './operatorReconciliation'

/**
 * Operators only (handlers.ts access 'operator'): the router resolves an operator token, never a
 * driver's, and checks the role; the login is public and refuses WeChat callers itself.
 */
export const operatorHandlers: HandlerTable<keyof typeof operatorRequestSchemas> = {
  'operator.login': { access: 'public', run: operatorLogin },
  'operator.logout': { access: 'operator', role: null, run: operatorLogout },
  'operator.me': { access: 'operator', role: null, run: operatorMe },
  'operator.reconciliation.list': {
    access: 'operator',
    role: 'reconciliation',
    run: listReconciliationReports,
  },
  'operator.reconciliation.detail': {
    access: 'operator',
    role: 'reconciliation',
    run: reconciliationReportDetail,
  },
}

export const operatorDomain: ActionDomain = { schemas: operatorRequestSchemas, handlers: operatorHandlers }
