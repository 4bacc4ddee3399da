/** Pages of the exports subpackage (packages/exports): 导出记录. */
export const exportsRoutes = {
  records: '/packages/exports/pages/records/index',
} as const
