import { etcRequestSchemas } from '../../../../types/actions/etc'
import type { ActionDomain, HandlerTable } from '../handlers'
import { me, profile } from './account'
import { cardBalances, cardDetail, cardStatusList, listCards } from './cards'
import { listParking, setParking } from './parking'
import { listTags, tagDetail } from './tags'
import { listVehicles, vehicleDetail } from './vehicles'

/** Every action here acts for the session's account only; ids of other accounts answer NOT_FOUND. */
export const etcHandlers: HandlerTable<keyof typeof etcRequestSchemas> = {
  'account.me': { access: 'account', run: me },
  'account.profile': { access: 'account', run: profile },
  'vehicles.list': { access: 'account', run: listVehicles },
  'vehicles.detail': { access: 'account', run: vehicleDetail },
  'cards.list': { access: 'account', run: listCards },
  'cards.balances': { access: 'account', run: cardBalances },
  'cards.detail': { access: 'account', run: cardDetail },
  'cards.statusList': { access: 'account', run: cardStatusList },
  'tags.list': { access: 'account', run: listTags },
  'tags.detail': { access: 'account', run: tagDetail },
  'parking.list': { access: 'account', run: listParking },
  'parking.set': { access: 'account', run: setParking },
}

export const etcDomain: ActionDomain = { schemas: etcRequestSchemas, handlers: etcHandlers }
