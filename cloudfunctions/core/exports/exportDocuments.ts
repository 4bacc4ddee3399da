import type { ExportKind, ExportStatus } from '../../../types/actions/exports'

type Instant = string

/** A filter as an export keeps it: the list's filter, resolved (dates defaulted) when it was queued. */
export type ExportFilter = { [field: string]: string | number | boolean | null }

/**
 * One export (导出记录) and its file. Lifecycle (rules: core/exports/jobs.ts):
 * - queued: made by exports.create / exports.reexport;
 * - running: claimed by one job run until `dueAt` (its lease); a run that dies leaves it running,
 *   and the next run after the lease claims it again (attempt + 1), up to maxExportAttempts;
 * - ready: the file is written; downloadable until `expiresAt` (finish + 30 days);
 * - failed: the last attempt failed (the record stays, re-export is offered);
 * - expired: past `expiresAt`, the file removed by the scheduler.
 */
export interface ExportDoc {
  /** exportDocId(accountId, key): a key only ever names an export of its own account. */
  id: string
  accountId: string
  /** The client's idempotency key. */
  key: string
  /** Hash of kind + filter: the same key must always repeat the same request. */
  fingerprint: string
  kind: ExportKind
  filter: ExportFilter
  status: ExportStatus
  /**
   * When the scheduler next has to act on it: queued → createdAt (oldest first), running → the
   * lease's end, ready → expiresAt; null when there is nothing left to do.
   */
  dueAt: Instant | null
  /** Claims so far; the file of attempt n is written under its own path. */
  attempt: number
  rowCount: number | null
  sizeBytes: number | null
  /** The FileStorage key of the file while it exists. */
  fileKey: string | null
  createdAt: Instant
  startedAt: Instant | null
  finishedAt: Instant | null
  expiresAt: Instant | null
  /** Why the last attempt failed (for operators, never shown to users as is). */
  error: string | null
  /** The export this one regenerates (重新导出), if any. */
  sourceId: string | null
}

/** The unfinished exports of an account (at most maxActiveExports); written by every create. */
export interface ExportSlotsDoc {
  /** The account id. */
  id: string
  active: string[]
  updatedAt: Instant
}

/** Attempts before an export is marked failed (a run killed mid-file counts as one). */
export const maxExportAttempts = 3

/** The media type of the files (xlsx). */
export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
