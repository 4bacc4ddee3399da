import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadLoadMasterKeys } from './secrets'

describe('demo load master keys', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'load-keys-'))))
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  test('generated once into the secrets file (0600), kept beside its other keys, read back', () => {
    const file = join(dir, 'secrets.json')
    writeFileSync(file, JSON.stringify({ sessionKey: 'abc' }))
    const first = loadLoadMasterKeys({ file, env: {} })
    expect(first.source).toBe('generated')
    expect(first.keys.dlk).toMatch(/^[0-9A-F]{32}$/)
    expect(first.keys.dtk).not.toBe(first.keys.dlk)
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>
    expect(stored).toMatchObject({
      sessionKey: 'abc',
      loadMasterDlk: first.keys.dlk,
      loadMasterDtk: first.keys.dtk,
    })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadLoadMasterKeys({ file, env: {} })).toEqual({ keys: first.keys, source: 'file' })
  })

  test('the environment wins; one variable alone is refused', () => {
    const file = join(dir, 'secrets.json')
    const hex = '00112233445566778899AABBCCDDEEFF'
    expect(loadLoadMasterKeys({ file, env: { LOAD_MASTER_DLK: hex, LOAD_MASTER_DTK: hex } })).toEqual({
      keys: { dlk: hex, dtk: hex },
      source: 'env',
    })
    expect(() => loadLoadMasterKeys({ file, env: { LOAD_MASTER_DLK: hex } })).toThrow(/LOAD_MASTER_DTK/)
  })
})
