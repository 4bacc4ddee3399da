import { shanghaiDay } from '../../../core/businessTime'
import {
  resolveDateRange,
  type DateRange,
  type DateRangeInput,
  type DateSpan,
} from '../../../../types/dateRange'
import { ActionError, type ActionContext } from '../context'

/**
 * The date filter of a list action (types/dateRange.ts): both ends defaulted, bounded by the
 * span, and not in the future as the server's clock says (Shanghai day). Every violation is an
 * INVALID_INPUT naming its fields, like the schema's own.
 */
export function appliedDateRange(ctx: ActionContext, input: DateRangeInput, span: DateSpan): DateRange {
  const resolved = resolveDateRange(input, span, shanghaiDay(ctx.clock.now()))
  if (resolved.ok) return resolved.range
  const fields = Object.fromEntries(resolved.problems.map((p) => [p.field, p.message]))
  throw new ActionError('INVALID_INPUT', resolved.problems[0].message, fields)
}

/** Conditions on an instant field for Shanghai days from..to (core/businessTime.ts; exports use it too). */
export { shanghaiDayConditions } from '../../../core/businessTime'
