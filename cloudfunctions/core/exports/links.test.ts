import { randomBytes } from 'node:crypto'
import { checkExportLink, exportIdOfPath, exportLinkKey, signedExportPath } from './links'
import { contentDisposition, exportFileName } from './views'
import type { ExportDoc } from './exportDocuments'

const key = exportLinkKey(randomBytes(32))
const now = new Date('2026-12-02T02:00:00Z')
const until = new Date(now.getTime() + 300_000)

function parts(path: string) {
  const url = new URL(path, 'http://x')
  return {
    id: exportIdOfPath(url.pathname),
    exp: url.searchParams.get('exp'),
    sig: url.searchParams.get('sig'),
  }
}

test('a link checks only for its own export, account, expiry and key', () => {
  const { id, exp, sig } = parts(signedExportPath(key, 'exp-abc', 'acc-1', until))
  expect(id).toBe('exp-abc')
  expect(checkExportLink(key, 'exp-abc', 'acc-1', exp, sig, now)).toBe('ok')
  expect(checkExportLink(key, 'exp-abd', 'acc-1', exp, sig, now)).toBe('invalid')
  expect(checkExportLink(key, 'exp-abc', 'acc-2', exp, sig, now)).toBe('invalid')
  expect(checkExportLink(key, 'exp-abc', 'acc-1', String(Number(exp) + 1), sig, now)).toBe('invalid')
  expect(checkExportLink(exportLinkKey(randomBytes(32)), 'exp-abc', 'acc-1', exp, sig, now)).toBe('invalid')
  expect(checkExportLink(key, 'exp-abc', 'acc-1', exp, null, now)).toBe('invalid')
  expect(checkExportLink(key, 'exp-abc', 'acc-1', exp, `${sig}x`, now)).toBe('invalid')
  expect(checkExportLink(key, 'exp-abc', 'acc-1', exp, sig, until)).toBe('expired')
})

test('the key is derived: another session key makes other links', () => {
  const sessionKey = randomBytes(32)
  expect(exportLinkKey(sessionKey).equals(exportLinkKey(sessionKey))).toBe(true)
  expect(exportLinkKey(sessionKey).equals(sessionKey)).toBe(false)
})

test('paths outside /exports/file/<id> name no export', () => {
  for (const path of [
    '/exports/file/',
    '/exports/file/a/b',
    '/exports/file/%E0%A4%A',
    '/api',
    '/exports/files/x',
  ])
    expect(exportIdOfPath(path)).toBeNull()
})

test('the download is named in Chinese (RFC 5987) with an ASCII fallback, by the Shanghai day it was asked', () => {
  const doc = { kind: 'rechargeRecords', createdAt: '2026-12-01T16:30:00.000Z' } as ExportDoc
  expect(exportFileName(doc)).toBe('充值记录_20261202.xlsx')
  expect(contentDisposition(doc)).toBe(
    'attachment; filename="recharge-records_20261202.xlsx"; filename*=UTF-8\'\'%E5%85%85%E5%80%BC%E8%AE%B0%E5%BD%95_20261202.xlsx',
  )
})
