/** Pages of the roadside load subpackage (packages/load, issue 10). */
const ROOT = '/packages/load/pages'

export type LoadTransport = 'ble' | 'nfc'

const q = encodeURIComponent

export const loadRoutes = {
  index: (cardId?: string) => `${ROOT}/index/index${cardId ? `?cardId=${q(cardId)}` : ''}`,
  device: (cardId: string) => `${ROOT}/device/index?cardId=${q(cardId)}`,
  load: (cardId: string, link: { transport: 'ble'; deviceId: string } | { transport: 'nfc' }) =>
    `${ROOT}/load/index?cardId=${q(cardId)}&transport=${link.transport}${
      link.transport === 'ble' ? `&deviceId=${q(link.deviceId)}` : ''
    }`,
} as const
