import type { FileStorage } from '../../ports/files'
import { workBudget, type WorkBudget } from '../../core/money/workBudget'
import type { Clock } from '../../ports/clock'
import type { PaymentGateway } from '../../ports/payments'
import type { Store } from '../../ports/store'
import type { PaymentChannel } from '../../../types/moneyRules'
import { schedulerJobs } from './jobs'

/**
 * The scheduler function without the platform: CloudBase's timer trigger calls it every few
 * minutes, and each run does a bounded share of the background work, job after job (jobs.ts):
 * every job is idempotent and stops starting work when its share of the run's time is spent,
 * leaving the rest to the next run, so a run ends well inside the function's timeout (60 s)
 * whatever the backlog. A job that fails is logged and the next one still runs. Two runs that
 * overlap do no harm: every write they make is idempotent by document id.
 */

/** What a job is given: the deployment's ports, the run's instant and its share of the run. */
export interface SchedulerJobContext {
  store: Store
  clock: Clock
  gateways: Partial<Record<PaymentChannel, PaymentGateway>>
  /** Where export files live (cloud storage); without it the export jobs are skipped. */
  files?: FileStorage
  /** The run's instant (the business clock: order expiry, statement days). */
  now: Date
  /** The job's share of the run: check `allows()` before each item. */
  budget: WorkBudget
  log: (line: string) => void
}

export interface SchedulerJob {
  name: string
  /** Most milliseconds of a run this job may start work in. */
  budgetMs: number
  /** Most items (orders, refunds) per run, if the job counts them. */
  items?: number
  /** Does its share; answers a small JSON summary for the log. */
  run(context: SchedulerJobContext): Promise<unknown>
}

export interface SchedulerJobReport {
  name: string
  outcome: 'done' | 'failed' | 'skipped'
  ms: number
  summary?: unknown
  error?: string
}

export interface SchedulerRun {
  at: string
  jobs: SchedulerJobReport[]
}

export interface SchedulerDeps {
  store: Store
  clock: Clock
  gateways: Partial<Record<PaymentChannel, PaymentGateway>>
  files?: FileStorage
  /** The jobs of each run, in order: schedulerJobs (jobs.ts) unless a test names others. */
  jobs?: readonly SchedulerJob[]
  /**
   * Milliseconds a run may start work in: 40 s of CloudBase's 60 s function timeout, the rest
   * left for calls already under way (a provider call may take its 5 s timeout, and a sync asks
   * up to three times).
   */
  runMs?: number
  /** Monotonic milliseconds (performance.now() by default); tests make time pass with it. */
  elapsedMs?: () => number
  log?: (line: string) => void
}

export interface Scheduler {
  run(now: Date): Promise<SchedulerRun>
}

export const defaultRunMs = 40_000

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const jobs = deps.jobs ?? schedulerJobs
  const log = deps.log ?? (() => undefined)
  const elapsedMs = deps.elapsedMs ?? (() => performance.now())
  return {
    async run(now) {
      const budget = workBudget({ ms: deps.runMs ?? defaultRunMs, elapsedMs })
      const reports: SchedulerJobReport[] = []
      for (const job of jobs) {
        if (!budget.allows()) {
          reports.push({ name: job.name, outcome: 'skipped', ms: 0 })
          continue
        }
        const started = elapsedMs()
        const share = budget.slice({
          ms: job.budgetMs,
          ...(job.items === undefined ? {} : { items: job.items }),
        })
        try {
          const summary = await job.run({
            store: deps.store,
            clock: deps.clock,
            gateways: deps.gateways,
            files: deps.files,
            now,
            budget: share,
            log,
          })
          reports.push({ name: job.name, outcome: 'done', ms: Math.round(elapsedMs() - started), summary })
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          log(`[scheduler] ${job.name} failed: ${message}`)
          reports.push({
            name: job.name,
            outcome: 'failed',
            ms: Math.round(elapsedMs() - started),
            error: message,
          })
        }
      }
      return { at: now.toISOString(), jobs: reports }
    },
  }
}
