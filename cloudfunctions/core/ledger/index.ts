/** The double-entry ledger: accounts, posting, balances, history and reconciliation. */
export * from './accounts'
export * from './transfers'
export { summedTotals } from './balances'
export type { Totals } from './projections'
