import { useCallback, useEffect, useRef, useState } from 'react'
import { useDidHide, useDidShow } from '@tarojs/taro'
import type { RechargeOrderView, RechargeStatus } from '../../../../../types'
import { call, type ApiError } from '../../../../services/api'
import { toApiError } from '../../../../hooks/useApiQuery'

/** Every 2 s… */
export const POLL_INTERVAL_MS = 2_000
/** …30 times: about a minute before the page says it is still waiting. */
export const MAX_POLLS = 30

/** States after which the order no longer changes on its own. */
const settled: ReadonlySet<RechargeStatus> = new Set<RechargeStatus>(['paid', 'closed', 'refunded'])

/** Answers that polling again will not change (a wrong or foreign order number). */
const hopeless = (e: ApiError) =>
  e.code === 'NOT_FOUND' || e.code === 'INVALID_INPUT' || e.code === 'FORBIDDEN'

/**
 * polling: asking the server; settled: the order reached paid / closed / refunded; waiting: still
 * pending after MAX_POLLS answers (the user refreshes); failed: the order cannot be asked for.
 */
export type PollPhase = 'polling' | 'settled' | 'waiting' | 'failed'

export interface RechargeStatusPoll {
  order: RechargeOrderView | null
  phase: PollPhase
  error: ApiError | null
  /** Asks now and polls another round. */
  refresh: () => void
}

/**
 * Polls recharge.status after the cashier closed, whatever it answered: only the server (which
 * asks the provider while the order is pending) says whether the money arrived. Pauses while the
 * page is hidden and goes on where it stopped when it shows again.
 */
export function useRechargeStatus(orderNo: string): RechargeStatusPoll {
  const [order, setOrder] = useState<RechargeOrderView | null>(null)
  const [phase, setPhase] = useState<PollPhase>('polling')
  const [error, setError] = useState<ApiError | null>(null)
  const polls = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const visible = useRef(true)
  const inFlight = useRef(false)
  const phaseRef = useRef<PollPhase>('polling')
  const mounted = useRef(true)

  const enter = useCallback((next: PollPhase) => {
    phaseRef.current = next
    setPhase(next)
  }, [])

  const stopTimer = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
  }, [])

  const poll = useCallback(async () => {
    stopTimer()
    if (!visible.current || inFlight.current || phaseRef.current !== 'polling') return
    inFlight.current = true
    polls.current += 1
    let next: PollPhase = 'polling'
    try {
      const answer = await call('recharge.status', { orderNo })
      if (!mounted.current) return
      setOrder(answer)
      setError(null)
      if (settled.has(answer.status)) next = 'settled'
    } catch (e) {
      if (!mounted.current) return
      const failure = toApiError(e)
      setError(failure)
      // a network hiccup is only one poll lost
      if (hopeless(failure)) next = 'failed'
    } finally {
      inFlight.current = false
    }
    if (next === 'polling' && polls.current >= MAX_POLLS) next = 'waiting'
    if (next !== 'polling') {
      enter(next)
      return
    }
    if (visible.current) timer.current = setTimeout(() => void poll(), POLL_INTERVAL_MS)
  }, [orderNo, enter, stopTimer])

  useEffect(() => {
    mounted.current = true
    polls.current = 0
    enter(orderNo ? 'polling' : 'failed')
    if (orderNo) void poll()
    return () => {
      mounted.current = false
      stopTimer()
    }
  }, [orderNo, poll, enter, stopTimer])

  useDidHide(() => {
    visible.current = false
    stopTimer()
  })
  useDidShow(() => {
    if (visible.current) return
    visible.current = true
    if (phaseRef.current === 'polling') void poll()
  })

  const refresh = useCallback(() => {
    polls.current = 0
    setError(null)
    enter('polling')
    void poll()
  }, [poll, enter])

  return { order, phase, error, refresh }
}
