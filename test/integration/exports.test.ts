/**
 * Exports end to end on both Store adapters, each with its own FileStorage: the local directory
 * beside SQLite, and cloud storage through the REAL wx-server-sdk against the CloudBase emulator
 * (the same emulated environment as the database). The file of an export is read back with
 * exceljs and compared, cell by cell, with what the list action answers for the same filter.
 */
import ExcelJS from 'exceljs'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { Readable } from 'node:stream'
import { createCloudbaseFiles } from '../../cloudfunctions/adapters/cloudbase/files'
import { createLocalFiles } from '../../cloudfunctions/adapters/local/files'
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections, type CardDoc, type SessionDoc } from '../../cloudfunctions/core/documents'
import type { ExportDoc } from '../../cloudfunctions/core/exports/exportDocuments'
import { removeExpiredExports, runExportJobs } from '../../cloudfunctions/core/exports/jobs'
import { shanghaiTimeText } from '../../cloudfunctions/core/exports/registry'
import type {
  AllocationRecordDoc,
  MoneySource,
  RechargeOrderDoc,
} from '../../cloudfunctions/core/money/moneyDocuments'
import { moneySourceLabels } from '../../cloudfunctions/core/money/records'
import { signSessionToken } from '../../cloudfunctions/core/sessionTokens'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import { openExportDownload } from '../../cloudfunctions/functions/api/actions/exportsDownload'
import { exportFileOverHttp } from '../../cloudfunctions/functions/api/actions/exportsHttp'
import { FileStorageError, type FileStorage } from '../../cloudfunctions/ports/files'
import type { CloudbaseEmulator } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedStorage, type StorageEmulator } from '../../tools/cloudbase-emulator/storage'
import type { ActionResponse, ApiResult, RechargeOrderView } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import { formatYuan, fen } from '../../types/money'
import { rechargeStatusLabels } from '../../types/moneyRules'
import {
  adapters,
  apiCalls,
  readAll,
  seedDemoPerSuite,
  TestClock,
  wechatCallers,
  type Adapter,
} from './seededDemo'

const start = new Date('2026-11-30T02:00:00Z') // 10:00 in Shanghai
const demo = seedDemoPerSuite('exports', start)
const UNIT = 'acc-u-shunda'
const ZHANG = 'acc-p-01-zhangwei'
const ORDERS = 620 // more than one store page (500) of the export
const DAY_MS = 86_400_000

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/** Every file a storage holds: the emulator's cloud paths, or the local directory's files. */
type FileLister = () => string[]

function localFiles(): { files: FileStorage; list: FileLister } {
  const dir = mkdtempSync(join(tmpdir(), 'etc-export-files-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const list = () =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort()
  return { files: createLocalFiles(dir), list }
}

function cloudFiles(emulator: CloudbaseEmulator): {
  files: FileStorage
  list: FileLister
  storage: StorageEmulator
} {
  const { storage, cloud } = openEmulatedStorage({ emulator })
  cleanups.push(() => storage.close())
  return { files: createCloudbaseFiles(cloud), list: () => storage.paths(), storage }
}

async function makeWorld(adapter: Adapter) {
  const store = demo.freshStore(adapter)
  cleanups.push(() => store.close())
  const clock = new TestClock(start.getTime())
  const { files, list } =
    adapter === 'cloudbase'
      ? cloudFiles((store as unknown as { emulator: CloudbaseEmulator }).emulator)
      : localFiles()
  let queued = 0
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    exports: { files, queued: () => (queued += 1) },
  })
  const { call, ok } = apiCalls(api)
  /** A WeChat caller of the account (an OPENID binding). */
  const bindWechat = wechatCallers(store, clock, 'exports', { validForMs: 40 * DAY_MS })
  const wechat = (accountId: string) => bindWechat(accountId, accountId === UNIT ? 'unit' : 'personal')
  let n = 0
  /** An H5/Alipay session of the account: its bearer token. */
  const token = async (accountId: string): Promise<string> => {
    const sessionId = `s-exports-${++n}`
    const session: SessionDoc = {
      id: sessionId,
      principalId: `pr-exports-${accountId}`,
      accountId,
      userType: accountId === UNIT ? 'unit' : 'personal',
      loginPhoneHash: '',
      createdAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + 40 * DAY_MS).toISOString(),
      revokedAt: null,
    }
    await store.set(collections.sessions, sessionId, { ...session })
    const signed = await signSessionToken(
      { accountId: session.principalId, sessionId },
      demo.secrets.sessionKey,
      clock.now(),
      40 * 86_400,
    )
    return signed.token
  }
  const http = (bearer: string | null): Caller => ({ platform: 'http', token: bearer, ip: '10.9.0.1' })
  const run = () => runExportJobs({ store, files }, clock.now(), 60_000)
  const download = (url: string, bearer: string | null) => {
    const [path, query = ''] = url.split('?')
    return openExportDownload(
      { store, files, clock, secrets: demo.secrets },
      { path, query: new URLSearchParams(query), token: bearer, ip: '10.9.0.2' },
    )
  }
  return {
    adapter,
    store,
    clock,
    files,
    list,
    call,
    ok,
    wechat,
    token,
    http,
    run,
    download,
    queued: () => queued,
  }
}
type World = Awaited<ReturnType<typeof makeWorld>>

const sources: MoneySource[] = ['wechat', 'alipay', 'h5', 'wechat']
const statuses: RechargeOrderDoc['status'][] = ['paid', 'paid', 'pending', 'closed', 'refunded']

/** `count` recharge orders of the unit over the last months (a third to its cards), and 40 allocation records. */
async function seedRecords(w: World, count = ORDERS) {
  const cards = (await readAll<CardDoc & { [key: string]: unknown }>(w.store, collections.cards)).filter(
    (c) => c.accountId === UNIT && c.type === 'stored',
  )
  expect(cards.length).toBeGreaterThan(3)
  const orders: RechargeOrderDoc[] = []
  for (let i = 0; i < count; i++) {
    const createdAt = new Date(start.getTime() - (i * 6 + 13) * 3_600_000 - i * 1000)
    const target: RechargeOrderDoc['target'] =
      i % 3 === 0 ? { kind: 'card', cardId: cards[i % cards.length].id } : { kind: 'account' }
    const status = statuses[i % statuses.length]
    const paid = status !== 'pending' && status !== 'closed'
    orders.push({
      id: `R${String(20260000000000 + i)}${String(100000000 + i)}`,
      accountId: UNIT,
      target,
      amount: fen(1 + ((i * 7919) % 1_000_000)),
      channel: i % 2 === 0 ? 'wechat' : 'alipay',
      merchantId: 'mch-1',
      payerId: 'payer',
      source: sources[i % sources.length],
      status,
      createdAt: createdAt.toISOString(),
      expiresAt: new Date(createdAt.getTime() + 1_800_000).toISOString(),
      launch: null,
      paidAt: paid ? new Date(createdAt.getTime() + 60_000).toISOString() : null,
      providerTradeNo: paid ? `42000${String(i).padStart(20, '0')}` : null,
      creditedTo: paid ? target : null,
      closedAt: status === 'closed' ? createdAt.toISOString() : null,
      refundNo: null,
      queriedAt: null,
    })
  }
  for (const order of orders) await w.store.set(collections.rechargeOrders, order.id, { ...order })
  for (let i = 0; i < 40; i++) {
    const card = cards[i % cards.length]
    const record: AllocationRecordDoc = {
      id: `al-${i}:${card.id}`,
      allocationId: `al-${i}`,
      accountId: UNIT,
      cardId: card.id,
      vehicleId: card.vehicleId,
      amount: fen(100 + i),
      source: sources[i % sources.length],
      at: new Date(start.getTime() - i * 5 * 3_600_000).toISOString(),
    }
    await w.store.set(collections.allocationRecords, record.id, { ...record })
  }
  return new Map(orders.map((o) => [o.id, o]))
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** The first sheet's cells as text, row by row. */
async function sheetText(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0]
  const rows: string[][] = []
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = []
    for (let c = 1; c <= sheet.columnCount; c++) cells.push(row.getCell(c).text)
    rows.push(cells)
  })
  return rows
}

async function exportDoc(w: World, id: string): Promise<ExportDoc> {
  const doc = await w.store.get<ExportDoc & { [key: string]: unknown }>(collections.exports, id)
  if (!doc) throw new Error(`no export ${id}`)
  return doc
}

async function fileBytes(w: World, id: string): Promise<Buffer> {
  const doc = await exportDoc(w, id)
  if (!doc.fileKey) throw new Error(`export ${id} has no file`)
  return readStream(await w.files.read(doc.fileKey))
}

const chinese = /[\u4e00-\u9fff]/
function expectError(result: ApiResult, code: ErrorCode) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(chinese)
}

const key = (n: number) => `export-key-${String(n).padStart(4, '0')}`
const place = (p: RechargeOrderView['target']) =>
  p.kind === 'account' ? '用户账户' : `${p.plate} ${p.cardNo}`

describe.each(adapters)('exports on %s', (adapter) => {
  test('an export of 充值记录 holds exactly the rows the list shows for the same filter, as text', async () => {
    const w = await makeWorld(adapter)
    const orders = await seedRecords(w)
    const unit = await w.wechat(UNIT)
    const filter = { from: '2026-07-01', to: '2026-11-30' }

    const created = await w.ok('exports.create', { key: key(1), kind: 'rechargeRecords', filter }, unit)
    expect(created).toMatchObject({
      kind: 'rechargeRecords',
      label: '充值记录',
      status: 'queued',
      statusLabel: '排队中',
      rowCount: null,
      filterText: '2026-07-01 至 2026-11-30',
      fileName: '充值记录_20261130.xlsx',
      canDownload: false,
    })
    expect(w.queued()).toBe(1)

    const report = await w.run()
    expect(report).toMatchObject({ claimed: 1, ready: 1, failed: 0, retried: 0, lost: 0 })

    // the list, every page, with the same filter
    const listed: RechargeOrderView[] = []
    let cursor: string | undefined
    do {
      const page: ActionResponse<'recharge.list'> = await w.ok(
        'recharge.list',
        { ...filter, limit: 50, cursor },
        unit,
      )
      listed.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(listed.length).toBeGreaterThan(500)
    expect(listed.length).toBeLessThan(orders.size)

    const rows = await sheetText(await fileBytes(w, created.id))
    expect(rows[0]).toEqual([
      '订单编号',
      '用户账号',
      '充值时间',
      '充值来源',
      '充值金额(元)',
      '充值交易流水号',
      '状态',
    ])
    expect(rows.slice(1)).toEqual(
      listed.map((o) => [
        o.orderNo,
        place(o.target),
        shanghaiTimeText(o.createdAt),
        moneySourceLabels[orders.get(o.orderNo)!.source],
        formatYuan(o.amount),
        o.providerTradeNo ?? '',
        rechargeStatusLabels[o.status],
      ]),
    )
    // money is yuan text, times are Shanghai wall clock, card numbers masked
    expect(rows.slice(1).some((r) => /^\d{1,3}(,\d{3})*\.\d{2}$/.test(r[4]) && r[4].includes(','))).toBe(true)
    expect(
      rows
        .slice(1)
        .filter((r) => r[1] !== '用户账户')
        .every((r) => /\d{4}\*{5}\d{4}$/.test(r[1])),
    ).toBe(true)

    const [record] = (await w.ok('exports.list', {}, unit)).items
    expect(record).toMatchObject({
      id: created.id,
      status: 'ready',
      statusLabel: '导出成功',
      rowCount: listed.length,
    })
    expect(Date.parse(record.expiresAt!) - Date.parse(record.finishedAt!)).toBe(30 * DAY_MS)
    const doc = await exportDoc(w, created.id)
    expect(doc.sizeBytes).toBe(await w.files.size(doc.fileKey!))
  })

  test('an export of 预分配记录 matches its list too', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 5)
    const unit = await w.wechat(UNIT)
    const created = await w.ok('exports.create', { key: key(2), kind: 'allocationRecords', filter: {} }, unit)
    await w.run()
    const listed = await w.ok('allocation.list', { limit: 50 }, unit)
    const rows = await sheetText(await fileBytes(w, created.id))
    expect(rows[0]).toEqual(['车牌号码', 'ETC通行卡卡号', '预分配时间', '预分配金额(元)', '数据来源'])
    expect(rows.slice(1)).toEqual(
      listed.items.map((r) => [r.plate, r.cardNo, shanghaiTimeText(r.at), formatYuan(r.amount), r.source]),
    )
    expect(created.filterText).toBe(`${listed.from} 至 ${listed.to}`)
  })

  test('the filter is checked exactly as the list checks it; an empty one exports nothing', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 5)
    const unit = await w.wechat(UNIT)
    const cases = [
      { from: '2026-02-30' },
      { from: '2026-11-01', to: '2026-10-01' },
      { to: '2026-12-25' },
      { from: '2020-01-01', to: '2026-11-30' },
    ]
    for (const filter of cases) {
      const list = await w.call('recharge.list', filter, unit)
      const exported = await w.call('exports.create', { key: key(3), kind: 'rechargeRecords', filter }, unit)
      expectError(list, 'INVALID_INPUT')
      expectError(exported, 'INVALID_INPUT')
      if (list.ok || exported.ok) continue
      expect(exported.error.message).toBe(list.error.message)
      expect(Object.values(exported.error.fields ?? {})).toEqual(Object.values(list.error.fields ?? {}))
    }
    // paging belongs to the list, not to its export
    expectError(
      await w.call('exports.create', { key: key(3), kind: 'rechargeRecords', filter: { limit: 20 } }, unit),
      'INVALID_INPUT',
    )
    expectError(
      await w.call('exports.create', { key: key(3), kind: 'bills', filter: {} }, unit),
      'INVALID_INPUT',
    )
    expectError(
      await w.call(
        'exports.create',
        { key: key(3), kind: 'rechargeRecords', filter: {} },
        await w.wechat(ZHANG),
      ),
      'EXPORT_EMPTY',
    )
    expect(await readAll(w.store, collections.exports)).toEqual([])
    expect(w.queued()).toBe(0)
  })

  test('a download link works only with the same account’s session, unaltered and in time', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 30)
    const bearer = await w.token(UNIT)
    const unit = w.http(bearer)
    const created = await w.ok('exports.create', { key: key(4), kind: 'rechargeRecords', filter: {} }, unit)
    expectError(await w.call('exports.link', { exportId: created.id }, unit), 'EXPORT_NOT_READY')
    await w.run()

    const link = await w.ok('exports.link', { exportId: created.id }, unit)
    expect(link).toMatchObject({ auth: 'bearer', fileName: '充值记录_20261130.xlsx' })
    expect(link.url).toMatch(new RegExp(`^/exports/file/${created.id}\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`))
    expect(Date.parse(link.expiresAt) - w.clock.now().getTime()).toBe(300_000)

    const got = await w.download(link.url, bearer)
    if (!got.ok) throw new Error(`download refused: ${JSON.stringify(got.error)}`)
    expect(await readStream(got.body)).toEqual(await fileBytes(w, created.id))
    expect(got.headers['Content-Disposition']).toBe(
      `attachment; filename="recharge-records_20261130.xlsx"; filename*=UTF-8''${encodeURIComponent('充值记录_20261130.xlsx')}`,
    )
    expect(got.headers['Cache-Control']).toBe('no-store')

    const refusedWith = async (url: string, bearerToken: string | null, code: ErrorCode) => {
      const answer = await w.download(url, bearerToken)
      expect(answer.ok ? 'ok' : answer.error.code).toBe(code)
    }
    // another account: its own session does not open this account's file, nor can it ask for a link
    const zhangBearer = await w.token(ZHANG)
    await refusedWith(link.url, zhangBearer, 'NOT_FOUND')
    expectError(await w.call('exports.link', { exportId: created.id }, w.http(zhangBearer)), 'NOT_FOUND')
    expectError(await w.call('exports.link', { exportId: created.id }, await w.wechat(ZHANG)), 'NOT_FOUND')
    // no session at all
    await refusedWith(link.url, null, 'UNAUTHENTICATED')
    // tampered: another export's id, a changed expiry, a changed signature
    const tamperedSig = link.url.replace(/sig=(.)/, (_, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`)
    await refusedWith(tamperedSig, bearer, 'FORBIDDEN')
    const laterExp = link.url.replace(/exp=(\d+)/, (_, exp: string) => `exp=${Number(exp) + 3600}`)
    await refusedWith(laterExp, bearer, 'FORBIDDEN')
    await refusedWith(
      link.url.replace(created.id, 'exp-00000000000000000000000000000000'),
      bearer,
      'NOT_FOUND',
    )
    await refusedWith(link.url.split('?')[0], bearer, 'FORBIDDEN')
    // expired: 5 minutes later the same link is refused, a new one works
    w.clock.advance(301)
    await refusedWith(link.url, bearer, 'FORBIDDEN')
    const again = await w.ok('exports.link', { exportId: created.id }, unit)
    const fresh = await w.download(again.url, bearer)
    if (!fresh.ok) throw new Error(`download refused: ${JSON.stringify(fresh.error)}`)
    expect((await readStream(fresh.body)).length).toBeGreaterThan(0)
  })

  test('Alipay downloads through the api’s HTTP access with its bearer token (base64 body)', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 10)
    const bearer = await w.token(UNIT)
    const created = await w.ok(
      'exports.create',
      { key: key(15), kind: 'rechargeRecords', filter: {} },
      w.http(bearer),
    )
    await w.run()
    const link = await w.ok('exports.link', { exportId: created.id }, w.http(bearer))
    const [path, query] = link.url.split('?')
    const deps = { store: w.store, files: w.files, clock: w.clock, secrets: demo.secrets }
    const event = {
      httpMethod: 'GET',
      // behind an HTTP access route: its prefix comes first
      path: `/etc${path}`,
      queryStringParameters: Object.fromEntries(new URLSearchParams(query)),
    }
    const answer = await exportFileOverHttp(deps, event, w.http(bearer))
    expect(answer).toMatchObject({ statusCode: 200, isBase64Encoded: true })
    expect(Buffer.from(answer!.body, 'base64')).toEqual(await fileBytes(w, created.id))
    expect(answer!.headers['content-disposition']).toContain("filename*=UTF-8''")
    expect((await exportFileOverHttp(deps, event, w.http(null)))?.statusCode).toBe(401)
    expect(await exportFileOverHttp(deps, { ...event, httpMethod: 'POST' }, w.http(bearer))).toBeNull()
    expect(await exportFileOverHttp(deps, { ...event, path: '/etc/api' }, w.http(bearer))).toBeNull()
  })

  test('WeChat gets a cloud storage temporary URL after the same ownership check', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 10)
    const unit = await w.wechat(UNIT)
    const created = await w.ok('exports.create', { key: key(5), kind: 'rechargeRecords', filter: {} }, unit)
    await w.run()
    const answer = await w.call('exports.link', { exportId: created.id }, unit)
    if (adapter === 'sqlite') {
      // the local directory has no temporary URLs (the local server streams to H5 instead)
      expectError(answer, 'EXPORT_UNAVAILABLE')
      return
    }
    if (!answer.ok) throw new Error(JSON.stringify(answer.error))
    expect(answer.data.auth).toBe('none')
    const response = await fetch(answer.data.url)
    expect(response.status).toBe(200)
    expect(Buffer.from(await response.arrayBuffer())).toEqual(await fileBytes(w, created.id))
  })

  test('re-export makes a new file with the same filter; the old one stays', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 30)
    const unit = await w.wechat(UNIT)
    const filter = { from: '2026-10-01' }
    const first = await w.ok('exports.create', { key: key(6), kind: 'rechargeRecords', filter }, unit)
    expectError(await w.call('exports.reexport', { key: key(7), exportId: first.id }, unit), 'EXPORT_BUSY')
    await w.run()
    const second = await w.ok('exports.reexport', { key: key(7), exportId: first.id }, unit)
    expect(second.id).not.toBe(first.id)
    expect(second).toMatchObject({ status: 'queued', filterText: '2026-10-01 至 2026-11-30' })
    // the same key again answers the same re-export
    expect((await w.ok('exports.reexport', { key: key(7), exportId: first.id }, unit)).id).toBe(second.id)
    await w.run()
    const [a, b] = [await exportDoc(w, first.id), await exportDoc(w, second.id)]
    expect(b).toMatchObject({ status: 'ready', sourceId: first.id, filter: a.filter, kind: a.kind })
    expect(b.fileKey).not.toBe(a.fileKey)
    expect(w.list()).toHaveLength(2)
    expect(await sheetText(await fileBytes(w, second.id))).toEqual(
      await sheetText(await fileBytes(w, first.id)),
    )
    expectError(
      await w.call('exports.reexport', { key: key(8), exportId: first.id }, await w.wechat(ZHANG)),
      'NOT_FOUND',
    )
  })

  test('after 30 days the scheduler removes the file and the record shows 已过期; re-export still works', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 10)
    const unit = await w.wechat(UNIT)
    const created = await w.ok('exports.create', { key: key(9), kind: 'rechargeRecords', filter: {} }, unit)
    await w.run()
    const { fileKey } = await exportDoc(w, created.id)
    expect(w.list()).toHaveLength(1)

    w.clock.advance(30 * 86_400 - 60)
    expect(await removeExpiredExports({ store: w.store, files: w.files }, w.clock.now(), 10_000)).toBe(0)
    w.clock.advance(120)
    // shown expired at once, even before the scheduler has run
    expect((await w.ok('exports.list', {}, unit)).items[0]).toMatchObject({
      status: 'expired',
      statusLabel: '已过期',
      canDownload: false,
      canReexport: true,
    })
    expectError(await w.call('exports.link', { exportId: created.id }, unit), 'EXPORT_EXPIRED')

    expect(await removeExpiredExports({ store: w.store, files: w.files }, w.clock.now(), 10_000)).toBe(1)
    expect(await exportDoc(w, created.id)).toMatchObject({ status: 'expired', fileKey: null, dueAt: null })
    expect(w.list()).toEqual([])
    await expect(w.files.size(fileKey!)).rejects.toBeInstanceOf(FileStorageError)
    // nothing left to do on the next run
    expect(await removeExpiredExports({ store: w.store, files: w.files }, w.clock.now(), 10_000)).toBe(0)

    const again = await w.ok('exports.reexport', { key: key(10), exportId: created.id }, unit)
    await w.run()
    expect((await exportDoc(w, again.id)).status).toBe('ready')
  })

  test('two job runs at once produce one file; a run that died is taken over after its lease', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 30)
    const unit = await w.wechat(UNIT)
    const created = await w.ok('exports.create', { key: key(11), kind: 'rechargeRecords', filter: {} }, unit)
    const reports = await Promise.all([w.run(), w.run(), w.run()])
    expect(reports.reduce((sum, r) => sum + r.claimed, 0)).toBe(1)
    expect(reports.reduce((sum, r) => sum + r.ready, 0)).toBe(1)
    expect(w.list()).toHaveLength(1)
    expect(await exportDoc(w, created.id)).toMatchObject({ status: 'ready', attempt: 1 })

    // a run claimed the next export and died (its claim stays until the lease ends)
    const stuck = await w.ok('exports.create', { key: key(12), kind: 'allocationRecords', filter: {} }, unit)
    const claimedAt = w.clock.now()
    await w.store.update(collections.exports, stuck.id, {
      status: 'running',
      attempt: 1,
      startedAt: claimedAt.toISOString(),
      dueAt: new Date(claimedAt.getTime() + 120_000).toISOString(),
    })
    expect((await w.run()).claimed).toBe(0)
    w.clock.advance(121)
    expect(await w.run()).toMatchObject({ claimed: 1, ready: 1 })
    expect(await exportDoc(w, stuck.id)).toMatchObject({ status: 'ready', attempt: 2 })
    expect(w.list()).toHaveLength(2)

    // a job whose every attempt died is failed, not run forever
    const doomed = await w.ok('exports.create', { key: key(13), kind: 'allocationRecords', filter: {} }, unit)
    await w.store.update(collections.exports, doomed.id, {
      status: 'running',
      attempt: 3,
      dueAt: w.clock.now().toISOString(),
    })
    expect(await w.run()).toMatchObject({ claimed: 0, failed: 1 })
    expect((await w.ok('exports.list', {}, unit)).items[0]).toMatchObject({
      id: doomed.id,
      status: 'failed',
      statusLabel: '导出失败',
      canReexport: true,
    })
  })

  test('the same key makes one export however often it is sent; another request under it is refused', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 10)
    const unit = await w.wechat(UNIT)
    const request = { key: key(14), kind: 'rechargeRecords', filter: { from: '2026-11-01' } }
    const answers = await Promise.all([1, 2, 3].map(() => w.call('exports.create', request, unit)))
    const ids = answers.map((a) => (a.ok ? a.data.id : a.error.code))
    expect(new Set(ids).size).toBe(1)
    expect(await readAll(w.store, collections.exports)).toHaveLength(1)
    expect(w.queued()).toBe(1)
    await w.run()
    // still the same export once it is done
    expect(await w.ok('exports.create', request, unit)).toMatchObject({ id: ids[0], status: 'ready' })
    expectError(
      await w.call('exports.create', { ...request, filter: { from: '2026-10-01' } }, unit),
      'REQUEST_KEY_REUSED',
    )
    expectError(
      await w.call('exports.create', { ...request, kind: 'allocationRecords', filter: {} }, unit),
      'REQUEST_KEY_REUSED',
    )
    expect(await readAll(w.store, collections.exports)).toHaveLength(1)
  })

  test('at most 3 unfinished exports per account, and at most 5 a minute; refusals change nothing', async () => {
    const w = await makeWorld(adapter)
    await seedRecords(w, 10)
    const unit = await w.wechat(UNIT)
    const create = (n: number) =>
      w.call('exports.create', { key: key(20 + n), kind: 'rechargeRecords', filter: {} }, unit)
    for (const n of [1, 2, 3]) expect((await create(n)).ok).toBe(true)
    const before = await readAll(w.store, collections.exports)
    expectError(await create(4), 'EXPORT_BUSY')
    expect(await readAll(w.store, collections.exports)).toEqual(before)

    await w.run()
    for (const n of [4, 5]) expect((await create(n)).ok).toBe(true)
    await w.run()
    const refused = await create(6)
    expectError(refused, 'RATE_LIMITED')
    expect(await readAll(w.store, collections.exports)).toHaveLength(5)
    // the next minute it is allowed again
    w.clock.advance(60)
    expect((await create(6)).ok).toBe(true)
    // another account is not held up by this one
    await w.store.set(collections.allocationRecords, 'al-z:1', {
      id: 'al-z:1',
      allocationId: 'al-z',
      accountId: ZHANG,
      cardId: 'none',
      vehicleId: 'none',
      amount: 1,
      source: 'h5',
      at: start.toISOString(),
    })
    const zhang = await w.wechat(ZHANG)
    expect(
      (await w.call('exports.create', { key: key(1), kind: 'allocationRecords', filter: {} }, zhang)).ok,
    ).toBe(true)
  })
})
