import { loadRequestSchemas } from '../../../../types/actions/load'
import type { ActionDomain, HandlerTable } from '../handlers'
import { loadConfirm, loadInit, loadRecover, loadStart, loadStatus } from './load'

/** Roadside load, for the session's account only; loads of other accounts answer NOT_FOUND. */
export const loadHandlers: HandlerTable<keyof typeof loadRequestSchemas> = {
  'load.start': { access: 'account', run: loadStart },
  'load.init': { access: 'account', run: loadInit },
  'load.confirm': { access: 'account', run: loadConfirm },
  'load.recover': { access: 'account', run: loadRecover },
  'load.status': { access: 'account', run: loadStatus },
}

export const loadDomain: ActionDomain = { schemas: loadRequestSchemas, handlers: loadHandlers }
