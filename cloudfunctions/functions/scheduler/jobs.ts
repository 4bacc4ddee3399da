import { closeExpiredOrders } from '../../core/money/closeExpired'
import { exportJobs } from '../../core/exports/jobs'
import { collections } from '../../core/documents'
import { reconcileDay, reconciliationReportId, statementDaysDue } from '../../core/money/reconcile'
import type { ReconciliationReportDoc } from '../../core/money/reconciliationDocuments'
import { payDueRefunds } from '../../core/money/refunds'
import { PaymentProviderError } from '../../ports/payments'
import { paymentChannels } from '../../../types/moneyRules'
import type { SchedulerJob, SchedulerJobContext } from './handler'

/**
 * The scheduler's jobs, one per kind of background work; each gets a share of a run's 40 s
 * (handler.ts). Shares add up to the run: a new job takes its time from the others.
 */

const firstFew = <T>(items: readonly T[]) => items.slice(0, 10)

/** Unpaid orders past their expiry: closed at the provider and here, or credited if paid meanwhile. */
export const closeExpiredJob: SchedulerJob = {
  name: 'closeExpiredOrders',
  budgetMs: 8_000,
  items: 200,
  async run({ store, gateways, now, budget }) {
    const run = await closeExpiredOrders(store, gateways, now, budget)
    return {
      closed: run.closed.length,
      credited: run.credited.length,
      refundDue: run.refundDue.length,
      stillPending: run.stillPending.length,
      skipped: run.skipped,
      failed: firstFew(run.failed),
      more: run.more,
    }
  },
}

/**
 * Yesterday's statements (from 10:00 Beijing, when the providers have published them) and the two
 * days before (a run that missed them catches up), for every provider, until each day has a
 * complete report. A statement not published yet ('unavailable') is asked for again next run.
 */
export const reconcileJob: SchedulerJob = {
  name: 'reconcileStatements',
  budgetMs: 15_000,
  async run({ store, gateways, now, budget }: SchedulerJobContext) {
    const days = statementDaysDue(now)
    const results: Array<{ provider: string; day: string; state: string; detail?: unknown }> = []
    for (const provider of paymentChannels) {
      const gateway = gateways[provider]
      if (!gateway) continue
      for (const day of days) {
        const id = reconciliationReportId(provider, day)
        const existing = await store.get<ReconciliationReportDoc & { [key: string]: unknown }>(
          collections.reconciliationReports,
          id,
        )
        if (existing?.state === 'complete') continue
        if (!budget.allows()) {
          results.push({ provider, day, state: 'left' })
          break
        }
        try {
          const result = await reconcileDay(store, gateway, day, now, { budget })
          if (result.state === 'incomplete') {
            results.push({ provider, day, state: 'incomplete', detail: { actionsLeft: result.actionsLeft } })
            break
          }
          const { report } = result
          results.push({
            provider,
            day,
            state: 'complete',
            detail: {
              payments: report.payments,
              refunds: report.refunds,
              credited: report.credited.length,
              lateRefunds: report.lateRefunds.length,
              orphans: report.orphans.length,
              discrepancies: report.discrepancies.length,
            },
          })
        } catch (error) {
          if (!(error instanceof PaymentProviderError)) throw error
          // not published yet, or the provider is down: the later days cannot be had either
          results.push({
            provider,
            day,
            state: error.kind === 'unavailable' ? 'statement_unavailable' : 'statement_refused',
            detail: error.message,
          })
          break
        }
      }
    }
    return { days: results }
  },
}

/** Refunds owed (payments after close, orphans), each under its own refund number. */
export const refundsJob: SchedulerJob = {
  name: 'payDueRefunds',
  budgetMs: 10_000,
  items: 100,
  async run({ store, gateways, now, budget }) {
    const runs = []
    for (const provider of paymentChannels) {
      const gateway = gateways[provider]
      if (!gateway) continue
      const run = await payDueRefunds(store, gateway, now, budget)
      runs.push({
        provider,
        refunded: run.refunded.length,
        accepted: run.accepted.length,
        failed: firstFew(run.failed),
        more: run.more,
      })
    }
    return { providers: runs }
  },
}

/**
 * Export files (core/exports/jobs.ts): queued exports written to xlsx, expired ones removed. A 20,000-row
 * export takes about 3 s; a longer queue continues next run.
 */
export const exportsJob: SchedulerJob = {
  name: 'exports',
  budgetMs: 7_000,
  async run({ store, files, now, budget, log }) {
    if (!files) return { skipped: 'no file storage' }
    const results: Record<string, unknown> = {}
    for (const job of exportJobs) {
      const ms = budget.remainingMs()
      if (ms <= 0) break
      results[job.name] = await job.run({ store, files, log }, now, ms)
    }
    return results
  },
}

/** Every run, in this order. A new job is one line here. */
export const schedulerJobs: readonly SchedulerJob[] = [closeExpiredJob, reconcileJob, refundsJob, exportsJob]
