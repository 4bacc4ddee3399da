import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { rsaPair, type RsaPair } from '../sandbox-alipay/openapi'

/** Where each key comes from, so start.ts can say it without printing the key. */
export type SecretSource = 'env' | 'file' | 'generated'

export interface LoadedSecrets {
  secrets: Secrets
  sources: Record<keyof Secrets, SecretSource>
  file: string
}

const KEY_BYTES = 32

const envNames: Record<keyof Secrets, string> = {
  sessionKey: 'SESSION_KEY',
  dataKey: 'DATA_KEY',
  lookupKey: 'LOOKUP_KEY',
}

const keyNames = Object.keys(envNames) as (keyof Secrets)[]

type SecretsFile = Record<keyof Secrets, string>

/** Fresh random demo keys: 32 bytes each (HS256, AES-256-GCM and HMAC-SHA256 all want at least that). */
export function generateSecrets(): Secrets {
  return {
    sessionKey: randomBytes(KEY_BYTES),
    dataKey: randomBytes(KEY_BYTES),
    lookupKey: randomBytes(KEY_BYTES),
  }
}

function decodeKey(value: string, origin: string): Buffer {
  const trimmed = value.trim()
  // Buffer.from(…, 'base64') silently drops bad characters, so check the alphabet first.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new Error(`${origin} is not base64`)
  const key = Buffer.from(trimmed, 'base64')
  // AES-256-GCM needs exactly 32 bytes; shorter HMAC keys would be weak, longer ones are not needed.
  if (key.length !== KEY_BYTES)
    throw new Error(`${origin} must decode to ${KEY_BYTES} bytes, got ${key.length}`)
  return key
}

function readFileKeys(file: string): Partial<SecretsFile> | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const parsed: unknown = JSON.parse(text)
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${file} does not hold a JSON object`)
  const record = parsed as Record<string, unknown>
  const keys: Partial<SecretsFile> = {}
  for (const name of keyNames) {
    const value = record[name]
    if (typeof value === 'string') keys[name] = value
  }
  return keys
}

function writeFileKeys(file: string, keys: object): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 })
  // The mode option only applies when the file is created; tighten an existing one too.
  chmodSync(file, 0o600)
}

/**
 * Demo keys for the local server: environment variables (base64) win, then the local file;
 * whatever is still missing is generated and written back (mode 0600) so sessions and
 * encrypted data survive restarts.
 */
export function loadSecrets(opts: { file: string; env?: NodeJS.ProcessEnv }): LoadedSecrets {
  const env = opts.env ?? process.env
  const stored = readFileKeys(opts.file) ?? {}
  const fileKeys: Partial<SecretsFile> = { ...stored }
  const sources = {} as Record<keyof Secrets, SecretSource>
  const buffers = {} as Record<keyof Secrets, Buffer>
  let dirty = false

  for (const name of keyNames) {
    const fromEnv = env[envNames[name]]
    const fromFile = fileKeys[name]
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      buffers[name] = decodeKey(fromEnv, envNames[name])
      sources[name] = 'env'
    } else if (fromFile !== undefined) {
      buffers[name] = decodeKey(fromFile, `${name} in ${opts.file}`)
      sources[name] = 'file'
    } else {
      buffers[name] = randomBytes(KEY_BYTES)
      fileKeys[name] = buffers[name].toString('base64')
      sources[name] = 'generated'
      dirty = true
    }
  }

  if (dirty) writeFileKeys(opts.file, fileKeys as SecretsFile)

  return {
    secrets: {
      sessionKey: new Uint8Array(buffers.sessionKey),
      dataKey: buffers.dataKey,
      lookupKey: buffers.lookupKey,
    },
    sources,
    file: opts.file,
  }
}

/**
 * The local payment sandbox's RSA-2048 key pairs (PEM): the Alipay app's (its private key signs
 * the gateway requests alipay-sdk sends) and the sandbox "Alipay"'s (its private key signs answers
 * and notifications; the alipayNotify code path verifies with its public key). Not secrets of any
 * real account, but kept like the demo keys: generated on first start into a 0600 file under
 * .local/ (never committed), read back afterwards.
 */
export interface SandboxKeys {
  alipayApp: RsaPair
  alipay: RsaPair
}

export interface LoadedSandboxKeys {
  keys: SandboxKeys
  source: 'file' | 'generated'
  file: string
}

/** A pair whose private key parses and whose public key is that private key's. */
function isPair(value: unknown): value is RsaPair {
  if (typeof value !== 'object' || value === null) return false
  const { publicKey, privateKey } = value as Record<string, unknown>
  if (typeof publicKey !== 'string' || typeof privateKey !== 'string') return false
  try {
    const spki = (key: Parameters<typeof createPublicKey>[0]) =>
      createPublicKey(key).export({ type: 'spki', format: 'der' })
    return spki(createPrivateKey(privateKey)).equals(spki(publicKey))
  } catch {
    return false
  }
}

export function loadSandboxKeys(opts: { file: string }): LoadedSandboxKeys {
  let text: string | null = null
  try {
    text = readFileSync(opts.file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (text === null) {
    // the encodings the sandbox itself generates: the app's key PKCS#8, "Alipay"'s PKCS#1
    const keys: SandboxKeys = { alipayApp: rsaPair('pkcs8'), alipay: rsaPair('pkcs1') }
    writeFileKeys(opts.file, keys)
    return { keys, source: 'generated', file: opts.file }
  }
  let parsed: unknown = null
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  const record = (parsed ?? {}) as Record<string, unknown>
  if (!isPair(record.alipayApp) || !isPair(record.alipay)) {
    throw new Error(`${opts.file} 中的支付沙箱密钥无效：删除该文件后重新启动，会生成新的密钥`)
  }
  return { keys: { alipayApp: record.alipayApp, alipay: record.alipay }, source: 'file', file: opts.file }
}

/**
 * The demo load master keys (roadside load, issue 10): LOAD_MASTER_DLK / LOAD_MASTER_DTK (32 hex
 * digits each) win, else `loadMasterDlk` / `loadMasterDtk` in the local secrets file, else fresh
 * random ones written there (mode 0600). The virtual card box personalises its cards from the
 * same keys; they are demo keys of no real issuer and are never committed.
 */
export interface LoadedLoadMasterKeys {
  /** Hex, 16 bytes each. */
  keys: { dlk: string; dtk: string }
  source: SecretSource
}

export function loadLoadMasterKeys(opts: { file: string; env?: NodeJS.ProcessEnv }): LoadedLoadMasterKeys {
  const env = opts.env ?? process.env
  const fromEnv = { dlk: env.LOAD_MASTER_DLK?.trim(), dtk: env.LOAD_MASTER_DTK?.trim() }
  const valid = (value: unknown): value is string =>
    typeof value === 'string' && /^[0-9A-Fa-f]{32}$/.test(value)
  if (fromEnv.dlk || fromEnv.dtk) {
    if (!valid(fromEnv.dlk) || !valid(fromEnv.dtk))
      throw new Error('LOAD_MASTER_DLK 和 LOAD_MASTER_DTK 须同时设置，且各为 32 位十六进制')
    return { keys: { dlk: fromEnv.dlk.toUpperCase(), dtk: fromEnv.dtk.toUpperCase() }, source: 'env' }
  }
  let record: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(readFileSync(opts.file, 'utf8'))
    if (typeof parsed === 'object' && parsed !== null) record = parsed as Record<string, unknown>
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (valid(record.loadMasterDlk) && valid(record.loadMasterDtk))
    return { keys: { dlk: record.loadMasterDlk, dtk: record.loadMasterDtk }, source: 'file' }
  const keys = {
    dlk: randomBytes(16).toString('hex').toUpperCase(),
    dtk: randomBytes(16).toString('hex').toUpperCase(),
  }
  // the other keys of the file stay as they are
  writeFileKeys(opts.file, { ...record, loadMasterDlk: keys.dlk, loadMasterDtk: keys.dtk })
  return { keys, source: 'generated' }
}
