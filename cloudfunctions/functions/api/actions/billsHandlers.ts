import { billsRequestSchemas } from '../../../../types/actions/bills'
import type { ActionDomain, HandlerTable } from '../handlers'
import { billDetails, billStatistics, billTrend } from './bills'
import { ingestTripsAction, listRefunds, listTrips, tripDetail } from './billsTrips'

/**
 * Bills, trips and refunds for the session's account only (ids of other accounts answer NOT_FOUND);
 * trips.ingest for the clearing side only (an operator of role `clearing`, see billsTrips.ts).
 */
export const billsHandlers: HandlerTable<keyof typeof billsRequestSchemas> = {
  'bills.statistics': { access: 'account', run: billStatistics },
  'bills.trend': { access: 'account', run: billTrend },
  'bills.details': { access: 'account', run: billDetails },
  'trips.list': { access: 'account', run: listTrips },
  'trips.detail': { access: 'account', run: tripDetail },
  'refunds.list': { access: 'account', run: listRefunds },
  'trips.ingest': { access: 'operator', role: 'clearing', run: ingestTripsAction },
}

export const billsDomain: ActionDomain = { schemas: billsRequestSchemas, handlers: billsHandlers }
