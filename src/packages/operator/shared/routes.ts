/** Pages of the operator subpackage (packages/operator): reached by URL only, never from driver screens. */
const ROOT = '/packages/operator/pages'

export const operatorRoutes = {
  login: `${ROOT}/login/index`,
  reconciliation: `${ROOT}/reconciliation/index`,
  reconciliationDetail: (id: string) => `${ROOT}/reconciliation-detail/index?id=${encodeURIComponent(id)}`,
} as const
