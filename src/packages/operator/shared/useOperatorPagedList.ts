import {
  usePagedList,
  type PagedAction,
  type PagedFilters,
  type PagedList,
  type PagedListOptions,
} from '../../../hooks/usePagedList'
import { callOperator } from './api'

/**
 * The operator pages' cursor list: usePagedList (same state, filters, paging and ListWithFilters
 * shape) over callOperator, with the operator's token, never the driver's.
 */
export function useOperatorPagedList<A extends PagedAction>(
  action: A,
  initialFilters: PagedFilters<A>,
  options: Omit<PagedListOptions<A>, 'caller'> = {},
): PagedList<A> {
  return usePagedList(action, initialFilters, { ...options, caller: callOperator })
}
