import ExcelJS from 'exceljs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collections, type SessionDoc } from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import { signSessionToken } from '../../cloudfunctions/core/sessionTokens'
import { systemClock } from '../../cloudfunctions/ports/clock'
import type { ApiResult, ExportLink, ExportRecordView, ExportRecordsPage } from '../../types/api'
import { fen } from '../../types/money'
import { generateSecrets } from './secrets'
import { createLocalServer, type LocalServer } from './server'

let dir: string
let server: LocalServer | null = null
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etc-server-exports-'))
})
afterEach(async () => {
  await server?.close()
  server = null
  rmSync(dir, { recursive: true, force: true })
})

const secrets = generateSecrets()

async function account(s: LocalServer, id: string): Promise<string> {
  const vault = new PersonalDataVault(secrets.dataKey, secrets.lookupKey)
  const now = new Date()
  await s.store.set(collections.accounts, id, {
    id,
    userType: 'personal',
    name: '张伟',
    idType: '身份证',
    idNumber: vault.seal('330106199001011234'),
    idNumberHash: vault.lookupHash('idNumber', `330106199001011234-${id}`),
    phone: vault.seal('13800138000'),
    loginPhoneHash: vault.lookupHash('phone', `13800138000-${id}`),
    createdAt: now.toISOString(),
  })
  const session: SessionDoc = {
    id: `s-${id}`,
    principalId: `pr-${id}`,
    accountId: id,
    userType: 'personal',
    loginPhoneHash: '',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    revokedAt: null,
  }
  await s.store.set(collections.sessions, session.id, { ...session })
  return (
    await signSessionToken({ accountId: session.principalId, sessionId: session.id }, secrets.sessionKey, now)
  ).token
}

async function rechargeOrder(s: LocalServer, accountId: string, n: number): Promise<void> {
  const createdAt = new Date(Date.now() - n * 3_600_000)
  const order: RechargeOrderDoc = {
    id: `R2026110100000000000${n}`,
    accountId,
    target: { kind: 'account' },
    amount: fen(1_288_000 + n),
    channel: 'alipay',
    merchantId: 'm',
    payerId: 'p',
    source: 'h5',
    status: 'paid',
    createdAt: createdAt.toISOString(),
    expiresAt: createdAt.toISOString(),
    launch: null,
    paidAt: createdAt.toISOString(),
    providerTradeNo: `2026110122001${n}`,
    creditedTo: { kind: 'account' },
    closedAt: null,
    refundNo: null,
    queriedAt: null,
  }
  await s.store.set(collections.rechargeOrders, order.id, { ...order })
}

async function api<T>(s: LocalServer, token: string, action: string, payload: unknown): Promise<T> {
  const response = await fetch(`${s.url}/api`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ action, payload }),
  })
  const result = (await response.json()) as ApiResult
  if (!result.ok) throw new Error(`${action}: ${JSON.stringify(result.error)}`)
  return result.data as T
}

test('H5: an export is ready seconds after it is asked for, and downloads with the same session only', async () => {
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock: systemClock,
    secrets,
    h5Dir: dir,
  })
  const token = await account(server, 'acc-h5-export')
  const other = await account(server, 'acc-h5-other')
  for (const n of [1, 2, 3]) await rechargeOrder(server, 'acc-h5-export', n)

  const created = await api<ExportRecordView>(server, token, 'exports.create', {
    key: 'h5-export-0001',
    kind: 'rechargeRecords',
    filter: {},
  })
  expect(created.status).toBe('queued')
  // the local server runs the job after the api call: the page's next poll sees it ready
  let record: ExportRecordView | undefined
  for (let i = 0; i < 50 && record?.status !== 'ready'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    record = (await api<ExportRecordsPage>(server, token, 'exports.list', {})).items[0]
  }
  expect(record).toMatchObject({ id: created.id, status: 'ready', rowCount: 3 })

  const link = await api<ExportLink>(server, token, 'exports.link', { exportId: created.id })
  const response = await fetch(`${server.url}${link.url}`, { headers: { Authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  )
  const disposition = response.headers.get('content-disposition') ?? ''
  expect(disposition).toMatch(/^attachment; filename="recharge-records_\d{8}\.xlsx"; filename\*=UTF-8''/)
  expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe(link.fileName)
  expect(link.fileName).toMatch(/^充值记录_\d{8}\.xlsx$/)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(await response.arrayBuffer())
  const sheet = workbook.worksheets[0]
  expect(sheet.getRow(1).getCell(1).text).toBe('订单编号')
  expect(sheet.getRow(2).getCell(5).text).toBe('12,880.01')
  expect(sheet.rowCount).toBe(4)

  // the link without the session, or with another account's
  const bare = await fetch(`${server.url}${link.url}`)
  expect(bare.status).toBe(401)
  const foreign = await fetch(`${server.url}${link.url}`, { headers: { Authorization: `Bearer ${other}` } })
  expect(foreign.status).toBe(404)
  const tampered = await fetch(`${server.url}${link.url.replace(/exp=\d/, 'exp=9')}`, {
    headers: { Authorization: `Bearer ${token}` },
  })
  expect(tampered.status).toBe(403)
  expect(((await tampered.json()) as ApiResult).ok).toBe(false)
})
