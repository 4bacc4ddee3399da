import { getPageInstance, HOOKS_APP_ID } from '@tarojs/runtime'
import { act } from '@tarojs/test-utils-react/dist/pure'

/** Runs `work` inside React's act (the test utils' act, which marks the environment as an act one). */
export async function inAct(work: () => Promise<unknown> | unknown): Promise<void> {
  await act(async () => {
    await work()
  })
}

/** Lets `ms` pass on jest's fake clock, with the renders the timers cause. */
export function elapse(ms: number): Promise<void> {
  return inAct(() => jest.advanceTimersByTimeAsync(ms))
}

/** Page events a page's Taro hooks (useDidHide, usePullDownRefresh…) listen to. */
export type PageEvent = 'componentDidShow' | 'componentDidHide' | 'onPullDownRefresh' | 'onReachBottom'

/**
 * Fires a page event at the hooks of the component mounted by the test utils: outside a routed
 * page they register on the app's hook instance (HOOKS_APP_ID).
 */
export async function firePageEvent(event: PageEvent): Promise<void> {
  const instance = getPageInstance(HOOKS_APP_ID) as unknown as Record<string, unknown> | undefined
  const handlers = instance?.[event]
  const list = Array.isArray(handlers) ? handlers : typeof handlers === 'function' ? [handlers] : []
  if (list.length === 0) throw new Error(`no ${event} handler registered`)
  await inAct(() => {
    for (const handler of list) (handler as () => void)()
  })
}
