import { shanghaiDayConditions } from '../businessTime'
import type { Condition } from '../../ports/store'
import type { DateRange } from '../../../types/dateRange'
import type { InvoiceKind } from '../../../types/invoiceRules'

/** 已开票查询's filter, resolved (dates defaulted): the list and its export query the same way. */
export interface InvoiceListFilter extends DateRange {
  kind: InvoiceKind
  vehicleId?: string | null
  plate?: string | null
}

/** The account's invoices of one tab, newest issue first. */
export function invoiceListQuery(accountId: string, filter: InvoiceListFilter) {
  const where: Condition[] = [{ field: 'accountId', op: 'eq', value: accountId }]
  if (filter.vehicleId) where.push({ field: 'vehicleId', op: 'eq', value: filter.vehicleId })
  if (filter.plate) where.push({ field: 'plate', op: 'eq', value: filter.plate })
  where.push({ field: 'kind', op: 'eq', value: filter.kind }, ...shanghaiDayConditions('issuedAt', filter))
  return { where, orderBy: { field: 'issuedAt', direction: 'desc' as const } }
}
