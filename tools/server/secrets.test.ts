import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { loadSandboxKeys, loadSecrets } from './secrets'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etc-secrets-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

test('first start generates 32-byte keys into a 0600 file; the next start reads the same keys', () => {
  const file = join(dir, '.local', 'secrets.json')
  const first = loadSecrets({ file, env: {} })
  expect(first.sources).toEqual({ sessionKey: 'generated', dataKey: 'generated', lookupKey: 'generated' })
  expect(first.secrets.dataKey).toHaveLength(32)
  expect(statSync(file).mode & 0o777).toBe(0o600)

  const second = loadSecrets({ file, env: {} })
  expect(second.sources).toEqual({ sessionKey: 'file', dataKey: 'file', lookupKey: 'file' })
  expect(Buffer.from(second.secrets.sessionKey).equals(Buffer.from(first.secrets.sessionKey))).toBe(true)
  expect(second.secrets.dataKey.equals(first.secrets.dataKey)).toBe(true)
  expect(second.secrets.lookupKey.equals(first.secrets.lookupKey)).toBe(true)
})

test('environment variables win and are never written to the file', () => {
  const file = join(dir, 'secrets.json')
  const dataKey = Buffer.alloc(32, 7).toString('base64')
  const loaded = loadSecrets({ file, env: { DATA_KEY: dataKey } })
  expect(loaded.sources.dataKey).toBe('env')
  expect(loaded.secrets.dataKey.toString('base64')).toBe(dataKey)
  expect(readFileSync(file, 'utf8')).not.toContain(dataKey)
  expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object).sort()).toEqual([
    'lookupKey',
    'sessionKey',
  ])
})

test('a key that is not 32 bytes of base64 is refused with its name', () => {
  const file = join(dir, 'secrets.json')
  expect(() => loadSecrets({ file, env: { SESSION_KEY: 'c2hvcnQ=' } })).toThrow(
    /SESSION_KEY must decode to 32 bytes/,
  )
  expect(() => loadSecrets({ file, env: { LOOKUP_KEY: 'not base64!' } })).toThrow(/LOOKUP_KEY is not base64/)
})

test('the payment sandbox key pairs are generated once into a 0600 file and read back the same', () => {
  const file = join(dir, '.local', 'sandbox-keys.json')
  const first = loadSandboxKeys({ file })
  expect(first.source).toBe('generated')
  expect(statSync(file).mode & 0o777).toBe(0o600)
  for (const pair of [first.keys.alipayApp, first.keys.alipay]) {
    expect(createPrivateKey(pair.privateKey).asymmetricKeyDetails?.modulusLength).toBe(2048)
    expect(createPublicKey(pair.publicKey).asymmetricKeyType).toBe('rsa')
  }
  expect(first.keys.alipayApp.privateKey).not.toBe(first.keys.alipay.privateKey)

  const second = loadSandboxKeys({ file })
  expect(second.source).toBe('file')
  expect(second.keys).toEqual(first.keys)
})

test('a sandbox key file whose pairs do not match is refused with how to recover', () => {
  const file = join(dir, 'sandbox-keys.json')
  const { keys } = loadSandboxKeys({ file })
  writeFileSync(
    file,
    JSON.stringify({
      alipayApp: keys.alipayApp,
      alipay: { ...keys.alipay, publicKey: keys.alipayApp.publicKey },
    }),
  )
  expect(() => loadSandboxKeys({ file })).toThrow(/支付沙箱密钥无效：删除该文件后重新启动/)
  writeFileSync(file, 'not json')
  expect(() => loadSandboxKeys({ file })).toThrow(/支付沙箱密钥无效/)
})
