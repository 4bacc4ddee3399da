import type { z } from 'zod'
import type { ApiErrorBody } from './errors'
import { authRequestSchemas, type AuthResponses } from './actions/auth'
import { etcRequestSchemas, type EtcResponses } from './actions/etc'

export * from './actions/auth'
export * from './actions/etc'

/**
 * Request schemas of every action: the single source both sides validate with.
 * Each domain keeps its actions in types/actions/<domain>.ts.
 */
export const requestSchemas = { ...authRequestSchemas, ...etcRequestSchemas } as const

export type ActionName = keyof typeof requestSchemas
export type ActionRequest<A extends ActionName> = z.input<(typeof requestSchemas)[A]>
export type ParsedRequest<A extends ActionName> = z.output<(typeof requestSchemas)[A]>

export type ActionResponses = AuthResponses & EtcResponses
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
