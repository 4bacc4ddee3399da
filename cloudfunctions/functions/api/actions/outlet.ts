import { maskCardNo } from '../../../core/masking'
import { shanghaiDayConditions } from '../../../core/businessTime'
import { collections, type CardDoc } from '../../../core/documents'
import { initForLoadApdu } from '../../../core/load/cardBytes'
import type { CardLoadStateDoc, LoadDoc } from '../../../core/load/loadDocuments'
import {
  OutletError,
  provenLoaded,
  recordState,
  reloadable,
  resettable,
} from '../../../core/load/outletRecords'
import { resetOutletLoad } from '../../../core/load/outletReset'
import { startLoad } from '../../../core/load/saga'
import { StoreError, type Condition, type QueryPage } from '../../../ports/store'
import type { LoadConfirmPrompt, OutletRecord, OutletRecordDetail } from '../../../../types/actions/outlet'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import type { ErrorCode } from '../../../../types/errors'
import { fen, type Fen } from '../../../../types/money'
import { thirtyDaySpan } from '../../../../types/dateRange'
import { loadConfirmMessage } from '../../../../types/outletRules'
import { ActionError, type OperatorContext } from '../context'
import { appliedDateRange } from './dateFilter'
import { keysOf, loadView, saga } from './load'
import type { Stored } from './views'

/**
 * The outlet operator's 充值记录, its reset to 未圈存 and the start of an outlet load (seeds 002/003).
 * Scope: an operator sees and acts on its own outlet's loads only; everything else is NOT_FOUND,
 * as if it did not exist. The card steps after the start are outletLoad.ts's.
 */

const outletErrorCodes: Readonly<Record<OutletError['code'], ErrorCode>> = {
  RESET_PROVEN: 'OUTLET_RESET_PROVEN',
  RESET_REFUSED: 'OUTLET_RESET_REFUSED',
  NOT_LOADED: 'OUTLET_RECORD_NOT_LOADED',
  RELOAD_EXPIRED: 'OUTLET_RELOAD_EXPIRED',
  NO_OUTLET: 'FORBIDDEN',
}

/** The saga's refusals and the outlet's own, as the api answers them. */
export async function outletSaga<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await saga(run)
  } catch (error) {
    if (error instanceof OutletError) throw new ActionError(outletErrorCodes[error.code], error.message)
    throw error
  }
}

/** The operator's outlet; an outlet role without one (the CLI refuses to make it) is refused. */
export function outletOf(ctx: OperatorContext): string {
  if (!ctx.operator.outletId) throw new ActionError('FORBIDDEN', '该操作员未绑定网点，不能使用网点圈存功能')
  return ctx.operator.outletId
}

/** A load of this operator's outlet, else NOT_FOUND. */
export async function outletLoadDoc(ctx: OperatorContext, loadId: string): Promise<LoadDoc> {
  const outletId = outletOf(ctx)
  const load = await ctx.store.get<Stored<LoadDoc>>(collections.loads, loadId)
  if (!load || (load.outletId ?? null) !== outletId) throw new ActionError('NOT_FOUND', '充值记录不存在')
  return load
}

export function outletRecord(load: LoadDoc, now: Date): OutletRecord {
  return {
    recordId: load.id,
    cardNo: maskCardNo(load.cardNo),
    plate: load.plate,
    plateColor: load.plateColor,
    balanceBefore: load.init?.balance ?? null,
    amount: load.amount,
    // 已圈存 without proof shows what the card holds if it took the load (the operator compares it
    // with the card); a 未圈存 record has no after
    balanceAfter:
      load.confirmation?.balanceAfter ??
      (load.init && recordState(load) === 'loaded' ? fen(load.init.balance + load.amount) : null),
    createdAt: load.createdAt,
    state: recordState(load),
    proven: provenLoaded(load),
    loadState: load.state,
    reloadedBy: load.reloadedBy ?? null,
    canReset: resettable(load),
    canReload: reloadable(load, now),
  }
}

export function confirmPrompt(balance: Fen | null, amount: Fen): LoadConfirmPrompt {
  return { balance, amount, message: loadConfirmMessage(balance, amount) }
}

async function lastBalance(ctx: OperatorContext, cardId: string): Promise<Fen | null> {
  const state = await ctx.store.get<Stored<CardLoadStateDoc>>(collections.cardLoadStates, cardId)
  return state?.lastBalance ?? null
}

async function recordDetail(ctx: OperatorContext, load: LoadDoc): Promise<OutletRecordDetail> {
  const now = ctx.clock.now()
  const record = outletRecord(load, now)
  return {
    ...record,
    readApdu: record.canReset ? initForLoadApdu(load.keyIndex, load.amount, load.terminal) : null,
    confirm: record.canReload ? confirmPrompt(await lastBalance(ctx, load.cardId), load.amount) : null,
  }
}

export async function outletRecordsList(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.records.list'>,
): Promise<ActionResponses['outlet.records.list']> {
  const outletId = outletOf(ctx)
  const range = appliedDateRange(ctx, input, thirtyDaySpan)
  const where: Condition[] = [
    { field: 'outletId', op: 'eq', value: outletId },
    { field: 'plate', op: 'eq', value: input.plate },
    { field: 'plateColor', op: 'eq', value: input.plateColor },
    ...shanghaiDayConditions('createdAt', range),
  ]
  let page: QueryPage<Stored<LoadDoc>>
  let total: number
  try {
    ;[page, total] = await Promise.all([
      ctx.store.query<Stored<LoadDoc>>(collections.loads, {
        where,
        orderBy: { field: 'createdAt', direction: 'desc' },
        limit: input.limit,
        after: input.cursor,
      }),
      ctx.store.count(collections.loads, where),
    ])
  } catch (error) {
    if (error instanceof StoreError && error.code === 'INVALID_QUERY')
      throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
    throw error
  }
  const now = ctx.clock.now()
  return { items: page.items.map((load) => outletRecord(load, now)), total, nextCursor: page.nextCursor }
}

export async function outletRecordsDetail(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.records.detail'>,
): Promise<ActionResponses['outlet.records.detail']> {
  return recordDetail(ctx, await outletLoadDoc(ctx, input.recordId))
}

export async function outletRecordsReset(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.records.reset'>,
): Promise<ActionResponses['outlet.records.reset']> {
  const outletId = outletOf(ctx)
  await outletLoadDoc(ctx, input.recordId)
  const { operator } = ctx
  const { load, reading } = await outletSaga(() =>
    resetOutletLoad(
      { store: ctx.store, keys: keysOf(ctx), now: ctx.clock.now() },
      {
        outletId,
        loadId: input.recordId,
        response: input.response,
        audit: {
          operatorId: operator.operatorId,
          principalHash: ctx.vault.lookupHash('caller', `operator:${operator.operatorId}`),
          sessionHash: ctx.vault.lookupHash('caller', `operator-session:${operator.sessionId}`),
          via: 'token',
          requestId: ctx.requestId,
        },
      },
    ),
  )
  return {
    record: await recordDetail(ctx, load),
    reading: { balance: reading.balance, onlineSerial: reading.onlineSerial },
    confirm: confirmPrompt(reading.balance, load.amount),
  }
}

/** The read card by its number (file 0015): the outlet loads any issued stored-value card. */
export async function cardByNo(ctx: OperatorContext, cardNo: string): Promise<CardDoc> {
  const page = await ctx.store.query<Stored<CardDoc>>(collections.cards, {
    where: [{ field: 'cardNo', op: 'eq', value: cardNo }],
    limit: 5,
  })
  const card = page.items.find((c) => c.status === 'issued') ?? page.items[0]
  if (!card) throw new ActionError('NOT_FOUND', '未找到该通行卡，请确认卡片已发行')
  return card
}

export async function outletLoadStart(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.load.start'>,
): Promise<ActionResponses['outlet.load.start']> {
  const outletId = outletOf(ctx)
  keysOf(ctx) // no load starts where none could finish
  const now = ctx.clock.now()
  let target: { accountId: string; cardId: string; amount?: Fen; reloadOf?: string }
  if (input.recordId !== undefined) {
    const record = await outletLoadDoc(ctx, input.recordId)
    if (recordState(record) === 'loaded')
      throw new ActionError('LOAD_WRONG_STATE', '该充值记录为已圈存状态，请先读卡核实后改为未圈存')
    if (!reloadable(record, now)) {
      throw record.reloadedBy
        ? new ActionError('LOAD_WRONG_STATE', '该充值记录已重新圈存，请刷新后查看')
        : new ActionError('OUTLET_RELOAD_EXPIRED')
    }
    target = {
      accountId: record.accountId,
      cardId: record.cardId,
      amount: record.amount,
      reloadOf: record.id,
    }
  } else {
    const card = await cardByNo(ctx, input.cardNo ?? '')
    target = { accountId: card.accountId, cardId: card.id, amount: input.amount }
  }
  const load = await outletSaga(() =>
    startLoad(
      { store: ctx.store, now },
      {
        accountId: target.accountId,
        key: input.key,
        cardId: target.cardId,
        amount: target.amount,
        outlet: { outletId, operatorId: ctx.operator.operatorId, reloadOf: target.reloadOf },
      },
    ),
  )
  return {
    load: loadView(load),
    initApdu: initForLoadApdu(load.keyIndex, load.amount, load.terminal),
    confirm: confirmPrompt(await lastBalance(ctx, load.cardId), load.amount),
  }
}
