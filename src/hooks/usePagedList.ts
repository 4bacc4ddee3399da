import { useCallback, useEffect, useRef, useState } from 'react'
import type { ActionName, ActionRequest, ActionResponse, Page } from '../../types'
import { ApiError, call } from '../services/api'
import { toApiError } from './useApiQuery'

/** Actions that answer a cursor page. */
export type PagedAction = {
  [A in ActionName]: ActionResponse<A> extends Page<unknown> ? A : never
}[ActionName]

export type PageItem<A extends PagedAction> = ActionResponse<A> extends Page<infer T> ? T : never
export type PagedFilters<A extends PagedAction> = Omit<ActionRequest<A>, 'cursor' | 'limit'>

export interface PagedList<A extends PagedAction> {
  items: PageItem<A>[]
  total: number
  hasMore: boolean
  /** First page (or a refresh) in flight. */
  loading: boolean
  loadingMore: boolean
  error: ApiError | null
  filters: PagedFilters<A>
  /** The latest first-page answer, for what a list action answers besides its items (e.g. cards.list's `stored`). */
  firstPage: ActionResponse<A> | null
  setFilters: (filters: PagedFilters<A>) => void
  /** Replaces loaded items in place (e.g. after a change the server answered with the new rows). */
  updateItems: (update: (items: PageItem<A>[]) => PageItem<A>[]) => void
  loadMore: () => Promise<void>
  refresh: () => Promise<void>
}

export interface PagedListOptions<A extends PagedAction> {
  limit?: number
  /** false: nothing is asked (yet); turning true loads the first page. */
  enabled?: boolean
  /** The API client; the driver's `call` unless told (operator pages pass callOperator). */
  caller?: (action: A, payload: ActionRequest<A>) => Promise<ActionResponse<A>>
}

/** Cursor paging over one list action; keeps its filters, restarts from the first page when they change. */
export function usePagedList<A extends PagedAction>(
  action: A,
  initialFilters: PagedFilters<A>,
  options: PagedListOptions<A> = {},
): PagedList<A> {
  const limit = options.limit ?? 20
  const enabled = options.enabled ?? true
  const caller = options.caller ?? call
  const [filters, setFilters] = useState<PagedFilters<A>>(initialFilters)
  const [items, setItems] = useState<PageItem<A>[]>([])
  const [total, setTotal] = useState(0)
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(enabled)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const [firstPage, setFirstPage] = useState<ActionResponse<A> | null>(null)
  const generation = useRef(0)
  const busy = useRef(false)

  const fetchPage = useCallback(
    (after: string | null) => {
      const payload = { ...filters, limit, ...(after ? { cursor: after } : {}) } as ActionRequest<A>
      // every PagedAction answers a Page (possibly with more fields): see PagedAction
      return caller(action, payload) as unknown as Promise<Page<PageItem<A>> & ActionResponse<A>>
    },
    [action, caller, filters, limit],
  )

  const refresh = useCallback(async () => {
    const gen = ++generation.current
    busy.current = true
    setLoading(true)
    // a load-more in flight is superseded: its answer is dropped, so it must not stay spinning
    setLoadingMore(false)
    setError(null)
    try {
      const page = await fetchPage(null)
      if (gen !== generation.current) return
      setItems(page.items)
      setTotal(page.total)
      setCursor(page.nextCursor)
      setFirstPage(page)
    } catch (e) {
      if (gen !== generation.current) return
      setFirstPage(null)
      setItems([])
      setTotal(0)
      setCursor(null)
      setError(toApiError(e))
    } finally {
      if (gen === generation.current) {
        busy.current = false
        setLoading(false)
      }
    }
  }, [fetchPage])

  const loadMore = useCallback(async () => {
    if (busy.current || !cursor) return
    const gen = generation.current
    busy.current = true
    setLoadingMore(true)
    setError(null)
    try {
      const page = await fetchPage(cursor)
      if (gen !== generation.current) return
      setItems((prev) => [...prev, ...page.items])
      setTotal(page.total)
      setCursor(page.nextCursor)
    } catch (e) {
      if (gen === generation.current) setError(toApiError(e))
    } finally {
      if (gen === generation.current) {
        busy.current = false
        setLoadingMore(false)
      }
    }
  }, [cursor, fetchPage])

  useEffect(() => {
    if (enabled) void refresh()
  }, [enabled, refresh])

  return {
    items,
    total,
    hasMore: cursor !== null,
    loading,
    loadingMore,
    error,
    filters,
    firstPage,
    setFilters,
    updateItems: setItems,
    loadMore,
    refresh,
  }
}
