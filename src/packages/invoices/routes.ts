/** Pages of the invoices subpackage (packages/invoices, seed 001 §2.7 发票服务). */
const ROOT = '/packages/invoices/pages'

export const invoicesRoutes = {
  /** 已开票查询; `vehicleId` narrows it to one vehicle. */
  list: (vehicleId?: string) =>
    `${ROOT}/list/index${vehicleId ? `?vehicleId=${encodeURIComponent(vehicleId)}` : ''}`,
  invoice: (id: string) => `${ROOT}/invoice/index?id=${encodeURIComponent(id)}`,
  /** 开票设置查询: every vehicle's settings (the settings page without a vehicle). */
  settingsList: `${ROOT}/settings/index`,
  /** 开票设置 of one vehicle. */
  settings: (vehicleId: string) => `${ROOT}/settings/index?vehicleId=${encodeURIComponent(vehicleId)}`,
  /** Adds (no `id`) or edits a title of the vehicle. */
  title: (vehicleId: string, id?: string) =>
    `${ROOT}/title/index?vehicleId=${encodeURIComponent(vehicleId)}${id ? `&id=${encodeURIComponent(id)}` : ''}`,
  /** Fleet admin: a title or settings for many vehicles at once (unit accounts). */
  fleet: `${ROOT}/fleet/index`,
} as const
