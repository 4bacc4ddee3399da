import { z } from 'zod'
import type { ErrorCode } from './errors'

/**
 * Fleet batches (拓展授权 on/off for a whole fleet now, invoice titles next): the contract
 * pieces every batch action shares. The rules behind them live in cloudfunctions/core/batches.ts.
 *
 * - The client picks an idempotency key (`batchKey`) for one user intent and sends it with every
 *   call of that batch. The same key with the same request resumes the batch; it never applies
 *   a target twice. The same key with another request is refused (BATCH_KEY_REUSED).
 * - One call works for a bounded time (inside the cloud function's timeout) and answers the
 *   progress so far. While `state` is 'running' the client calls again with the same request
 *   plus `continuation` from the answer, until 'done'.
 * - After a failure (network, timeout, server error) the client repeats the last call with the
 *   same key: the answer is the batch's true result, counting what the failed call applied.
 */

/** The client's idempotency key: 8 to 64 of [A-Za-z0-9_-], unique per user intent. */
export const batchKeySchema = z
  .string({ error: '缺少批量操作编号' })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, '批量操作编号不正确')

/** Opaque token from the previous answer of the same batch. */
export const continuationSchema = z
  .string({ error: '续传标记不正确' })
  .max(200, '续传标记不正确')
  .regex(/^[A-Za-z0-9_-]+$/, '续传标记不正确')

/** What every batch request carries besides its own fields. */
export interface BatchRequestFields {
  batchKey: string
  continuation?: string
}

/** Most failures one answer lists (the count `failed` is always complete). */
export const maxReportedFailures = 50

/** A target the batch could not apply (it changed between selection and writing). */
export interface BatchFailure {
  targetId: string
  /** What the user recognises the target by, e.g. the plate. */
  label: string
  code: ErrorCode
  /** Chinese, safe to show. */
  message: string
}

export interface BatchProgress {
  batchKey: string
  /** 'running': call again with `continuation`; 'done': the counts are final. */
  state: 'running' | 'done'
  continuation: string | null
  /** Targets when the batch began (a filter's matches at that moment). */
  total: number
  /** changed + unchanged + failed, over every call of this batch so far. */
  processed: number
  /** Targets whose state this batch changed. */
  changed: number
  /** Targets already in the requested state (left as they were, still audited). */
  unchanged: number
  failed: number
  /** The first failures (at most maxReportedFailures). */
  failures: BatchFailure[]
  /** When the batch began: the operation time of every target it changed. */
  operatedAt: string
}
