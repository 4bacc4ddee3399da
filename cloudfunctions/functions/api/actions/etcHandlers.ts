import type { etcRequestSchemas } from '../../../../types/actions/etc'
import type { HandlerTable } from '../handlers'
import { me } from './account'
import { listVehicles } from './vehicles'

export const etcHandlers: HandlerTable<keyof typeof etcRequestSchemas> = {
  'account.me': { access: 'account', run: me },
  'vehicles.list': { access: 'account', run: listVehicles },
}
