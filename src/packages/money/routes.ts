/** Pages of the stored-value funds subpackage (packages/money, seed 001 §2.8). */
const ROOT = '/packages/money/pages'

/** The tabs of 历史记录: 充值记录 / 预分配记录 / 圈存记录. */
export type RecordsTab = 'recharge' | 'allocation' | 'load'

export const moneyRoutes = {
  recharge: `${ROOT}/recharge/index`,
  rechargeResult: (orderNo: string) => `${ROOT}/recharge-result/index?orderNo=${encodeURIComponent(orderNo)}`,
  allocate: `${ROOT}/allocate/index`,
  records: (tab: RecordsTab = 'recharge') => `${ROOT}/records/index?tab=${tab}`,
} as const
