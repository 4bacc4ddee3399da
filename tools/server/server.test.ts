import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { listOutbox } from '../../cloudfunctions/adapters/local/outboxSms'
import { collections } from '../../cloudfunctions/core/documents'
import { PersonalDataVault } from '../../cloudfunctions/core/personalDataVault'
import { systemClock } from '../../cloudfunctions/ports/clock'
import { generateSecrets } from './secrets'
import { createLocalServer, type LocalServer } from './server'

let dir: string
let server: LocalServer | null = null
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etc-server-'))
})
afterEach(async () => {
  await server?.close()
  server = null
  rmSync(dir, { recursive: true, force: true })
})

test('each SMS code is printed to the server log as it is sent, and kept in the outbox', async () => {
  const secrets = generateSecrets()
  const lines: string[] = []
  server = await createLocalServer({
    dbFile: join(dir, 'etc.sqlite'),
    clock: systemClock,
    secrets,
    h5Dir: dir,
    log: (line) => lines.push(line),
  })
  // one personal account whose reserved phone logs in
  const phone = '13800138000'
  const vault = new PersonalDataVault(secrets.dataKey, secrets.lookupKey)
  await server.store.set(collections.accounts, 'acc-print', {
    id: 'acc-print',
    userType: 'personal',
    name: '张伟',
    idType: '身份证',
    idNumber: vault.seal('330106199001011234'),
    idNumberHash: vault.lookupHash('idNumber', '330106199001011234'),
    phone: vault.seal(phone),
    loginPhoneHash: vault.lookupHash('phone', phone),
    createdAt: new Date().toISOString(),
  })

  const response = await fetch(`${server.url}/api`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ action: 'auth.sendSmsCode', payload: { phone, userType: 'personal' } }),
  })
  expect(response.status).toBe(200)
  const [sent] = await listOutbox(server.store, 1)
  expect(sent.code).toMatch(/^\d{6}$/)
  const printed = lines.filter((l) => l.startsWith('短信验证码'))
  expect(printed).toEqual([`短信验证码 ${sent.code} → 138****8000（本地演示，未真实发送）`])
  // the full number never reaches the log
  expect(lines.join('\n')).not.toContain(phone)
})
