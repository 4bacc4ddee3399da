import fc from 'fast-check'
import type { Clock } from '../ports/clock'
import { StoreError, type Condition, type Doc, type Query, type Store, type TxStore } from '../ports/store'
import { batchProgress, BatchError } from './batches'
import { runBatch, type BatchCall, type BatchKind } from './batchRunner'
import { collections, type BatchDoc } from './documents'

/**
 * The runner against an in-memory store with CloudBase's weakest promise: a transaction
 * conflicts only on documents it writes (first committer wins), reads see the latest commit.
 * Faults: a call killed inside a chunk (its writes vanish) or right after a commit (its answer is
 * lost), a clock that spends the budget, and two calls of one batch racing.
 */
class MemoryStore implements Store {
  private docs = new Map<string, { doc: Doc; seq: number }>()
  private seq = 0
  /** How often each document was written by a committed transaction or a plain write. */
  readonly writes = new Map<string, number>()
  /** Called after each commit with the transaction's number; throw to kill the call there. */
  afterCommit: (n: number) => void = () => undefined
  /** Called at the end of each transaction's fn; throw to kill the call before it commits. */
  beforeCommit: (n: number) => void = () => undefined
  transactions = 0

  private key(collection: string, id: string) {
    return `${collection}/${id}`
  }
  write(collection: string, id: string, doc: Doc | null) {
    const k = this.key(collection, id)
    this.seq += 1
    if (doc === null) this.docs.delete(k)
    else this.docs.set(k, { doc: structuredClone({ ...doc, id }), seq: this.seq })
    this.writes.set(k, (this.writes.get(k) ?? 0) + 1)
  }
  writesOf(collection: string, id: string): number {
    return this.writes.get(this.key(collection, id)) ?? 0
  }
  async get<T extends Doc>(collection: string, id: string): Promise<T | null> {
    await Promise.resolve()
    const found = this.docs.get(this.key(collection, id))
    return found ? (structuredClone(found.doc) as T) : null
  }
  async set(collection: string, id: string, doc: Doc) {
    this.write(collection, id, doc)
  }
  async update(collection: string, id: string, patch: Doc) {
    const current = await this.get(collection, id)
    if (!current) throw new StoreError('NOT_FOUND', id)
    this.write(collection, id, { ...current, ...patch })
  }
  async remove(collection: string, id: string) {
    this.write(collection, id, null)
  }
  all(collection: string): Doc[] {
    return [...this.docs.entries()]
      .filter(([k]) => k.startsWith(`${collection}/`))
      .map(([, v]) => structuredClone(v.doc))
  }
  async query<T extends Doc>(collection: string, q: Query) {
    await Promise.resolve()
    const field = q.orderBy?.field ?? 'id'
    const matches = (doc: Doc, c: Condition) => c.op === 'eq' && doc[c.field] === c.value
    const rows = this.all(collection)
      .filter((doc) => (q.where ?? []).every((c) => matches(doc, c)))
      .sort(
        (a, b) =>
          String(a[field]).localeCompare(String(b[field])) || String(a.id).localeCompare(String(b.id)),
      )
    const start = q.after ? rows.findIndex((d) => d.id === q.after) + 1 : 0
    const page = rows.slice(start, start + q.limit)
    const more = start + q.limit < rows.length
    return { items: page as T[], nextCursor: more ? String(page[page.length - 1].id) : null }
  }
  async count(collection: string, where: Condition[] = []) {
    return (await this.query(collection, { where, limit: 100_000 })).items.length
  }
  async transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    this.transactions += 1
    const n = this.transactions
    for (let attempt = 0; attempt < 50; attempt++) {
      const startSeq = this.seq
      const pending = new Map<string, { collection: string; id: string; doc: Doc | null }>()
      const tx: TxStore = {
        get: async <T extends Doc>(collection: string, id: string) => {
          const p = pending.get(this.key(collection, id))
          if (p) return p.doc === null ? null : (structuredClone(p.doc) as T)
          return this.get<T>(collection, id)
        },
        set: async (collection, id, doc) => {
          pending.set(this.key(collection, id), { collection, id, doc: structuredClone(doc) })
        },
        update: async (collection, id, patch) => {
          const current = await tx.get(collection, id)
          if (!current) throw new StoreError('NOT_FOUND', id)
          pending.set(this.key(collection, id), { collection, id, doc: { ...current, ...patch } })
        },
        remove: async (collection, id) => {
          pending.set(this.key(collection, id), { collection, id, doc: null })
        },
      }
      const result = await fn(tx)
      this.beforeCommit(n)
      // first committer wins on every document this transaction writes
      const conflict = [...pending.keys()].some((k) => (this.docs.get(k)?.seq ?? 0) > startSeq)
      if (conflict) {
        await Promise.resolve()
        continue
      }
      for (const w of pending.values()) this.write(w.collection, w.id, w.doc)
      this.afterCommit(n)
      return result
    }
    throw new StoreError('CONFLICT', 'gave up')
  }
}

class StepClock implements Clock {
  t = Date.parse('2025-06-15T02:00:00Z')
  now() {
    return new Date(this.t)
  }
}

const ACCOUNT = 'acc-1'
const TARGETS = 'vehicles'

/** A toy kind: switch `on` to true; one audit record per batch and target. */
const kind = (chunkSize: number): BatchKind<string> => ({
  kind: 'toy.switch',
  chunkSize,
  matching: (_filter, accountId) => ({
    collection: TARGETS,
    where: [{ field: 'accountId', op: 'eq', value: accountId }],
    orderBy: { field: 'plate', direction: 'asc' },
  }),
  async applyChunk(tx, ids, batch) {
    const out = []
    for (const id of ids) {
      const target = await tx.get<Doc>(TARGETS, id)
      if (!target) {
        out.push({
          id,
          result: 'failed' as const,
          failure: { targetId: id, label: id, code: 'NOT_FOUND' as const, message: '记录不存在' },
        })
        continue
      }
      const change = target['on'] !== true
      if (change) await tx.update(TARGETS, id, { on: true, applied: Number(target['applied']) + 1 })
      await tx.set(collections.auditLog, `audit-${batch.id}-${id}`, { target: id, changed: change })
      out.push({ id, result: change ? ('changed' as const) : ('unchanged' as const), row: id })
    }
    return out
  },
})

type Fault = { kind: 'none' } | { kind: 'inside' | 'after'; at: number }
interface CallPlan {
  fault: Fault
  /** Seconds the clock moves per transaction: 0 never spends the 5 s budget, 3 spends it after one chunk. */
  secondsPerTransaction: number
  followContinuation: boolean
  /** Two copies of this call at once. */
  racing: boolean
}

const callPlan: fc.Arbitrary<CallPlan> = fc.record({
  fault: fc.oneof(
    fc.constant<Fault>({ kind: 'none' }),
    fc.record({
      kind: fc.constantFrom('inside' as const, 'after' as const),
      at: fc.integer({ min: 1, max: 4 }),
    }),
  ),
  secondsPerTransaction: fc.constantFrom(0, 1, 3, 6),
  followContinuation: fc.boolean(),
  racing: fc.boolean(),
})

class Killed extends Error {}

test('any sequence of retries, continuations, kills and races applies each target exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 7 }),
      fc.boolean(),
      fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      fc.array(callPlan, { minLength: 1, maxLength: 8 }),
      async (n, chunkSize, byFilter, initiallyOn, plans) => {
        const store = new MemoryStore()
        const clock = new StepClock()
        const ids = Array.from({ length: n }, (_, i) => `t-${String(i).padStart(2, '0')}`)
        ids.forEach((id, i) =>
          store.write(TARGETS, id, {
            accountId: ACCOUNT,
            plate: `P${(i * 7) % n}`,
            on: initiallyOn[i],
            applied: 0,
          }),
        )
        // a target of another account never takes part
        store.write(TARGETS, 'foreign', { accountId: 'acc-2', plate: 'P0', on: false, applied: 0 })
        const wasOff = ids.filter((_, i) => !initiallyOn[i]).length
        let continuation: string | undefined
        const answeredRows: string[] = []

        const call = async (plan: CallPlan): Promise<BatchDoc | null> => {
          const first = store.transactions
          store.beforeCommit = (t) => {
            if (plan.fault.kind === 'inside' && t - first === plan.fault.at) throw new Killed()
          }
          store.afterCommit = (t) => {
            clock.t += plan.secondsPerTransaction * 1000
            if (plan.fault.kind === 'after' && t - first === plan.fault.at) throw new Killed()
          }
          const request: BatchCall = {
            accountId: ACCOUNT,
            key: 'key-property',
            selection: byFilter ? { by: 'filter', filter: {} } : { by: 'ids', ids },
            params: { on: true },
            startedAt: clock.now(),
            ...(plan.followContinuation && continuation ? { continuation } : {}),
            prepare: async () => ({
              total: byFilter
                ? await store.count(TARGETS, [{ field: 'accountId', op: 'eq', value: ACCOUNT }])
                : ids.length,
            }),
          }
          // racing copies are both awaited, so nothing of a call runs on into the next one
          const settled = await Promise.allSettled(
            (plan.racing ? [1, 2] : [1]).map(() => runBatch({ store, clock }, kind(chunkSize), request)),
          )
          for (const s of settled) {
            if (s.status === 'rejected' && !(s.reason instanceof Killed || s.reason instanceof BatchError))
              throw s.reason
          }
          const runs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
          if (runs.length === 0) return null
          for (const run of runs) answeredRows.push(...run.rows)
          const last = runs[runs.length - 1].batch
          continuation = batchProgress(last).continuation ?? undefined
          if (!plan.racing) {
            // the answer counts everything applied so far, never less
            const audited = store.all(collections.auditLog).length
            expect(last.changed + last.unchanged + last.failed).toBe(audited)
          }
          return last
        }

        for (const plan of plans) await call(plan)
        // then a well-behaved client follows continuations to the end
        let final: BatchDoc | null = null
        for (let i = 0; i < 200 && final?.state !== 'done'; i++) {
          final = await call({
            fault: { kind: 'none' },
            secondsPerTransaction: 3,
            followContinuation: true,
            racing: false,
          })
        }
        if (!final) throw new Error('never finished')
        expect(final.state).toBe('done')

        for (const [i, id] of ids.entries()) {
          const doc = store.all(TARGETS).find((d) => d.id === id)
          expect(doc?.['on']).toBe(true)
          expect(doc?.['applied']).toBe(initiallyOn[i] ? 0 : 1)
        }
        expect(store.all(TARGETS).find((d) => d.id === 'foreign')?.['on']).toBe(false)
        const audits = store.all(collections.auditLog)
        expect(audits.map((a) => a['target']).sort()).toEqual([...ids].sort())
        for (const a of audits) expect(store.writesOf(collections.auditLog, String(a.id))).toBe(1)
        expect(final).toMatchObject({ total: n, changed: wasOff, unchanged: n - wasOff, failed: 0 })
        // rows are answered by the call that committed them, never twice
        expect(new Set(answeredRows).size).toBe(answeredRows.length)
      },
    ),
    { numRuns: 150 },
  )
})

test('the first chunk runs even when the budget is already spent, so every call progresses', async () => {
  const store = new MemoryStore()
  const clock = new StepClock()
  for (let i = 0; i < 10; i++)
    store.write(TARGETS, `t-${i}`, { accountId: ACCOUNT, plate: `P${i}`, on: false, applied: 0 })
  const request: BatchCall = {
    accountId: ACCOUNT,
    key: 'key-budget-1',
    selection: { by: 'filter', filter: {} },
    params: { on: true },
    startedAt: new Date(clock.t - 60_000),
    prepare: async () => ({ total: 10 }),
  }
  const one = await runBatch({ store, clock }, kind(4), request)
  expect(one.batch).toMatchObject({ state: 'running', chunks: 1, changed: 4 })
  expect(one.rows).toEqual(['t-0', 't-1', 't-2', 't-3'])
})

test('the same key with another request is refused; a continuation needs its batch', async () => {
  const store = new MemoryStore()
  const clock = new StepClock()
  store.write(TARGETS, 't-0', { accountId: ACCOUNT, plate: 'P0', on: false, applied: 0 })
  const base: BatchCall = {
    accountId: ACCOUNT,
    key: 'key-reuse-01',
    selection: { by: 'ids', ids: ['t-0'] },
    params: { on: true },
    startedAt: clock.now(),
    prepare: async () => ({ total: 1 }),
  }
  await runBatch({ store, clock }, kind(5), base)
  await expect(runBatch({ store, clock }, kind(5), { ...base, params: { on: false } })).rejects.toMatchObject(
    {
      code: 'KEY_REUSED',
    },
  )
  await expect(
    runBatch({ store, clock }, kind(5), { ...base, key: 'key-unknown-1', continuation: 'c1-000000000000' }),
  ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  // another account's identical key is another batch
  const mine = await runBatch({ store, clock }, kind(5), base)
  const other = await runBatch({ store, clock }, kind(5), {
    ...base,
    accountId: 'acc-2',
    params: { on: false },
  })
  expect(other.batch.id).not.toBe(mine.batch.id)
  expect(other.batch).toMatchObject({ state: 'done', unchanged: 1 })
})
