/**
 * The ledger's API in one module: transfers and how to post them, balances, history and
 * reconciliation (each lives in its own module; ./index exports the same and more).
 */
export { transferReasons, transferSortKey, type TransferInput, type TransferReason } from './transferRules'
export { postTransfers } from './posting'
export { LedgerError, type LedgerErrorCode } from './errors'
export { balanceOf, balancesOf, projectedBalance } from './balances'
export { transfersOf, transfersByRef } from './history'
export { verifyLedger, type LedgerReport, type ProjectionMismatch } from './verify'
