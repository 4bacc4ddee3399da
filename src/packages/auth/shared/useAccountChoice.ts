import { useCallback, useEffect, useState } from 'react'
import type { AccountSummary } from '../../../../types'
import { call, errorMessage } from '../../../services/api'

export interface AccountChoice {
  accounts: AccountSummary[]
  current: AccountSummary | null
  loading: boolean
  error: string | null
  reload: () => Promise<void>
}

/** The accounts this login reaches: from the login answer when it had them, else auth.accounts. */
export function useAccountChoice(known: AccountSummary[] | null, enabled = true): AccountChoice {
  const [accounts, setAccounts] = useState<AccountSummary[]>(known ?? [])
  const [current, setCurrent] = useState<AccountSummary | null>(null)
  const [loading, setLoading] = useState(enabled && !known?.length)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(async () => {
    setLoading(true)
    setError(null)
    try {
      const res = await call('auth.accounts', {})
      setAccounts(res.accounts)
      setCurrent(res.current)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setLoading(false)
    }
  }, [])

  const hasKnown = (known?.length ?? 0) > 0
  useEffect(() => {
    if (enabled && !hasKnown) void reload()
  }, [enabled, hasKnown, reload])

  return { accounts, current, loading, error, reload }
}
