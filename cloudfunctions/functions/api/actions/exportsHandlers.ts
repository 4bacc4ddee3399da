import { exportsRequestSchemas } from '../../../../types/actions/exports'
import type { ActionDomain, HandlerTable } from '../handlers'
import { createExport, exportLink, listExports, reexport } from './exports'

/** Exports of the session's account; exports of other accounts answer NOT_FOUND. */
export const exportsHandlers: HandlerTable<keyof typeof exportsRequestSchemas> = {
  'exports.create': { access: 'account', run: createExport },
  'exports.list': { access: 'account', run: listExports },
  'exports.reexport': { access: 'account', run: reexport },
  'exports.link': { access: 'account', run: exportLink },
}

export const exportsDomain: ActionDomain = { schemas: exportsRequestSchemas, handlers: exportsHandlers }
