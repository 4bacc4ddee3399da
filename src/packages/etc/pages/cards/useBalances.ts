import { useCallback, useEffect, useState } from 'react'
import type { CardBalance, CardRow } from '../../../../../types'
import { useApiAction } from '../../../../hooks/useApiAction'

/** maxBalanceCards of the contract (a value import would ship zod to the phone). */
const maxBalanceCards = 50

export interface Balances {
  shown: boolean
  /** Unmasked balances by card id, once shown. */
  byCard: Record<string, CardBalance>
  loading: boolean
  error: string | null
  show: () => Promise<void>
  hide: () => void
  /** Forget what was shown (after a refresh the figures may be stale). */
  reset: () => void
}

/** Stored-value rows whose balance may be shown: the server forbids cancelled cards. */
const revealable = (row: CardRow) => row.type === 'stored' && row.canViewDetail

/**
 * Card balances stay **** until the user taps 显示, which calls cards.balances for the loaded
 * stored-value cards; rows loaded later while shown are fetched as they come.
 */
export function useBalances(rows: CardRow[]): Balances {
  const [shown, setShown] = useState(false)
  const [byCard, setByCard] = useState<Record<string, CardBalance>>({})
  const action = useApiAction('cards.balances')
  const { run, running, error } = action

  const missing = rows.filter((r) => revealable(r) && !byCard[r.id]).map((r) => r.id)
  const missingKey = missing.join(',')

  const fetchMissing = useCallback(
    async (ids: string[]): Promise<boolean> => {
      if (ids.length === 0) return true
      const answer = await run({ cardIds: ids.slice(0, maxBalanceCards) })
      if (!answer) return false
      setByCard((prev) => {
        const next = { ...prev }
        for (const b of answer.items) next[b.cardId] = b
        return next
      })
      return true
    },
    [run],
  )

  const show = useCallback(async () => {
    if (await fetchMissing(missing)) setShown(true)
    // eslint-disable-next-line react-hooks/exhaustive-deps -- missingKey stands for missing
  }, [fetchMissing, missingKey])

  useEffect(() => {
    if (shown && !running && !error && missingKey) void fetchMissing(missingKey.split(','))
  }, [shown, running, error, missingKey, fetchMissing])

  const hide = useCallback(() => setShown(false), [])
  const reset = useCallback(() => {
    setShown(false)
    setByCard({})
    action.reset()
  }, [action])

  return { shown, byCard, loading: running, error: error?.message ?? null, show, hide, reset }
}
