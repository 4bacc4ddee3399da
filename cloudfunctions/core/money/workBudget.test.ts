import { workBudget } from './workBudget'

test('a budget runs out of time or of items, whichever comes first; a slice never outlasts its parent', () => {
  let t = 0
  const elapsedMs = () => t
  const run = workBudget({ ms: 1000, elapsedMs })
  const job = run.slice({ ms: 600, items: 2 })
  expect(job.allows()).toBe(true)
  job.spend()
  job.spend()
  expect(job.allows()).toBe(false)
  expect(run.allows()).toBe(true)

  const next = run.slice({ ms: 5000 })
  expect(next.remainingMs()).toBe(1000)
  t = 999
  expect(next.allows()).toBe(true)
  t = 1000
  expect(next.allows()).toBe(false)
  expect(run.allows()).toBe(false)
  expect(run.slice({ ms: 100 }).allows()).toBe(false)
})
