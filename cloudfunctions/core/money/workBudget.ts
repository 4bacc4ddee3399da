/**
 * How much work a background run may still start. A cloud function is killed at its timeout, so
 * a job checks `allows()` before each item (an order to close, a refund to pay) and stops early,
 * leaving the rest for the next run: every job is idempotent, so stopping anywhere is safe.
 * Time is measured on a monotonic timer, never on the business clock (which tests move).
 */
export interface WorkBudget {
  /** True while another item may start: time left and, where counted, items left. */
  allows(): boolean
  /** One item started (counted against the item allowance). */
  spend(): void
  /** Milliseconds left (negative once overdrawn). */
  remainingMs(): number
  /** A budget inside this one: at most `ms` of its time and `items` items, never beyond its own. */
  slice(limits: { ms: number; items?: number }): WorkBudget
}

export interface BudgetLimits {
  ms: number
  /** Most items; unlimited when absent. */
  items?: number
  /** Monotonic milliseconds; performance.now() by default. */
  elapsedMs?: () => number
}

export function workBudget(limits: BudgetLimits): WorkBudget {
  const elapsedMs = limits.elapsedMs ?? (() => performance.now())
  return budgetUntil(elapsedMs() + limits.ms, limits.items ?? Infinity, elapsedMs, null)
}

function budgetUntil(
  deadline: number,
  items: number,
  elapsedMs: () => number,
  parent: WorkBudget | null,
): WorkBudget {
  let left = items
  const budget: WorkBudget = {
    allows: () => left > 0 && elapsedMs() < deadline && (parent?.allows() ?? true),
    spend: () => {
      left -= 1
      parent?.spend()
    },
    remainingMs: () => Math.min(deadline - elapsedMs(), parent?.remainingMs() ?? Infinity),
    slice: ({ ms, items: sliceItems }) =>
      budgetUntil(
        elapsedMs() + Math.min(ms, budget.remainingMs()),
        sliceItems ?? Infinity,
        elapsedMs,
        budget,
      ),
  }
  return budget
}

/** A budget that never runs out (tests, one-off tools). */
export const unlimitedBudget: WorkBudget = workBudget({ ms: Infinity })
