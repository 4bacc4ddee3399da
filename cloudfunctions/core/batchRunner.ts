import type { Clock } from '../ports/clock'
import type { Condition, Doc, Store, TxStore } from '../ports/store'
import {
  afterChunk,
  batchDocId,
  batchFingerprint,
  BatchError,
  batchTiming,
  checkContinuation,
  newBatch,
  nextIds,
  withinBudget,
  type BatchParams,
  type BatchSelection,
  type ChunkEnd,
  type TargetOutcome,
} from './batches'
import { collections, type BatchDoc, type BatchScalar } from './documents'

/**
 * The one runner of every fleet batch (rules: core/batches.ts). An action describes its kind of
 * batch once: how a filter selection is queried, and how one chunk of targets is applied inside
 * a transaction. The runner does the rest: key, budget, chunks, continuation and counts.
 */
export interface BatchKind<Row> {
  /** The action, e.g. parking.set. */
  kind: string
  /** Targets per transaction; keep a chunk's round trips well inside the budget's margin. */
  chunkSize: number
  /** The account's documents a filter selection stands for, in a stable order. */
  matching(
    filter: { [field: string]: BatchScalar },
    accountId: string,
  ): { collection: string; where: Condition[]; orderBy: { field: string; direction: 'asc' | 'desc' } }
  /**
   * Applies one chunk inside its transaction: re-reads each target, checks it, writes it and its
   * audit record (ids derived from batch.id and the target, never from the request). A target
   * that cannot be applied any more is answered as failed, not thrown: the chunk goes on.
   */
  applyChunk(tx: TxStore, ids: readonly string[], batch: BatchDoc): Promise<Array<TargetOutcome<Row>>>
}

export interface BatchCall {
  accountId: string
  key: string
  selection: BatchSelection
  params: BatchParams
  continuation?: string
  /** When the call began: the budget counts from here. */
  startedAt: Date
  /**
   * Checks a new batch's request before anything is written and counts its targets (throw to
   * refuse it). Not called when the key already names a batch: that request was checked then.
   */
  prepare(): Promise<{ total: number }>
}

export interface BatchRun<Row> {
  /** The batch after this call: its counts include every call's work. */
  batch: BatchDoc
  /** The rows this call applied (changed or unchanged), in order. */
  rows: Row[]
}

type StoredBatch = BatchDoc & Doc

async function openBatch(store: Store, clock: Clock, kindName: string, call: BatchCall): Promise<BatchDoc> {
  const id = batchDocId(call.accountId, kindName, call.key)
  const fingerprint = batchFingerprint(kindName, call.selection, call.params)
  const reused = () => new BatchError('KEY_REUSED', 'batch key names another request')
  const existing = await store.get<StoredBatch>(collections.batches, id)
  if (existing) {
    if (existing.fingerprint !== fingerprint) throw reused()
    if (call.continuation !== undefined) checkContinuation(existing, call.continuation)
    return existing
  }
  if (call.continuation !== undefined) throw new BatchError('NOT_FOUND', 'no batch for this continuation')
  const { total } = await call.prepare()
  const fresh = newBatch({ ...call, kind: kindName, total, now: clock.now() })
  // Two first calls of one key may race: one creates, the other finds it (and must match it).
  const opened = await store.transaction(async (tx) => {
    const raced = await tx.get<StoredBatch>(collections.batches, id)
    if (raced) return raced
    await tx.set(collections.batches, id, { ...fresh })
    return fresh
  })
  if (opened.fingerprint !== fingerprint) throw reused()
  return opened
}

/** Runs (or resumes) the batch the call's key names, chunk by chunk, until done or out of budget. */
export async function runBatch<Row>(
  env: { store: Store; clock: Clock; budgetMs?: number },
  kind: BatchKind<Row>,
  call: BatchCall,
): Promise<BatchRun<Row>> {
  const { store, clock } = env
  const budgetMs = env.budgetMs ?? batchTiming.budgetMs
  let batch = await openBatch(store, clock, kind.kind, call)
  const rows: Row[] = []
  // The first chunk runs whatever the clock says, so every call makes progress.
  let first = true
  while (batch.state === 'running' && (first || withinBudget(call.startedAt, clock.now(), budgetMs))) {
    first = false
    const seen = batch
    let ids: string[]
    let end: ChunkEnd
    if (seen.selection.by === 'ids') {
      ids = nextIds(seen, kind.chunkSize)
      end = { position: seen.position + ids.length }
    } else {
      // Queries are not allowed in a transaction: the page is read first, and the transaction
      // commits it only if the batch still stands where this page starts.
      const q = kind.matching(seen.selection.filter, seen.accountId)
      const page = await store.query<Doc>(q.collection, {
        where: q.where,
        orderBy: q.orderBy,
        limit: kind.chunkSize,
        ...(seen.cursor === null ? {} : { after: seen.cursor }),
      })
      ids = page.items.map((doc) => String(doc['id']))
      end = { cursor: page.nextCursor }
    }
    const now = clock.now()
    const step = await store.transaction(async (tx) => {
      const current = await tx.get<StoredBatch>(collections.batches, seen.id)
      if (!current) throw new BatchError('NOT_FOUND', 'batch vanished')
      // Another call of this batch committed this chunk first: nothing to do here.
      if (current.chunks !== seen.chunks) return { batch: current, outcomes: null }
      const outcomes = await kind.applyChunk(tx, ids, current)
      const next = afterChunk(current, outcomes, end, now)
      await tx.set(collections.batches, seen.id, { ...next })
      return { batch: next, outcomes }
    })
    batch = step.batch
    for (const outcome of step.outcomes ?? []) if (outcome.result !== 'failed') rows.push(outcome.row)
  }
  return { batch, rows }
}
