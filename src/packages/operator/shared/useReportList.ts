import { useCallback, useEffect, useRef, useState } from 'react'
import type { ReconciliationReportSummary } from '../../../../types/actions/operator'
import type { PaymentChannel } from '../../../../types/moneyRules'
import type { ListState } from '../../../components/list-with-filters'
import { ApiError } from '../../../services/api/errors'
import { callOperator } from './api'

const PAGE = 20

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError('INTERNAL', '系统繁忙，请稍后再试', 500)
}

/** One provider's reports, newest day first, paged with the cursor (the driver lists' usePagedList, on the operator client). */
export function useReportList(
  provider: PaymentChannel,
  enabled: boolean,
): ListState<ReconciliationReportSummary> & { refresh: () => Promise<void>; loadMore: () => Promise<void> } {
  const [items, setItems] = useState<ReconciliationReportSummary[]>([])
  const [total, setTotal] = useState(0)
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(enabled)
  const [loadingMore, setLoadingMore] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const generation = useRef(0)

  const refresh = useCallback(async () => {
    const gen = ++generation.current
    setLoading(true)
    setError(null)
    try {
      const page = await callOperator('operator.reconciliation.list', { provider, limit: PAGE })
      if (gen !== generation.current) return
      setItems(page.items)
      setTotal(page.total)
      setCursor(page.nextCursor)
    } catch (e) {
      if (gen !== generation.current) return
      setItems([])
      setTotal(0)
      setCursor(null)
      setError(toApiError(e))
    } finally {
      if (gen === generation.current) setLoading(false)
    }
  }, [provider])

  const loadMore = useCallback(async () => {
    if (!cursor || loadingMore) return
    const gen = generation.current
    setLoadingMore(true)
    setError(null)
    try {
      const page = await callOperator('operator.reconciliation.list', { provider, limit: PAGE, cursor })
      if (gen !== generation.current) return
      setItems((prev) => [...prev, ...page.items])
      setTotal(page.total)
      setCursor(page.nextCursor)
    } catch (e) {
      if (gen === generation.current) setError(toApiError(e))
    } finally {
      if (gen === generation.current) setLoadingMore(false)
    }
  }, [cursor, loadingMore, provider])

  useEffect(() => {
    if (enabled) void refresh()
  }, [enabled, refresh])

  return { items, total, hasMore: cursor !== null, loading, loadingMore, error, refresh, loadMore }
}
