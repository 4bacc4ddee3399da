import type { z } from 'zod'
import type { ApiErrorBody } from './errors'
import type { authRequestSchemas, AuthResponses } from './actions/auth'
import type { etcRequestSchemas, EtcResponses } from './actions/etc'
import type { moneyRequestSchemas, MoneyResponses } from './actions/money'
import type { operatorRequestSchemas, OperatorResponses } from './actions/operator'
import type { exportsRequestSchemas, ExportsResponses } from './actions/exports'
import type { loadRequestSchemas, LoadResponses } from './actions/load'
import type { invoicesRequestSchemas, InvoicesResponses } from './actions/invoices'
import type { billsRequestSchemas, BillsResponses } from './actions/bills'
import type { outletRequestSchemas, OutletResponses } from './actions/outlet'

export * from './actions/auth'
export * from './actions/etc'
export * from './actions/money'
export * from './actions/operator'
export * from './actions/exports'
export * from './actions/load'
export * from './actions/invoices'
export * from './actions/bills'
export * from './actions/outlet'

/**
 * Request schemas of every action, as a type: each domain keeps its actions and their schemas
 * in types/actions/<domain>.ts, and the api function loads a domain's schemas on its first call
 * (cloudfunctions/functions/api/domains.ts), so a cold start builds only what it serves.
 */
export type RequestSchemas = typeof authRequestSchemas &
  typeof etcRequestSchemas &
  typeof moneyRequestSchemas &
  typeof operatorRequestSchemas &
  typeof exportsRequestSchemas &
  typeof loadRequestSchemas &
  typeof invoicesRequestSchemas &
  typeof billsRequestSchemas &
  typeof outletRequestSchemas

export type ActionName = keyof RequestSchemas
export type ActionRequest<A extends ActionName> = z.input<RequestSchemas[A]>
export type ParsedRequest<A extends ActionName> = z.output<RequestSchemas[A]>

export type ActionResponses = AuthResponses &
  EtcResponses &
  MoneyResponses &
  OperatorResponses &
  ExportsResponses &
  LoadResponses &
  InvoicesResponses &
  BillsResponses &
  OutletResponses
export type ActionResponse<A extends ActionName> = ActionResponses[A]

// every action has a response type and every response type an action
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const _everyActionAnswers: Exact<ActionName, keyof ActionResponses> = true
void _everyActionAnswers

/** What goes over the wire to the `api` function. */
export interface ApiEnvelope {
  action: string
  payload?: unknown
}

export type ApiResult<A extends ActionName = ActionName> =
  | { ok: true; data: ActionResponse<A>; requestId: string }
  | { ok: false; error: ApiErrorBody; requestId: string }
