import { PassThrough } from 'node:stream'
import { collections } from '../documents'
import type { FileStorage } from '../../ports/files'
import type { Doc, Store, TxStore } from '../../ports/store'
import { exportValidDays, maxExportRows } from '../../../types/actions/exports'
import { maxExportAttempts, xlsxContentType, type ExportDoc, type ExportSlotsDoc } from './exportDocuments'
import { exportKindSpec, type ExportKindSpec } from './registry'
import { writeXlsx } from './xlsx'

/**
 * The background side of exports, run by the scheduler (and, locally, by the local server right
 * after a job is queued):
 * - runExportJobs claims queued jobs oldest first, and running ones whose lease ran out (their
 *   run died), each in a transaction that writes the job: two runs at once never both claim one
 *   job. It streams the list's rows, page by page, into an xlsx written to FileStorage under a
 *   path of its own attempt, then marks the job ready in a transaction that checks the claim is
 *   still its own (a run that lost it removes its file instead). A failed attempt is queued
 *   again until maxExportAttempts, then failed.
 * - removeExpiredExports removes the files of ready exports past their 30 days and marks them
 *   expired (file first, then the record: a crash in between only repeats the removal).
 */

export interface ExportJobDeps {
  store: Store
  files: FileStorage
  /** One line per job outcome, without personal data. */
  log?: (line: string) => void
}

export interface ExportRunReport {
  claimed: number
  ready: number
  /** Attempts that failed and were queued again. */
  retried: number
  failed: number
  /** Claims another run took over after the lease (their files were removed). */
  lost: number
}

/** How long a claim lasts: far beyond a 20,000-row export (seconds), within a scheduler's day. */
export const exportLeaseMs = 2 * 60_000
/** Rows read per store query. */
export const exportPageSize = 500

const dayMs = 86_400_000

type StoredExport = ExportDoc & { [key: string]: unknown }

async function freeSlot(tx: TxStore, doc: ExportDoc, at: string): Promise<void> {
  const slots = await tx.get<ExportSlotsDoc & { [key: string]: unknown }>(
    collections.exportSlots,
    doc.accountId,
  )
  if (!slots || !slots.active.includes(doc.id)) return
  const next: ExportSlotsDoc = {
    id: doc.accountId,
    active: slots.active.filter((id) => id !== doc.id),
    updatedAt: at,
  }
  await tx.set(collections.exportSlots, doc.accountId, { ...next })
}

function claimable(doc: ExportDoc | null, at: string): doc is ExportDoc {
  if (!doc) return false
  return doc.status === 'queued' || (doc.status === 'running' && doc.dueAt !== null && doc.dueAt <= at)
}

type Claim = { kind: 'claimed'; doc: ExportDoc } | { kind: 'exhausted' } | { kind: 'gone' }

/** Claims one job (or fails it when its attempts are spent), in one transaction. */
async function claim(store: Store, id: string, now: Date): Promise<Claim> {
  const at = now.toISOString()
  return store.transaction(async (tx): Promise<Claim> => {
    const doc = await tx.get<StoredExport>(collections.exports, id)
    if (!claimable(doc, at)) return { kind: 'gone' }
    if (doc.attempt >= maxExportAttempts) {
      const failed: ExportDoc = {
        ...doc,
        status: 'failed',
        dueAt: null,
        finishedAt: at,
        error: doc.error ?? `interrupted ${doc.attempt} times`,
      }
      await tx.set(collections.exports, id, { ...failed })
      await freeSlot(tx, doc, at)
      return { kind: 'exhausted' }
    }
    const claimed: ExportDoc = {
      ...doc,
      status: 'running',
      attempt: doc.attempt + 1,
      startedAt: at,
      dueAt: new Date(now.getTime() + exportLeaseMs).toISOString(),
    }
    await tx.set(collections.exports, id, { ...claimed })
    return { kind: 'claimed', doc: claimed }
  })
}

/** Jobs a run may take now: queued ones oldest first, then running ones whose lease has ended. */
async function candidates(store: Store, now: Date, skip: ReadonlySet<string>): Promise<string[]> {
  const at = now.toISOString()
  const [queued, stale] = await Promise.all([
    store.query<StoredExport>(collections.exports, {
      where: [{ field: 'status', op: 'eq', value: 'queued' }],
      orderBy: { field: 'dueAt', direction: 'asc' },
      limit: 10,
    }),
    store.query<StoredExport>(collections.exports, {
      where: [
        { field: 'status', op: 'eq', value: 'running' },
        { field: 'dueAt', op: 'lte', value: at },
      ],
      orderBy: { field: 'dueAt', direction: 'asc' },
      limit: 10,
    }),
  ])
  return [...queued.items, ...stale.items].map((d) => d.id).filter((id) => !skip.has(id))
}

/** The rows of a job, a page at a time, through the list's own query and the kind's mapper. */
async function* rowPages(store: Store, spec: ExportKindSpec, job: ExportDoc): AsyncGenerator<string[][]> {
  const selection = spec.select(job.accountId, job.filter)
  const map = spec.mapper({ store, accountId: job.accountId }, job.filter)
  let after: string | undefined
  let rows = 0
  do {
    const limit = Math.min(exportPageSize, maxExportRows - rows)
    if (limit <= 0) return
    const page = await store.query<Doc>(selection.collection, {
      where: selection.where,
      orderBy: selection.orderBy,
      limit,
      after,
    })
    const mapped = await map(page.items)
    rows += mapped.length
    yield mapped
    after = page.nextCursor ?? undefined
  } while (after)
}

/** Where attempt n of a job writes its file: its own path, so a stale run never overwrites it. */
export function exportFilePath(job: Pick<ExportDoc, 'accountId' | 'id' | 'attempt' | 'kind'>): string {
  return `exports/${job.accountId}/${job.id}-${job.attempt}-${exportKindSpec(job.kind).fileStem}.xlsx`
}

/** Writes the file of a claimed job; answers its key, size and rows. */
async function writeJobFile(deps: ExportJobDeps, job: ExportDoc) {
  const spec = exportKindSpec(job.kind)
  const body = new PassThrough()
  const writing = deps.files.write(exportFilePath(job), body, xlsxContentType)
  // If storage gives up first, nobody reads `body` any more: stop waiting for the workbook.
  const storageFailed = writing.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error),
  )
  let rowCount: number
  try {
    rowCount = await Promise.race([
      writeXlsx(body, spec.label, spec.columns, rowPages(deps.store, spec, job)),
      storageFailed,
    ])
  } catch (error) {
    body.destroy(error instanceof Error ? error : new Error(String(error)))
    await writing.catch(() => undefined)
    throw error
  }
  const stored = await writing
  return { ...stored, rowCount }
}

async function finish(
  store: Store,
  job: ExportDoc,
  at: Date,
  outcome: { ok: true; fileKey: string; sizeBytes: number; rowCount: number } | { ok: false; error: string },
): Promise<'ready' | 'retried' | 'failed' | 'lost'> {
  const iso = at.toISOString()
  return store.transaction(async (tx) => {
    const doc = await tx.get<StoredExport>(collections.exports, job.id)
    if (!doc || doc.status !== 'running' || doc.attempt !== job.attempt) return 'lost'
    if (outcome.ok) {
      const expiresAt = new Date(at.getTime() + exportValidDays * dayMs).toISOString()
      const ready: ExportDoc = {
        ...doc,
        status: 'ready',
        dueAt: expiresAt,
        rowCount: outcome.rowCount,
        sizeBytes: outcome.sizeBytes,
        fileKey: outcome.fileKey,
        finishedAt: iso,
        expiresAt,
        error: null,
      }
      await tx.set(collections.exports, job.id, { ...ready })
      await freeSlot(tx, doc, iso)
      return 'ready'
    }
    if (doc.attempt < maxExportAttempts) {
      const again: ExportDoc = { ...doc, status: 'queued', dueAt: iso, error: outcome.error }
      await tx.set(collections.exports, job.id, { ...again })
      return 'retried'
    }
    const failed: ExportDoc = { ...doc, status: 'failed', dueAt: null, finishedAt: iso, error: outcome.error }
    await tx.set(collections.exports, job.id, { ...failed })
    await freeSlot(tx, doc, iso)
    return 'failed'
  })
}

/**
 * Runs queued export jobs until none is left or `budgetMs` has passed (a job already started is
 * finished). `now` is the scheduler's clock at the start; later instants add the time spent.
 */
export async function runExportJobs(
  deps: ExportJobDeps,
  now: Date,
  budgetMs: number,
): Promise<ExportRunReport> {
  const started = performance.now()
  const at = () => new Date(now.getTime() + Math.round(performance.now() - started))
  const report: ExportRunReport = { claimed: 0, ready: 0, retried: 0, failed: 0, lost: 0 }
  // Jobs this run already tried: a failed attempt waits for the next run.
  const tried = new Set<string>()
  while (performance.now() - started < budgetMs) {
    const ids = await candidates(deps.store, at(), tried)
    if (ids.length === 0) break
    for (const id of ids) {
      if (performance.now() - started >= budgetMs) break
      tried.add(id)
      const claimed = await claim(deps.store, id, at())
      if (claimed.kind === 'exhausted') report.failed += 1
      if (claimed.kind !== 'claimed') continue
      report.claimed += 1
      const job = claimed.doc
      let outcome: Parameters<typeof finish>[3]
      try {
        outcome = { ok: true, ...(await writeJobFile(deps, job)) }
      } catch (error) {
        outcome = { ok: false, error: error instanceof Error ? error.message.slice(0, 500) : String(error) }
      }
      const result = await finish(deps.store, job, at(), outcome)
      report[result] += 1
      if (result === 'lost' && outcome.ok) await deps.files.remove(outcome.fileKey).catch(() => undefined)
      deps.log?.(`export ${job.id} ${job.kind} attempt ${job.attempt}: ${result}`)
    }
  }
  return report
}

/** Removes the files of ready exports past their expiry and marks them expired. Answers how many. */
export async function removeExpiredExports(
  deps: ExportJobDeps,
  now: Date,
  budgetMs: number,
): Promise<number> {
  const started = performance.now()
  const at = now.toISOString()
  let removed = 0
  while (performance.now() - started < budgetMs) {
    const page = await deps.store.query<StoredExport>(collections.exports, {
      where: [
        { field: 'status', op: 'eq', value: 'ready' },
        { field: 'dueAt', op: 'lte', value: at },
      ],
      orderBy: { field: 'dueAt', direction: 'asc' },
      limit: 100,
    })
    if (page.items.length === 0) break
    for (const doc of page.items) {
      if (doc.fileKey) await deps.files.remove(doc.fileKey)
      const done = await deps.store.transaction(async (tx) => {
        const current = await tx.get<StoredExport>(collections.exports, doc.id)
        if (!current || current.status !== 'ready' || current.expiresAt === null || current.expiresAt > at)
          return false
        const expired: ExportDoc = { ...current, status: 'expired', dueAt: null, fileKey: null }
        await tx.set(collections.exports, doc.id, { ...expired })
        return true
      })
      if (done) removed += 1
      if (performance.now() - started >= budgetMs) break
    }
  }
  if (removed > 0) deps.log?.(`exports expired: ${removed}`)
  return removed
}

/** A job the scheduler runs: it gives each its dependencies, its clock and a time budget. */
export interface ScheduledExportJob {
  name: string
  run(deps: ExportJobDeps, now: Date, budgetMs: number): Promise<unknown>
}

/** What the scheduler calls for exports, in this order. */
export const exportJobs: readonly ScheduledExportJob[] = [
  { name: 'exports.run', run: runExportJobs },
  { name: 'exports.removeExpired', run: removeExpiredExports },
]
