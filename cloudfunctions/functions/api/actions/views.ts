import { maskCardNo, maskIdNumber, maskPersonalName, maskUnitName } from '../../../core/masking'
import {
  collections,
  type AccountDoc,
  type CardDoc,
  type InvoiceTitleDoc,
  type TagDoc,
  type VehicleDoc,
} from '../../../core/documents'
import { StoreError, type Condition, type Query, type QueryPage } from '../../../ports/store'
import type {
  AccountSummary,
  CardInfo,
  InvoiceTitleInfo,
  SigningInfo,
  TagInfo,
  VehicleSummary,
} from '../../../../types/api'
import { BatchError, batchProgress } from '../../../core/batches'
import { runBatch, type BatchCall, type BatchKind } from '../../../core/batchRunner'
import type { BatchProgress } from '../../../../types/batches'
import { ActionError, type AuthedContext } from '../context'

/** Documents as the store returns them (the port types documents as open records). */
export type Stored<T> = T & { [key: string]: unknown }

export function accountSummary(account: AccountDoc): AccountSummary {
  return {
    id: account.id,
    userType: account.userType,
    displayName: account.userType === 'unit' ? maskUnitName(account.name) : maskPersonalName(account.name),
  }
}

export function signingInfo(card: CardDoc | null): SigningInfo | null {
  if (card?.type !== 'credit' || !card.signing) return null
  const { channel, signedAt, status } = card.signing
  return { channel, signedAt, status }
}

export function cardInfo(card: CardDoc): CardInfo {
  return {
    id: card.id,
    cardNo: maskCardNo(card.cardNo),
    type: card.type,
    status: card.status,
    inStatusList: card.inStatusList === true,
    issuedAt: card.issuedAt,
    updatedAt: card.updatedAt,
    canViewDetail: card.status !== 'cancelled',
  }
}

export function tagInfo(tag: TagDoc): TagInfo {
  return {
    id: tag.id,
    tagNo: maskCardNo(tag.tagNo),
    brand: tag.brand,
    model: tag.model,
    outlet: tag.outlet,
    issuedAt: tag.issuedAt,
    status: tag.status,
  }
}

export function invoiceTitleInfo(title: InvoiceTitleDoc): InvoiceTitleInfo {
  // A personal buyer name is personal data like any other name; a company name is public.
  const masked = title.taxNumber === null ? maskPersonalName(title.title) : title.title
  return {
    id: title.id,
    title: masked,
    taxNumber: title.taxNumber === null ? null : maskIdNumber(title.taxNumber),
    isDefault: title.isDefault,
  }
}

export function vehicleSummary(
  vehicle: VehicleDoc,
  card: CardDoc | null,
  tag: TagDoc | null,
): VehicleSummary {
  const cardType = card?.type ?? vehicle.cardType
  return {
    id: vehicle.id,
    plate: vehicle.plate,
    plateColor: vehicle.plateColor,
    cardType,
    cardNo: card ? maskCardNo(card.cardNo) : '',
    cardStatus: card?.status ?? vehicle.cardStatus,
    tagNo: tag ? maskCardNo(tag.tagNo) : null,
    tagStatus: tag?.status ?? null,
    signed: card?.type === 'credit' ? card.signing?.status === 'signed' : null,
    signing: signingInfo(card),
  }
}

/** A page of a store query; a cursor the store cannot decode is the caller's mistake, not ours. */
export async function queryPage<T>(
  ctx: AuthedContext,
  collection: string,
  query: Query,
): Promise<QueryPage<Stored<T>>> {
  try {
    return await ctx.store.query<Stored<T>>(collection, query)
  } catch (error) {
    if (error instanceof StoreError && error.code === 'INVALID_QUERY') {
      throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
    }
    throw error
  }
}

/**
 * A document of the session's account, or NOT_FOUND. Another account's id answers exactly
 * like an id that does not exist, so ids cannot be probed across accounts.
 */
export async function ownDoc<T extends { accountId: string }>(
  ctx: AuthedContext,
  collection: string,
  id: string,
): Promise<Stored<T>> {
  const doc = await ctx.store.get<Stored<T>>(collection, id)
  if (!doc || doc.accountId !== ctx.identity.accountId) throw new ActionError('NOT_FOUND')
  return doc
}

/** Loads documents by id (page-sized sets), keyed by id; missing ids are simply absent. */
export async function getMany<T>(
  ctx: AuthedContext,
  collection: string,
  ids: Iterable<string>,
): Promise<Map<string, Stored<T>>> {
  const unique = [...new Set(ids)]
  const docs = await Promise.all(unique.map((id) => ctx.store.get<Stored<T>>(collection, id)))
  const out = new Map<string, Stored<T>>()
  for (const doc of docs) if (doc && typeof doc['id'] === 'string') out.set(doc['id'], doc)
  return out
}

/**
 * Cards and tags carry no plate (no joins either): a plate filter becomes the ids of the
 * account's vehicles with that plate, current and history, so replaced cards and tags show too.
 */
export async function vehicleIdsWithPlate(ctx: AuthedContext, plate: string): Promise<string[]> {
  const vehicles = await queryPage<VehicleDoc>(ctx, collections.vehicles, {
    where: [
      { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
      { field: 'plate', op: 'eq', value: plate },
    ],
    limit: 50,
  })
  return vehicles.items.map((v) => v.id)
}

/** One page of cards or tags, newest issue first, each row with its vehicle. */
export async function pageWithVehicles<T extends { vehicleId: string }, R>(
  ctx: AuthedContext,
  collection: string,
  where: Condition[],
  page: { limit: number; cursor?: string },
  toRow: (doc: Stored<T>, vehicle: VehicleDoc | undefined) => R,
): Promise<{ items: R[]; total: number; nextCursor: string | null }> {
  const [found, total] = await Promise.all([
    queryPage<T>(ctx, collection, {
      where,
      orderBy: { field: 'issuedAt', direction: 'desc' },
      limit: page.limit,
      after: page.cursor,
    }),
    ctx.store.count(collection, where),
  ])
  const vehicles = await getMany<VehicleDoc>(
    ctx,
    collections.vehicles,
    found.items.map((doc) => doc.vehicleId),
  )
  return {
    items: found.items.map((doc) => toRow(doc, vehicles.get(doc.vehicleId))),
    total,
    nextCursor: found.nextCursor,
  }
}

/**
 * Runs a fleet batch for an action (core/batchRunner.ts) and answers its progress, with the
 * runner's refusals turned into the errors users read.
 */
export async function runFleetBatch<Row>(
  ctx: AuthedContext,
  kind: BatchKind<Row>,
  call: BatchCall,
): Promise<{ progress: BatchProgress; rows: Row[] }> {
  try {
    const { batch, rows } = await runBatch({ store: ctx.store, clock: ctx.clock }, kind, call)
    return { progress: batchProgress(batch), rows }
  } catch (error) {
    if (!(error instanceof BatchError)) throw error
    if (error.code === 'KEY_REUSED') throw new ActionError('BATCH_KEY_REUSED')
    if (error.code === 'NOT_FOUND') throw new ActionError('BATCH_NOT_FOUND')
    throw new ActionError('INVALID_INPUT', '续传标记不正确', { continuation: '续传标记不正确' })
  }
}
