import { createHash } from 'node:crypto'
import { collections, type RateLimitDoc } from '../documents'
import { applyRateRule, perMinute, perShanghaiDay, rateLimitId, type RateRule } from '../rateLimits'
import type { Store } from '../../ports/store'
import { maxActiveExports, type ExportKind } from '../../../types/actions/exports'
import type { ExportDoc, ExportFilter, ExportSlotsDoc } from './exportDocuments'

/**
 * Queuing an export (exports.create / exports.reexport), all in one Store transaction:
 * - the key names one export of one account (exportDocId): the same key and request answer that
 *   export and change nothing; the same key with another request is refused (KEY_REUSED);
 * - an account has at most maxActiveExports queued or running: the slots document lists them and
 *   every create writes it, so concurrent creates conflict and one of them sees the other;
 * - creates are rate limited per account (exportCreateRules), counted only when one is made;
 * - a refusal writes nothing.
 */

export const exportCreateRules: readonly RateRule[] = [
  { name: 'export-create-minute', limit: 5, window: perMinute },
  { name: 'export-create-day', limit: 100, window: perShanghaiDay },
]

export class ExportRequestError extends Error {
  constructor(
    readonly code: 'KEY_REUSED' | 'BUSY' | 'RATE_LIMITED',
    message: string,
  ) {
    super(message)
    this.name = 'ExportRequestError'
  }
}

export interface ExportRequest {
  accountId: string
  key: string
  kind: ExportKind
  /** Resolved as the list resolves it (both date ends set). */
  filter: ExportFilter
  /** 重新导出: the export this one regenerates. */
  sourceId?: string | null
}

/** The id of the export `key` made for the account: `exp-` + 32 hex of SHA-256. */
export function exportDocId(accountId: string, key: string): string {
  return `exp-${createHash('sha256').update(`${accountId}\n${key}`).digest('hex').slice(0, 32)}`
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    )
  return value
}

export function exportFingerprint(request: Pick<ExportRequest, 'kind' | 'filter' | 'sourceId'>): string {
  const body = JSON.stringify(
    canonical({ kind: request.kind, filter: request.filter, source: request.sourceId ?? null }),
  )
  return createHash('sha256').update(body).digest('hex')
}

/** The export a key already made for the account, or null; KEY_REUSED when it was another request. */
export async function existingExport(store: Store, request: ExportRequest): Promise<ExportDoc | null> {
  const doc = await store.get<ExportDoc & { [key: string]: unknown }>(
    collections.exports,
    exportDocId(request.accountId, request.key),
  )
  if (!doc) return null
  if (doc.accountId !== request.accountId || doc.fingerprint !== exportFingerprint(request))
    throw new ExportRequestError('KEY_REUSED', '该请求编号已用于另一项导出')
  return doc
}

const unfinished = (doc: ExportDoc | null): boolean =>
  doc !== null && (doc.status === 'queued' || doc.status === 'running')

/** Queues the export (or answers the one the key made). `created` is false for a repeated key. */
export async function queueExport(
  store: Store,
  request: ExportRequest,
  now: Date,
): Promise<{ doc: ExportDoc; created: boolean }> {
  const id = exportDocId(request.accountId, request.key)
  const fingerprint = exportFingerprint(request)
  const at = now.toISOString()
  return store.transaction(async (tx) => {
    const existing = await tx.get<ExportDoc & { [key: string]: unknown }>(collections.exports, id)
    if (existing) {
      if (existing.accountId !== request.accountId || existing.fingerprint !== fingerprint)
        throw new ExportRequestError('KEY_REUSED', '该请求编号已用于另一项导出')
      return { doc: existing, created: false }
    }

    const slots = await tx.get<ExportSlotsDoc & { [key: string]: unknown }>(
      collections.exportSlots,
      request.accountId,
    )
    const listed = slots?.active ?? []
    const docs = await Promise.all(
      listed.map((slot) => tx.get<ExportDoc & { [key: string]: unknown }>(collections.exports, slot)),
    )
    const active = listed.filter((_, i) => unfinished(docs[i]))
    if (active.length >= maxActiveExports)
      throw new ExportRequestError('BUSY', `最多同时进行${maxActiveExports}个导出任务，请等待完成后再导出`)

    const counters: RateLimitDoc[] = []
    for (const rule of exportCreateRules) {
      const counterId = rateLimitId(rule, request.accountId)
      const current = await tx.get<RateLimitDoc & { [key: string]: unknown }>(
        collections.rateLimits,
        counterId,
      )
      const decision = applyRateRule(current, rule, request.accountId, now)
      if (!decision.allowed) throw new ExportRequestError('RATE_LIMITED', '导出过于频繁，请稍后再试')
      counters.push(decision.next)
    }

    const doc: ExportDoc = {
      id,
      accountId: request.accountId,
      key: request.key,
      fingerprint,
      kind: request.kind,
      filter: request.filter,
      status: 'queued',
      dueAt: at,
      attempt: 0,
      rowCount: null,
      sizeBytes: null,
      fileKey: null,
      createdAt: at,
      startedAt: null,
      finishedAt: null,
      expiresAt: null,
      error: null,
      sourceId: request.sourceId ?? null,
    }
    await tx.set(collections.exports, id, { ...doc })
    const nextSlots: ExportSlotsDoc = { id: request.accountId, active: [...active, id], updatedAt: at }
    await tx.set(collections.exportSlots, request.accountId, { ...nextSlots })
    for (const counter of counters) await tx.set(collections.rateLimits, counter.id, { ...counter })
    return { doc, created: true }
  })
}
