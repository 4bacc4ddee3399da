import { Readable } from 'node:stream'
import { shanghaiDay, shanghaiInstant, shanghaiMonth } from '../../../core/businessTime'
import { invoiceListQuery } from '../../../core/invoices/listQuery'
import {
  collections,
  type InvoiceDoc,
  type InvoiceRequestDoc,
  type InvoiceSettingsDoc,
  type InvoiceTitleDoc,
  type TripDoc,
  type VehicleDoc,
} from '../../../core/documents'
import type { RechargeOrderDoc } from '../../../core/money/moneyDocuments'
import { fileLinkKey, signedFilePath } from '../../../core/exports/links'
import { requestKeyDocId } from '../../../core/requestKeys'
import {
  buyerOf,
  invoiceDetail,
  invoiceRow,
  pdfFileName,
  printedInvoice,
  tripLine,
} from '../../../core/invoices/views'
import { InvoicePlatformError, type InvoiceLine } from '../../../ports/invoices'
import type { ActionResponses, InvoiceDetail, ParsedRequest } from '../../../../types/api'
import { oneYearSpan } from '../../../../types/dateRange'
import { invoiceKindLabels, invoiceLinkSeconds } from '../../../../types/invoiceRules'
import type { Fen } from '../../../../types/money'
import { ActionError, type AuthedContext } from '../context'
import { appliedDateRange } from './dateFilter'
import { audit, auditId, fingerprintOf, invoiceDeps, queryAll, vehicleTitles } from './invoiceCommon'
import { lockMode, modeCheck, modeState } from './invoicingMode'
import { saveTitle } from './invoiceTitles'
import { getMany, ownDoc, queryPage, type Stored } from './views'

/**
 * Issued invoices (seed 001 §2.7.1): 已开票查询 by tab, detail with title, data and PDF, the trips
 * of a merged invoice, issuing (single trip, vehicle-month, recharge), and 红冲重开. Invoices of
 * other accounts answer NOT_FOUND, like ids that do not exist.
 */

// ---------------------------------------------------------------- reading

async function firstTrips(ctx: AuthedContext, invoices: InvoiceDoc[]): Promise<Map<string, Stored<TripDoc>>> {
  return getMany<TripDoc>(
    ctx,
    collections.trips,
    invoices.flatMap((i) => (i.kind === 'singleTrip' && i.tripIds[0] ? [i.tripIds[0]] : [])),
  )
}

export async function listInvoices(
  ctx: AuthedContext,
  input: ParsedRequest<'invoices.list'>,
): Promise<ActionResponses['invoices.list']> {
  const range = appliedDateRange(ctx, input, oneYearSpan)
  const { where, orderBy } = invoiceListQuery(ctx.identity.accountId, { ...input, ...range })
  const [page, total] = await Promise.all([
    queryPage<InvoiceDoc>(ctx, collections.invoices, {
      where,
      orderBy,
      limit: input.limit,
      after: input.cursor,
    }),
    ctx.store.count(collections.invoices, where),
  ])
  const [vehicles, trips] = await Promise.all([
    getMany<VehicleDoc>(
      ctx,
      collections.vehicles,
      page.items.flatMap((i) => (i.vehicleId ? [i.vehicleId] : [])),
    ),
    firstTrips(ctx, page.items),
  ])
  return {
    items: page.items.map((i) =>
      invoiceRow(
        i,
        vehicles.get(i.vehicleId) ?? null,
        i.tripIds[0] ? (trips.get(i.tripIds[0]) ?? null) : null,
      ),
    ),
    total,
    nextCursor: page.nextCursor,
    kind: input.kind,
    ...range,
  }
}

async function detailOf(ctx: AuthedContext, invoice: InvoiceDoc): Promise<InvoiceDetail> {
  const [vehicle, trips, replaced] = await Promise.all([
    invoice.vehicleId ? ctx.store.get<Stored<VehicleDoc>>(collections.vehicles, invoice.vehicleId) : null,
    firstTrips(ctx, [invoice]),
    invoice.replacesId ? ctx.store.get<Stored<InvoiceDoc>>(collections.invoices, invoice.replacesId) : null,
  ])
  const row = invoiceRow(
    invoice,
    vehicle,
    invoice.tripIds[0] ? (trips.get(invoice.tripIds[0]) ?? null) : null,
  )
  return invoiceDetail(invoice, row, replaced)
}

export async function invoiceDetailAction(
  ctx: AuthedContext,
  input: ParsedRequest<'invoices.detail'>,
): Promise<ActionResponses['invoices.detail']> {
  return detailOf(ctx, await ownDoc<InvoiceDoc>(ctx, collections.invoices, input.id))
}

export async function invoiceTrips(
  ctx: AuthedContext,
  input: ParsedRequest<'invoices.trips'>,
): Promise<ActionResponses['invoices.trips']> {
  const invoice = await ownDoc<InvoiceDoc>(ctx, collections.invoices, input.id)
  const offset = input.cursor === undefined ? 0 : Number(input.cursor)
  if (!Number.isInteger(offset) || offset < 0 || offset > invoice.tripIds.length)
    throw new ActionError('INVALID_INPUT', '分页参数不正确', { cursor: '分页参数不正确' })
  const trips = await getMany<TripDoc>(ctx, collections.trips, invoice.tripIds)
  const ordered = invoice.tripIds
    .flatMap((id) => trips.get(id) ?? [])
    .sort((a, b) => a.exitAt.localeCompare(b.exitAt) || a.id.localeCompare(b.id))
  const end = offset + input.limit
  return {
    items: ordered.slice(offset, end).map((t) => ({
      tripId: t.id,
      plate: t.plate,
      entryStation: t.entryStation,
      exitStation: t.exitStation,
      entryAt: t.entryAt,
      exitAt: t.exitAt,
      amount: (t.amount - t.discount) as Fen,
    })),
    total: ordered.length,
    nextCursor: end < ordered.length ? String(end) : null,
  }
}

// ---------------------------------------------------------------- PDFs

async function invoiceLines(ctx: AuthedContext, invoice: InvoiceDoc): Promise<InvoiceLine[]> {
  if (invoice.kind === 'recharge')
    return [{ label: `预付通行费（储值卡充值） 订单号 ${invoice.orderNo ?? ''}`, amount: invoice.amount }]
  const trips = await getMany<TripDoc>(ctx, collections.trips, invoice.tripIds)
  return invoice.tripIds
    .flatMap((id) => trips.get(id) ?? [])
    .sort((a, b) => a.exitAt.localeCompare(b.exitAt))
    .map((t) => tripLine(t, shanghaiDay(new Date(t.exitAt))))
}

/**
 * The invoice's PDF in file storage: made on first request (the demo's invoices and reversed ones
 * get theirs so), then read from storage. Answers the file key.
 */
export async function ensureInvoicePdf(ctx: AuthedContext, invoice: InvoiceDoc): Promise<string> {
  if (invoice.pdfKey) return invoice.pdfKey
  const deps = invoiceDeps(ctx)
  const replaced = invoice.replacesId
    ? await ctx.store.get<Stored<InvoiceDoc>>(collections.invoices, invoice.replacesId)
    : null
  let bytes: Uint8Array
  try {
    bytes = await deps.platform.pdf(printedInvoice(invoice, await invoiceLines(ctx, invoice), replaced))
  } catch (error) {
    if (error instanceof InvoicePlatformError) throw new ActionError('INVOICE_PLATFORM_UNAVAILABLE')
    throw error
  }
  const status = invoice.status ?? 'issued'
  const stored = await deps.files.write(
    `invoices/${invoice.accountId}/${invoice.id}-${status}.pdf`,
    Readable.from([Buffer.from(bytes)]),
    'application/pdf',
  )
  // Only a PDF of the invoice's current status is kept: a re-issue clears it meanwhile.
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<Stored<InvoiceDoc>>(collections.invoices, invoice.id)
    if (current && (current.status ?? 'issued') === status && !current.pdfKey)
      await tx.update(collections.invoices, invoice.id, { pdfKey: stored.fileKey })
  })
  return stored.fileKey
}

export async function invoiceLink(
  ctx: AuthedContext,
  input: ParsedRequest<'invoices.link'>,
): Promise<ActionResponses['invoices.link']> {
  const invoice = await ownDoc<InvoiceDoc>(ctx, collections.invoices, input.id)
  const fileKey = await ensureInvoicePdf(ctx, invoice)
  const now = ctx.clock.now()
  const expiresAt = new Date(now.getTime() + invoiceLinkSeconds * 1000)
  const fileName = pdfFileName(invoice)
  if (ctx.caller.platform === 'wechat') {
    // The WeChat program downloads from cloud storage (then Taro.openDocument): a temporary URL.
    let url: string | null = null
    try {
      url = await invoiceDeps(ctx).files.temporaryUrl(fileKey, invoiceLinkSeconds)
    } catch {
      url = null
    }
    if (!url) throw new ActionError('INVOICE_PLATFORM_UNAVAILABLE', '发票文件暂时无法下载，请稍后再试')
    return { url, auth: 'none', fileName, expiresAt: expiresAt.toISOString() }
  }
  const key = fileLinkKey(ctx.secrets.sessionKey, 'invoice')
  return {
    url: signedFilePath('invoice', key, invoice.id, ctx.identity.accountId, expiresAt),
    auth: 'bearer',
    fileName,
    expiresAt: expiresAt.toISOString(),
  }
}

/** Sends the PDF to the vehicle's receiving address when it asked for auto-send; never fails the issue. */
async function autoSend(ctx: AuthedContext, invoice: InvoiceDoc): Promise<void> {
  if (!invoice.vehicleId || !ctx.invoices) return
  const stored = await ctx.store.get<Stored<InvoiceSettingsDoc>>(
    collections.invoiceSettings,
    invoice.vehicleId,
  )
  if (!stored?.autoSend || !stored.email) return
  try {
    const fileKey = await ensureInvoicePdf(ctx, invoice)
    const chunks: Buffer[] = []
    for await (const chunk of await ctx.invoices.files.read(fileKey))
      chunks.push(Buffer.from(chunk as Uint8Array))
    await ctx.invoices.mail.send({
      to: stored.email,
      subject: `您的${invoiceKindLabels[invoice.kind]}（发票号码 ${invoice.invoiceNo}）`,
      text: `${invoice.plate ?? ''} ${invoiceKindLabels[invoice.kind]}已开具，发票号码 ${invoice.invoiceNo}，请查收附件。`,
      attachments: [
        { fileName: pdfFileName(invoice), contentType: 'application/pdf', content: Buffer.concat(chunks) },
      ],
    })
  } catch {
    // the invoice stands; the user can still download it or have it sent again
  }
}

// ---------------------------------------------------------------- issuing

type IssueSource = ParsedRequest<'invoices.issue'>['source']

interface Prepared {
  vehicle: Stored<VehicleDoc> | null
  trips: Array<Stored<TripDoc>>
  order: Stored<RechargeOrderDoc> | null
  amount: Fen
  month: string
  lines: InvoiceLine[]
  storedValue: boolean
}

function uninvoiced(trip: TripDoc): boolean {
  return (trip.invoiceId ?? null) === null && trip.refundState !== 'refunded'
}

async function prepareSource(ctx: AuthedContext, source: IssueSource): Promise<Prepared> {
  const now = ctx.clock.now()
  if (source.kind === 'recharge') {
    const order = await ownDoc<RechargeOrderDoc>(ctx, collections.rechargeOrders, source.orderNo)
    if (order.status !== 'paid') throw new ActionError('NOT_INVOICEABLE', '只有充值成功的订单可以开具发票')
    return {
      vehicle: null,
      trips: [],
      order,
      amount: order.amount,
      month: shanghaiMonth(now),
      lines: [{ label: `预付通行费（储值卡充值） 订单号 ${order.id}`, amount: order.amount }],
      storedValue: true,
    }
  }
  if (source.kind === 'trip') {
    const trip = await ownDoc<TripDoc>(ctx, collections.trips, source.tripId)
    if ((trip.invoiceId ?? null) !== null) throw new ActionError('ALREADY_INVOICED')
    if (trip.refundState === 'refunded')
      throw new ActionError('NOT_INVOICEABLE', '已退款的通行记录不能开具发票')
    const vehicle = await ownDoc<VehicleDoc>(ctx, collections.vehicles, trip.vehicleId)
    const amount = (trip.amount - trip.discount) as Fen
    if (amount <= 0) throw new ActionError('NOT_INVOICEABLE', '该通行记录实付金额为0，无需开票')
    return {
      vehicle,
      trips: [trip],
      order: null,
      amount,
      month: trip.exitMonth,
      lines: [tripLine(trip, shanghaiDay(new Date(trip.exitAt)))],
      storedValue: vehicle.cardType === 'stored',
    }
  }
  const vehicle = await ownDoc<VehicleDoc>(ctx, collections.vehicles, source.vehicleId)
  if (source.month >= shanghaiMonth(now))
    throw new ActionError('NOT_INVOICEABLE', '当月通行尚未结束，次月起方可开具合并票')
  const from = shanghaiInstant(`${source.month}-01T00:00:00`)
  const [y, m] = source.month.split('-').map(Number)
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  const to = shanghaiInstant(`${next}-01T00:00:00`)
  const trips = (
    await queryAll<TripDoc>(ctx, collections.trips, [
      { field: 'accountId', op: 'eq', value: ctx.identity.accountId },
      { field: 'exitAt', op: 'gte', value: from.toISOString() },
      { field: 'exitAt', op: 'lt', value: to.toISOString() },
    ])
  ).filter((t) => t.vehicleId === vehicle.id && uninvoiced(t) && t.amount - t.discount > 0)
  if (trips.length === 0) throw new ActionError('NOT_INVOICEABLE', '该车辆当月没有可开票的通行记录')
  trips.sort((a, b) => a.exitAt.localeCompare(b.exitAt))
  return {
    vehicle,
    trips,
    order: null,
    amount: trips.reduce((sum, t) => sum + t.amount - t.discount, 0) as Fen,
    month: source.month,
    lines: trips.map((t) => tripLine(t, shanghaiDay(new Date(t.exitAt)))),
    storedValue: vehicle.cardType === 'stored',
  }
}

/** The title to print: the one asked for (the vehicle's; any of the account's for a recharge), else the default. */
async function titleFor(
  ctx: AuthedContext,
  vehicle: VehicleDoc | null,
  titleId: string | undefined,
): Promise<InvoiceTitleDoc> {
  if (titleId) {
    const title = await ctx.store.get<Stored<InvoiceTitleDoc>>(collections.invoiceTitles, titleId)
    // another account's or another vehicle's title is one that does not exist here
    if (!title || title.accountId !== ctx.identity.accountId || (vehicle && title.vehicleId !== vehicle.id))
      throw new ActionError('NOT_FOUND', '发票抬头不存在')
    return title
  }
  if (!vehicle) throw new ActionError('INVOICE_TITLE_REQUIRED', '请选择发票抬头')
  const def = (await vehicleTitles(ctx, vehicle.id)).find((t) => t.isDefault)
  if (!def) throw new ActionError('INVOICE_TITLE_REQUIRED')
  return def
}

function invoiceIdFor(accountId: string, kind: string, key: string): string {
  return `inv-${requestKeyDocId(accountId, kind, key).slice('batch-'.length, 'batch-'.length + 32)}`
}

/** The request a key already made, or null; another request under the key is refused. */
async function priorRequest(
  ctx: AuthedContext,
  id: string,
  fingerprint: string,
): Promise<InvoiceRequestDoc | null> {
  const prior = await ctx.store.get<Stored<InvoiceRequestDoc>>(collections.invoiceRequests, id)
  if (!prior) return null
  if (prior.accountId !== ctx.identity.accountId || prior.fingerprint !== fingerprint)
    throw new ActionError('REQUEST_KEY_REUSED')
  return prior
}

export async function issueInvoice(
  ctx: AuthedContext,
  input: ParsedRequest<'invoices.issue'>,
): Promise<ActionResponses['invoices.issue']> {
  const accountId = ctx.identity.accountId
  const requestId = requestKeyDocId(accountId, 'invoices.issue', input.key)
  const fingerprint = fingerprintOf({ source: input.source, titleId: input.titleId ?? null })
  const prior = await priorRequest(ctx, requestId, fingerprint)
  if (prior) return detailOf(ctx, await ownDoc<InvoiceDoc>(ctx, collections.invoices, prior.invoiceId))

  const deps = invoiceDeps(ctx)
  const source = await prepareSource(ctx, input.source)
  const needed = input.source.kind === 'recharge' ? 'recharge' : 'trip'
  const mode = await modeState(ctx)
  modeCheck(mode, needed, source.storedValue)
  if (source.order) {
    const already = await ctx.store.count(collections.invoices, [
      { field: 'accountId', op: 'eq', value: accountId },
      { field: 'orderNo', op: 'eq', value: source.order.id },
    ])
    if (already > 0) throw new ActionError('ALREADY_INVOICED')
  }
  const title = await titleFor(ctx, source.vehicle, input.titleId)
  const now = ctx.clock.now().toISOString()
  const invoiceId = invoiceIdFor(accountId, 'invoices.issue', input.key)
  const kind =
    input.source.kind === 'recharge'
      ? 'recharge'
      : input.source.kind === 'month'
        ? 'monthlyMerged'
        : 'singleTrip'
  const buyer = buyerOf(title)
  let issued
  try {
    issued = await deps.platform.issue({
      invoiceId,
      kind,
      buyer,
      amount: source.amount,
      lines: source.lines,
      plate: source.vehicle?.plate ?? null,
      issuedAt: now,
      replaces: null,
    })
  } catch (error) {
    if (error instanceof InvoicePlatformError) throw new ActionError('INVOICE_PLATFORM_UNAVAILABLE')
    throw error
  }
  const invoice: InvoiceDoc = {
    id: invoiceId,
    accountId,
    vehicleId: source.vehicle?.id ?? '',
    kind,
    invoiceNo: issued.invoiceNo,
    invoiceCode: issued.invoiceCode,
    title: buyer.name,
    taxNumber: buyer.taxNumber,
    titleKind: buyer.kind,
    titleAddress: buyer.address,
    titlePhone: buyer.phone,
    titleBank: buyer.bank,
    titleBankAccount: buyer.bankAccount,
    amount: source.amount,
    tripIds: source.trips.map((t) => t.id),
    month: source.month,
    issuedAt: now,
    status: 'issued',
    plate: source.vehicle?.plate ?? null,
    orderNo: source.order?.id ?? null,
    pdfKey: null,
    reissue: null,
    replacesId: null,
  }
  await ctx.store.transaction(async (tx) => {
    const raced = await tx.get<Stored<InvoiceRequestDoc>>(collections.invoiceRequests, requestId)
    if (raced) return
    // every trip is re-read and claimed in this transaction: two requests never invoice one trip
    for (const trip of source.trips) {
      const current = await tx.get<Stored<TripDoc>>(collections.trips, trip.id)
      if (!current || !uninvoiced(current)) throw new ActionError('ALREADY_INVOICED')
      await tx.update(collections.trips, trip.id, { invoiceId })
    }
    if (source.storedValue && mode.applies) await lockMode(tx, ctx, needed)
    await tx.set(collections.invoices, invoiceId, { ...invoice })
    const request: InvoiceRequestDoc = {
      id: requestId,
      accountId,
      kind: 'issue',
      fingerprint,
      invoiceId,
      at: now,
    }
    await tx.set(collections.invoiceRequests, requestId, { ...request })
    await audit(tx, ctx, {
      id: auditId(ctx, 'invoices.issue', invoiceId),
      action: 'invoices.issue',
      target: { collection: collections.invoices, id: invoiceId },
      before: { invoiceNo: null },
      after: { invoiceNo: invoice.invoiceNo, kind, amount: invoice.amount, title: invoice.title },
      at: now,
    })
  })
  const saved = await ownDoc<InvoiceDoc>(ctx, collections.invoices, invoiceId)
  await autoSend(ctx, saved)
  return detailOf(ctx, saved)
}

// ---------------------------------------------------------------- re-issue (红冲重开)

export async function reissueInvoice(
  ctx: AuthedContext,
  input: ParsedRequest<'invoices.reissue'>,
): Promise<ActionResponses['invoices.reissue']> {
  const accountId = ctx.identity.accountId
  const requestId = requestKeyDocId(accountId, 'invoices.reissue', input.key)
  const fingerprint = fingerprintOf({
    id: input.id,
    titleId: input.titleId ?? null,
    title: input.title ?? null,
  })
  const prior = await priorRequest(ctx, requestId, fingerprint)
  if (prior) return detailOf(ctx, await ownDoc<InvoiceDoc>(ctx, collections.invoices, prior.invoiceId))

  const deps = invoiceDeps(ctx)
  const old = await ownDoc<InvoiceDoc>(ctx, collections.invoices, input.id)
  if ((old.status ?? 'issued') === 'reversed') throw new ActionError('INVOICE_REVERSED')
  if (old.reissue?.state === 'processing' && old.reissue.key !== input.key)
    throw new ActionError('INVOICE_REISSUING')
  const vehicle = old.vehicleId
    ? await ctx.store.get<Stored<VehicleDoc>>(collections.vehicles, old.vehicleId)
    : null
  let title: InvoiceTitleDoc
  if (input.title) {
    if (!vehicle || vehicle.scope !== 'current')
      throw new ActionError('INVALID_INPUT', '请选择已保存的发票抬头', { titleId: '请选择已保存的发票抬头' })
    const saved = await saveTitle(ctx, { vehicleId: vehicle.id, title: input.title })
    title = await ownDoc<InvoiceTitleDoc>(ctx, collections.invoiceTitles, saved.id)
  } else {
    title = await titleFor(ctx, old.vehicleId ? vehicle : null, input.titleId)
  }
  const buyer = buyerOf(title)
  if (
    buyer.name === old.title &&
    buyer.taxNumber === old.taxNumber &&
    buyer.kind === (old.titleKind ?? buyer.kind)
  )
    throw new ActionError('INVALID_INPUT', '新抬头与原发票抬头相同，无需红冲重开', {
      titleId: '请选择其他抬头',
    })

  const now = ctx.clock.now().toISOString()
  const newId = invoiceIdFor(accountId, 'invoices.reissue', input.key)
  // 1. the request is recorded first, so a second one waits and a crash here can be resumed by the key
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<Stored<InvoiceDoc>>(collections.invoices, old.id)
    if (!current || (current.status ?? 'issued') === 'reversed') throw new ActionError('INVOICE_REVERSED')
    if (current.reissue?.state === 'processing' && current.reissue.key !== input.key)
      throw new ActionError('INVOICE_REISSUING')
    await tx.update(collections.invoices, old.id, {
      reissue: {
        state: 'processing',
        requestedAt: now,
        finishedAt: null,
        newInvoiceId: null,
        titleName: buyer.name,
        message: null,
        key: input.key,
      },
    })
  })
  // 2. the platform reverses the old invoice and issues the new one (idempotent by the new id)
  let issued
  try {
    await deps.platform.reverse({ invoiceNo: old.invoiceNo, invoiceCode: old.invoiceCode ?? '' })
    issued = await deps.platform.issue({
      invoiceId: newId,
      kind: old.kind,
      buyer,
      amount: old.amount,
      lines: await invoiceLines(ctx, old),
      plate: old.plate ?? vehicle?.plate ?? null,
      issuedAt: now,
      replaces: { invoiceNo: old.invoiceNo, invoiceCode: old.invoiceCode ?? '' },
    })
  } catch (error) {
    const message =
      error instanceof InvoicePlatformError ? '开票平台暂时无法连接，请稍后重试' : '红冲重开失败，请稍后重试'
    await ctx.store.update(collections.invoices, old.id, {
      reissue: {
        state: 'failed',
        requestedAt: now,
        finishedAt: ctx.clock.now().toISOString(),
        newInvoiceId: null,
        titleName: buyer.name,
        message,
        key: input.key,
      },
    })
    if (error instanceof InvoicePlatformError) throw new ActionError('INVOICE_PLATFORM_UNAVAILABLE')
    throw error
  }
  // 3. both invoices and the trips move together
  const fresh: InvoiceDoc = {
    ...old,
    id: newId,
    invoiceNo: issued.invoiceNo,
    invoiceCode: issued.invoiceCode,
    title: buyer.name,
    taxNumber: buyer.taxNumber,
    titleKind: buyer.kind,
    titleAddress: buyer.address,
    titlePhone: buyer.phone,
    titleBank: buyer.bank,
    titleBankAccount: buyer.bankAccount,
    issuedAt: now,
    status: 'issued',
    plate: old.plate ?? vehicle?.plate ?? null,
    pdfKey: null,
    reissue: null,
    replacesId: old.id,
  }
  const finishedAt = ctx.clock.now().toISOString()
  await ctx.store.transaction(async (tx) => {
    const current = await tx.get<Stored<InvoiceDoc>>(collections.invoices, old.id)
    if (!current) throw new ActionError('NOT_FOUND')
    if (current.reissue?.key !== input.key) throw new ActionError('INVOICE_REISSUING')
    for (const tripId of old.tripIds) {
      const trip = await tx.get<Stored<TripDoc>>(collections.trips, tripId)
      if (trip && (trip.invoiceId ?? null) === old.id)
        await tx.update(collections.trips, tripId, { invoiceId: newId })
    }
    await tx.update(collections.invoices, old.id, {
      status: 'reversed',
      // the old PDF is made again, marked 已红冲
      pdfKey: null,
      reissue: {
        state: 'done',
        requestedAt: current.reissue.requestedAt,
        finishedAt,
        newInvoiceId: newId,
        titleName: buyer.name,
        message: null,
        key: input.key,
      },
    })
    await tx.set(collections.invoices, newId, { ...fresh })
    const request: InvoiceRequestDoc = {
      id: requestId,
      accountId,
      kind: 'reissue',
      fingerprint,
      invoiceId: old.id,
      at: finishedAt,
    }
    await tx.set(collections.invoiceRequests, requestId, { ...request })
    await audit(tx, ctx, {
      id: auditId(ctx, 'invoices.reissue', old.id),
      action: 'invoices.reissue',
      target: { collection: collections.invoices, id: old.id },
      before: { status: 'issued', title: old.title, taxNumber: old.taxNumber, invoiceNo: old.invoiceNo },
      after: {
        status: 'reversed',
        title: fresh.title,
        taxNumber: fresh.taxNumber,
        invoiceNo: fresh.invoiceNo,
      },
      at: finishedAt,
    })
  })
  await autoSend(ctx, fresh)
  return detailOf(ctx, await ownDoc<InvoiceDoc>(ctx, collections.invoices, old.id))
}
