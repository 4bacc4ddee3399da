import { useEffect, useState } from 'react'
import type { LoadFlowState } from './flow'

/** What pages need of a LoadFlow: tests hand the pages a fake with the same shape. */
export interface LoadFlowPort {
  readonly state: LoadFlowState
  subscribe(listener: (state: LoadFlowState) => void): () => void
  begin(): Promise<void>
  confirm(): Promise<void>
  retry(): Promise<void>
  /** phase 'pin': the PIN the user typed, sent to the card once */
  submitPin(pin: string): Promise<void>
  close(): Promise<void>
}

/** The flow's state as React state; starts the flow once mounted and lets the link go on unmount. */
export function useLoadFlow(flow: LoadFlowPort): LoadFlowState {
  const [state, setState] = useState(flow.state)
  useEffect(() => {
    const unsubscribe = flow.subscribe(setState)
    setState(flow.state)
    if (flow.state.phase === 'idle') void flow.begin()
    return () => {
      unsubscribe()
      void flow.close()
    }
  }, [flow])
  return state
}
