/** Pages of the bills subpackage (packages/bills, seed 001 §2.6) and the invoice pages they open. */
const ROOT = '/packages/bills/pages'

/** 通行流水 tabs, as the trips page takes them from its link. */
export type TripsTab = 'etcHighway' | 'nonEtcHighway' | 'nonHighway'
export type RefundsTab = 'highway' | 'nonHighway'

const query = (params: Record<string, string | undefined>) => {
  const parts = Object.entries(params)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
  return parts.length > 0 ? `?${parts.join('&')}` : ''
}

export const billsRoutes = {
  statistics: `${ROOT}/statistics/index`,
  details: `${ROOT}/details/index`,
  trips: (tab?: TripsTab) => `${ROOT}/trips/index${query({ tab })}`,
  trip: (id: string) => `${ROOT}/trip/index${query({ id })}`,
  refunds: (tab?: RefundsTab) => `${ROOT}/refunds/index${query({ tab })}`,
} as const

/** The invoices subpackage (packages/invoices, built beside this one): the pages the bills link to. */
export const invoiceLinks = {
  list: '/packages/invoices/pages/list/index',
  settings: '/packages/invoices/pages/settings/index',
  invoice: (id: string) => `/packages/invoices/pages/invoice/index${query({ id })}`,
} as const
