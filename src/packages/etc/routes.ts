/** Pages of the ETC management subpackage (packages/etc). */
const ROOT = '/packages/etc/pages'

export const etcRoutes = {
  vehicle: (vehicleId: string) => `${ROOT}/vehicle/index?id=${encodeURIComponent(vehicleId)}`,
  cards: `${ROOT}/cards/index`,
  card: (cardId: string) => `${ROOT}/card/index?id=${encodeURIComponent(cardId)}`,
  tags: `${ROOT}/tags/index`,
  tag: (tagId: string) => `${ROOT}/tag/index?id=${encodeURIComponent(tagId)}`,
  parking: `${ROOT}/parking/index`,
  profile: `${ROOT}/profile/index`,
  /** 即将上线: features of a later release (recharge, pre-allocation…). */
  soon: (feature: string) => `${ROOT}/soon/index?feature=${encodeURIComponent(feature)}`,
} as const
