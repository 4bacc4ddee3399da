import { collections, type VehicleDoc } from '../../../core/documents'
import { maskCardNo } from '../../../core/masking'
import {
  intentOrder,
  intentStatus,
  outletRechargeId,
  outletRechargeTtlMs,
  rechargeFingerprint,
  type OutletRechargeDoc,
} from '../../../core/load/outletRecharge'
import { rechargeOpenAt } from '../../../core/money/rechargeWindow'
import type { OutletRechargeView } from '../../../../types/actions/outlet'
import type { ActionResponses, ParsedRequest } from '../../../../types/api'
import { fen } from '../../../../types/money'
import { ActionError, type AuthedContext, type OperatorContext } from '../context'
import { cardByNo, outletOf } from './outlet'
import type { Stored } from './views'

/** The page the code opens on the customer's phone (src/packages/outlet). */
export const outletPayPage = '/packages/outlet/pages/pay/index'

async function view(ctx: OperatorContext, intent: OutletRechargeDoc): Promise<OutletRechargeView> {
  const order = await intentOrder(ctx.store, intent)
  return {
    intentId: intent.id,
    cardNo: maskCardNo(intent.cardNo),
    plate: intent.plate,
    plateColor: intent.plateColor,
    amount: intent.amount,
    status: intentStatus(intent, order, ctx.clock.now()),
    orderNo: order?.id ?? null,
    expiresAt: intent.expiresAt,
    path: `${outletPayPage}?intent=${intent.id}`,
  }
}

export async function outletRechargeCreate(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.recharge.create'>,
): Promise<ActionResponses['outlet.recharge.create']> {
  const outletId = outletOf(ctx)
  const now = ctx.clock.now()
  const card = await cardByNo(ctx, input.cardNo)
  const amount = fen(input.amount)
  const id = outletRechargeId(outletId, input.key)
  const fingerprint = rechargeFingerprint(card.id, amount)
  const existing = await ctx.store.get<Stored<OutletRechargeDoc>>(collections.outletRecharges, id)
  if (existing) {
    if (existing.fingerprint !== fingerprint)
      throw new ActionError('REQUEST_KEY_REUSED', '该充值请求编号已用于另一笔充值，请重新发起')
    return view(ctx, existing)
  }
  if (card.type !== 'stored')
    throw new ActionError('CARD_CANNOT_RECEIVE', '该卡为记账卡，只有储值卡可以充值圈存')
  if (card.status !== 'issued')
    throw new ActionError('CARD_CANNOT_RECEIVE', '该储值卡不是已发行状态，无法充值')
  if (!rechargeOpenAt(now)) throw new ActionError('RECHARGE_CLOSED')
  const vehicle = await ctx.store.get<Stored<VehicleDoc>>(collections.vehicles, card.vehicleId)
  const intent: OutletRechargeDoc = {
    id,
    outletId,
    operatorId: ctx.operator.operatorId,
    accountId: card.accountId,
    cardId: card.id,
    cardNo: card.cardNo,
    plate: vehicle?.plate ?? '',
    plateColor: vehicle?.plateColor ?? '蓝',
    amount,
    fingerprint,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + outletRechargeTtlMs).toISOString(),
  }
  // a concurrent create under the same key wrote the same intent: the later write changes nothing
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.get(collections.outletRecharges, id)))
      await tx.set(collections.outletRecharges, id, { ...intent })
  })
  return view(ctx, intent)
}

export async function outletRechargeStatus(
  ctx: OperatorContext,
  input: ParsedRequest<'outlet.recharge.status'>,
): Promise<ActionResponses['outlet.recharge.status']> {
  const outletId = outletOf(ctx)
  const intent = await ctx.store.get<Stored<OutletRechargeDoc>>(collections.outletRecharges, input.intentId)
  if (!intent || intent.outletId !== outletId) throw new ActionError('NOT_FOUND', '充值记录不存在')
  return view(ctx, intent)
}

/** The customer's side: only the card's own account sees (and pays) what the code asks. */
export async function outletRechargeIntent(
  ctx: AuthedContext,
  input: ParsedRequest<'outlet.recharge.intent'>,
): Promise<ActionResponses['outlet.recharge.intent']> {
  const intent = await ctx.store.get<Stored<OutletRechargeDoc>>(collections.outletRecharges, input.intentId)
  if (!intent) throw new ActionError('NOT_FOUND', '充值码不存在或已失效')
  if (intent.accountId !== ctx.identity.accountId)
    throw new ActionError('FORBIDDEN', '该通行卡不属于当前登录账户，请使用持卡人的账户扫码支付')
  const order = await intentOrder(ctx.store, intent)
  return {
    intentId: intent.id,
    cardId: intent.cardId,
    cardNo: maskCardNo(intent.cardNo),
    plate: intent.plate,
    plateColor: intent.plateColor,
    amount: intent.amount,
    expiresAt: intent.expiresAt,
    status: intentStatus(intent, order, ctx.clock.now()),
  }
}
