import { beijingTime } from '../businessTime'

/**
 * Seed 001 §2.8.1: 22:00 至次日 2:00 不可进行充值服务. The server's clock decides, in Beijing time
 * whatever the host's zone. Only new orders are refused: a payment made before 22:00 and notified
 * later is still credited.
 */
export function rechargeOpenAt(at: Date): boolean {
  const hour = beijingTime(at).hour()
  return hour >= 2 && hour < 22
}
