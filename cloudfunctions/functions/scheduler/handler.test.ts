import { MemoryStore } from '../../core/ledger/memoryStore.testing'
import { createScheduler, type SchedulerJob } from './handler'
import { schedulerJobs } from './jobs'

const now = new Date('2026-12-01T02:30:00Z')
const clock = { now: () => now }

/** A job that does `items` units of work while its budget allows, each taking `msEach`. */
function worker(name: string, budgetMs: number, msEach: number, tick: (ms: number) => void): SchedulerJob {
  return {
    name,
    budgetMs,
    async run({ store, budget }) {
      let done = 0
      while (budget.allows() && done < 100) {
        budget.spend()
        tick(msEach)
        done += 1
        await store.set('work', `${name}-${done}`, { name })
      }
      return { done }
    },
  }
}

test('each job works within its share; a failing job does not stop the next; a spent run skips the rest', async () => {
  let t = 0
  const tick = (ms: number) => {
    t += ms
  }
  const store = new MemoryStore()
  const jobs: SchedulerJob[] = [
    worker('first', 1000, 300, tick),
    {
      name: 'broken',
      budgetMs: 1000,
      run: async () => {
        throw new Error('boom')
      },
    },
    worker('second', 5000, 1000, tick),
    worker('third', 1000, 100, tick),
  ]
  const scheduler = createScheduler({ store, clock, gateways: {}, jobs, runMs: 4000, elapsedMs: () => t })
  const run = await scheduler.run(now)
  expect(run.at).toBe(now.toISOString())
  expect(run.jobs.map((j) => [j.name, j.outcome])).toEqual([
    ['first', 'done'],
    ['broken', 'failed'],
    ['second', 'done'],
    ['third', 'skipped'],
  ])
  // first: 1000 ms share, 300 ms each → 4 started (the 4th begins at 900 ms); second: what the run had left
  expect(store.all('work').filter((d) => (d as { name: string }).name === 'first')).toHaveLength(4)
  expect(run.jobs[2].summary).toEqual({ done: 3 })
  expect(run.jobs[1].error).toBe('boom')
})

test('the default run: close expired orders, reconcile, pay refunds, exports, in that order, within 40 s', () => {
  expect(schedulerJobs.map((job) => job.name)).toEqual([
    'closeExpiredOrders',
    'reconcileStatements',
    'payDueRefunds',
    'exports',
  ])
  expect(schedulerJobs.reduce((total, job) => total + job.budgetMs, 0)).toBeLessThanOrEqual(40_000)
})
