import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  collections,
  type InvoiceTitleDoc,
  type SessionDoc,
  type VehicleDoc,
} from '../../cloudfunctions/core/documents'
import type { RechargeOrderDoc } from '../../cloudfunctions/core/money/moneyDocuments'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import { signSessionToken } from '../../cloudfunctions/core/sessionTokens'
import { systemClock } from '../../cloudfunctions/ports/clock'
import type { ApiResult, InvoiceDetail, InvoiceLink } from '../../types/api'
import { fen } from '../../types/money'
import { pdfText } from '../../test/integration/invoicePdfText'
import { generateSecrets } from './secrets'
import { createLocalServer, type LocalServer } from './server'

let dir: string
let server: LocalServer | null = null
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etc-server-invoices-'))
})
afterEach(async () => {
  await server?.close()
  server = null
  rmSync(dir, { recursive: true, force: true })
})

const secrets = generateSecrets()

async function session(s: LocalServer, accountId: string): Promise<string> {
  const now = new Date()
  const vault = new PersonalDataVault(secrets.dataKey, secrets.lookupKey)
  await s.store.set(collections.accounts, accountId, {
    id: accountId,
    userType: 'personal',
    name: '张伟',
    idType: '身份证',
    idNumber: vault.seal('330106199001011234'),
    idNumberHash: vault.lookupHash('idNumber', `330106199001011234-${accountId}`),
    phone: vault.seal('13800138000'),
    loginPhoneHash: vault.lookupHash('phone', `13800138000-${accountId}`),
    createdAt: now.toISOString(),
  })
  const doc: SessionDoc = {
    id: `s-${accountId}`,
    principalId: `pr-${accountId}`,
    accountId,
    userType: 'personal',
    loginPhoneHash: '',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3_600_000).toISOString(),
    revokedAt: null,
  }
  await s.store.set(collections.sessions, doc.id, { ...doc })
  return (await signSessionToken({ accountId: doc.principalId, sessionId: doc.id }, secrets.sessionKey, now))
    .token
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

test('H5: a recharge invoice is issued by the local platform and its PDF downloads with the same session only', async () => {
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock: systemClock,
    secrets,
    h5Dir: dir,
  })
  const now = new Date().toISOString()
  const vehicle: VehicleDoc = {
    id: 'veh-h5-inv',
    accountId: 'acc-h5-inv',
    plate: '浙A12345',
    plateColor: '蓝',
    scope: 'current',
    cardId: 'card-h5-inv',
    tagId: null,
    cardType: 'stored',
    cardStatus: 'issued',
    parkingAuthorized: false,
    lastOperatedAt: null,
    createdAt: now,
  }
  await server.store.set(collections.vehicles, vehicle.id, { ...vehicle })
  const title: InvoiceTitleDoc = {
    id: 'it-h5-inv',
    accountId: vehicle.accountId,
    vehicleId: vehicle.id,
    title: '杭州云栖科技有限公司',
    taxNumber: '91350100M000100Y43',
    kind: 'company',
    isDefault: true,
    createdAt: now,
  }
  await server.store.set(collections.invoiceTitles, title.id, { ...title })
  const order: RechargeOrderDoc = {
    id: 'R20261101000000000009',
    accountId: vehicle.accountId,
    target: { kind: 'account' },
    amount: fen(50_000),
    channel: 'alipay',
    merchantId: 'm',
    payerId: 'p',
    source: 'h5',
    status: 'paid',
    createdAt: now,
    expiresAt: now,
    launch: null,
    paidAt: now,
    providerTradeNo: '2026110122009',
    creditedTo: { kind: 'account' },
    closedAt: null,
    refundNo: null,
    queriedAt: null,
  }
  await server.store.set(collections.rechargeOrders, order.id, { ...order })
  const token = await session(server, vehicle.accountId)
  const other = await session(server, 'acc-h5-other')

  const issued = await api<InvoiceDetail>(server, token, 'invoices.issue', {
    key: 'h5-invoice-0001',
    source: { kind: 'recharge', orderNo: order.id },
    titleId: title.id,
  })
  const link = await api<InvoiceLink>(server, token, 'invoices.link', { id: issued.invoice.id })
  expect(link).toMatchObject({ auth: 'bearer', fileName: `发票-${issued.invoice.invoiceNo}.pdf` })
  const response = await fetch(`${server.url}${link.url}`, { headers: { Authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('application/pdf')
  const text = (await pdfText(new Uint8Array(await response.arrayBuffer()))).replace(/\s+/g, '')
  expect(text).toContain('杭州云栖科技有限公司')
  expect(text).toContain('500.00')
  expect(text).toContain(issued.invoice.invoiceNo)

  expect((await fetch(`${server.url}${link.url}`)).status).toBe(401)
  const foreign = await fetch(`${server.url}${link.url}`, { headers: { Authorization: `Bearer ${other}` } })
  expect(foreign.status).toBe(404)
}, 60_000)
