/** Pages of the outlet operator's subpackage (packages/outlet, issue 10, seeds 002/003). */
const ROOT = '/packages/outlet/pages'

const q = encodeURIComponent

/** What the card work page does once the device is picked. */
export type OutletCardTask =
  | { task: 'reset'; recordId: string }
  | { task: 'reload'; recordId: string }
  | { task: 'recharge'; intentId: string }

function taskQuery(t: OutletCardTask): string {
  return t.task === 'recharge'
    ? `task=recharge&intentId=${q(t.intentId)}`
    : `task=${t.task}&recordId=${q(t.recordId)}`
}

export const outletRoutes = {
  /** 网点工作台: 用户卡充值, 充值记录 */
  home: `${ROOT}/home/index`,
  /** 充值记录: plate + colour + at most 30 days */
  records: `${ROOT}/records/index`,
  record: (recordId: string) => `${ROOT}/record/index?recordId=${q(recordId)}`,
  /** the BLE scan before any card work; `then` says what the card page does with the device */
  device: (then: OutletCardTask | { task: 'read' }) =>
    `${ROOT}/device/index?${then.task === 'read' ? 'task=read' : taskQuery(then)}`,
  /** the card work itself on the picked device: reset (read, then 未圈存), reload or write a paid recharge */
  card: (then: OutletCardTask, deviceId: string) =>
    `${ROOT}/card/index?${taskQuery(then)}&deviceId=${q(deviceId)}`,
  /** 用户卡充值: reads the card on `deviceId`, the amount, 在线支付 (the code), then writes the card */
  recharge: (deviceId: string) => `${ROOT}/recharge/index?deviceId=${q(deviceId)}`,
  /** The customer's page the code opens (a driver session; the server's outletPayPage). */
  pay: (intentId: string) => `${ROOT}/pay/index?intent=${q(intentId)}`,
} as const
