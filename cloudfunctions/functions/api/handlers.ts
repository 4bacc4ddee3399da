import type { ZodType } from 'zod'
import type { ActionName } from '../../../types/api'
import type { OperatorRole } from '../../../types/actions/operator'
import type { ActionContext, AuthedContext, OperatorContext } from './context'

/**
 * How an action is reached: without a session (login), on behalf of the session's account, or by
 * a logged-in operator holding `role` (null: any operator). The router resolves the identity.
 */
export type Handler =
  | { access: 'public'; run: (ctx: ActionContext, input: never) => Promise<unknown> }
  | { access: 'account'; run: (ctx: AuthedContext, input: never) => Promise<unknown> }
  | {
      access: 'operator'
      role: OperatorRole | null
      run: (ctx: OperatorContext, input: never) => Promise<unknown>
    }

export type HandlerTable<A extends ActionName> = { [K in A]: Handler }

/** One domain's actions: their request schemas and handlers, loaded together on first use. */
export interface ActionDomain {
  schemas: Readonly<Record<string, ZodType>>
  handlers: Readonly<Record<string, Handler>>
}
