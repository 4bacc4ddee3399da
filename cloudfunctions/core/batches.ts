import { createHash } from 'node:crypto'
import { requestKeyDocId } from './requestKeys'
import { maxReportedFailures, type BatchFailure, type BatchProgress } from '../../types/batches'
import type { BatchDoc, BatchScalar } from './documents'

/**
 * Fleet batches: one user intent (switch 拓展授权 for 5,000 vehicles) applied in chunks across as
 * many calls as it takes, each target exactly once, whatever fails in between.
 *
 * - The client's key names the batch (per account and kind); the batch document remembers the
 *   request's fingerprint, so the same key replays the same request and never another.
 * - Each chunk is one transaction that re-reads the batch document, applies the chunk's targets
 *   and writes the batch document one chunk further. Two runners of the same batch (a retry
 *   racing the call it retries) both write that document, so the store lets only one of them
 *   commit the chunk; the other sees the batch moved on and goes to the next chunk.
 * - A call starts no chunk after its time budget, so it answers well inside the function timeout
 *   with a continuation; the counts it answers are the batch document's, i.e. everything every
 *   call of the batch applied, never less.
 */

export const batchTiming = {
  /** The api function's timeout in cloudbaserc.json (`timeout: 10`). */
  functionTimeoutMs: 10_000,
  /**
   * No chunk starts after this much of a call. A chunk of 25 vehicles is about 77 store round
   * trips (25 reads, up to 50 writes, the batch document twice); at the 20 ms per round trip of
   * docs/benchmarks.md that is ~1.5 s, ~3.5 s with one conflict retry and its backoff. Starting
   * the last chunk by 5 s ends it by ~8.5 s in the worst case, leaving time to answer.
   */
  budgetMs: 5_000,
} as const

export class BatchError extends Error {
  constructor(
    readonly code: 'KEY_REUSED' | 'NOT_FOUND' | 'BAD_CONTINUATION',
    message: string,
  ) {
    super(message)
    this.name = 'BatchError'
  }
}

/** The batch document's id (core/requestKeys.ts). */
export const batchDocId = requestKeyDocId

/** JSON with sorted keys, so equal requests hash equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export type BatchSelection = BatchDoc['selection']
export type BatchParams = BatchDoc['params']

/** What identifies a batch's request: kind, selection and parameters (not key or continuation). */
export function batchFingerprint(kind: string, selection: BatchSelection, params: BatchParams): string {
  return createHash('sha256').update(canonical({ kind, selection, params })).digest('base64url')
}

export function newBatch(fields: {
  accountId: string
  kind: string
  key: string
  selection: BatchSelection
  params: BatchParams
  total: number
  now: Date
}): BatchDoc {
  const { accountId, kind, key, selection, params, total, now } = fields
  const at = now.toISOString()
  return {
    id: batchDocId(accountId, kind, key),
    accountId,
    kind,
    key,
    fingerprint: batchFingerprint(kind, selection, params),
    selection,
    params,
    state: total === 0 && selection.by === 'ids' ? 'done' : 'running',
    chunks: 0,
    position: 0,
    cursor: null,
    total,
    changed: 0,
    unchanged: 0,
    failed: 0,
    failures: [],
    operatedAt: at,
    updatedAt: at,
  }
}

/** What one chunk did to each of its targets. */
export type TargetOutcome<Row> =
  | { id: string; result: 'changed' | 'unchanged'; row: Row }
  | { id: string; result: 'failed'; failure: BatchFailure }

/** Where the next chunk starts: the next index of an ids selection, or the store cursor of a filter. */
export type ChunkEnd = { position: number } | { cursor: string | null }

/** The ids of the next chunk of an ids selection (empty once every id is committed). */
export function nextIds(batch: BatchDoc, chunkSize: number): string[] {
  if (batch.selection.by !== 'ids') return []
  return batch.selection.ids.slice(batch.position, batch.position + chunkSize)
}

/** The batch one chunk further: counts added, position moved, done at the end of the targets. */
export function afterChunk<Row>(
  batch: BatchDoc,
  outcomes: ReadonlyArray<TargetOutcome<Row>>,
  end: ChunkEnd,
  now: Date,
): BatchDoc {
  const count = (result: TargetOutcome<Row>['result']) => outcomes.filter((o) => o.result === result).length
  const failures = [...batch.failures]
  for (const o of outcomes) {
    if (o.result === 'failed' && failures.length < maxReportedFailures) failures.push(o.failure)
  }
  const position = 'position' in end ? end.position : batch.position
  const cursor = 'cursor' in end ? end.cursor : batch.cursor
  const done =
    batch.selection.by === 'ids'
      ? position >= batch.selection.ids.length
      : 'cursor' in end && end.cursor === null
  return {
    ...batch,
    chunks: batch.chunks + 1,
    position,
    cursor,
    state: done ? 'done' : 'running',
    changed: batch.changed + count('changed'),
    unchanged: batch.unchanged + count('unchanged'),
    failed: batch.failed + count('failed'),
    failures,
    updatedAt: now.toISOString(),
  }
}

/**
 * The continuation a call answers: the chunk count it saw, so a stale or foreign token is
 * recognised. It names no more than the key already does; the batch document is the truth.
 */
export function continuationOf(batch: BatchDoc): string | null {
  if (batch.state === 'done') return null
  return `c${batch.chunks}-${batch.id.slice('batch-'.length, 'batch-'.length + 12)}`
}

/** Checks a continuation sent back against the batch it must belong to. */
export function checkContinuation(batch: BatchDoc, token: string): void {
  const match = /^c(\d{1,9})-([0-9a-f]{12})$/.exec(token)
  const ok =
    match !== null &&
    match[2] === batch.id.slice('batch-'.length, 'batch-'.length + 12) &&
    Number(match[1]) <= batch.chunks
  if (!ok) throw new BatchError('BAD_CONTINUATION', '续传标记不正确')
}

/** True while a call may start another chunk. */
export function withinBudget(startedAt: Date, now: Date, budgetMs: number = batchTiming.budgetMs): boolean {
  return now.getTime() - startedAt.getTime() < budgetMs
}

/** The progress a call answers: always the batch document's counts (every call's work so far). */
export function batchProgress(batch: BatchDoc): BatchProgress {
  return {
    batchKey: batch.key,
    state: batch.state,
    continuation: continuationOf(batch),
    total: batch.total,
    processed: batch.changed + batch.unchanged + batch.failed,
    changed: batch.changed,
    unchanged: batch.unchanged,
    failed: batch.failed,
    failures: batch.failures,
    operatedAt: batch.operatedAt,
  }
}

export type { BatchScalar }
