/** Pages of the stored-value funds subpackage (packages/money, seed 001 §2.8). */
const ROOT = '/packages/money/pages'

/** The tabs of 历史记录: 充值记录 / 预分配记录 / 圈存记录. */
export type RecordsTab = 'recharge' | 'allocation' | 'load'

/**
 * 充值并圈存 (issue 10): the recharge of this card is followed by its load; the result page hands
 * over to the load pages (packages/load) once the order is paid.
 */
export interface LoadAfterPayment {
  cardId: string
  transport: 'ble' | 'nfc'
}

const q = encodeURIComponent

function loadQuery(then: LoadAfterPayment): string {
  return `then=load&cardId=${q(then.cardId)}&transport=${then.transport}`
}

/** The 充值并圈存 of a page's query, if it carries one. */
export function loadAfterOf(params: Partial<Record<string, string>>): LoadAfterPayment | null {
  if (params.then !== 'load' || !params.cardId) return null
  return { cardId: decodeURIComponent(params.cardId), transport: params.transport === 'nfc' ? 'nfc' : 'ble' }
}

export const moneyRoutes = {
  recharge: `${ROOT}/recharge/index`,
  rechargeThenLoad: (then: LoadAfterPayment) => `${ROOT}/recharge/index?${loadQuery(then)}`,
  rechargeResult: (orderNo: string, then?: LoadAfterPayment | null) =>
    `${ROOT}/recharge-result/index?orderNo=${q(orderNo)}${then ? `&${loadQuery(then)}` : ''}`,
  allocate: `${ROOT}/allocate/index`,
  records: (tab: RecordsTab = 'recharge') => `${ROOT}/records/index?tab=${tab}`,
} as const
