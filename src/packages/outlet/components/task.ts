import type { OutletCardTask } from '../routes'

/** The card task a page URL names (outletRoutes.device / .card), or null when it names none. */
export function taskOf(params: Partial<Record<string, string>>): OutletCardTask | null {
  // Taro H5 hands query values over still encoded
  const value = (name: string) => decodeURIComponent(params[name] ?? '')
  const recordId = value('recordId')
  const intentId = value('intentId')
  switch (params.task) {
    case 'reset':
    case 'reload':
      return recordId ? { task: params.task, recordId } : null
    case 'recharge':
      return intentId ? { task: 'recharge', intentId } : null
    default:
      return null
  }
}
