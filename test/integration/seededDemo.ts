/**
 * What the router suites share: a clock they move, fresh keys, and a database seeded with the
 * demo data once per suite, copied for every test world so tests never share state. Every
 * world runs on either adapter: a copy of the SQLite template, or the CloudBase adapter through
 * the real wx-server-sdk on a fresh emulator loaded with a snapshot of that template.
 */
import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { collections, type WechatBindingDoc } from '../../cloudfunctions/core/documents'
import { storeSchema } from '../../cloudfunctions/core/storeSchema'
import type { Api, Caller } from '../../cloudfunctions/functions/api/app'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { maxQueryLimit, type Doc, type Store } from '../../cloudfunctions/ports/store'
import type { CloudbaseEmulator, EmulatorDoc } from '../../tools/cloudbase-emulator/emulator'
import { openEmulatedDatabase, unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { seedDemo } from '../../tools/demo/seed'
import type { ActionName, ActionResponse, ApiResult } from '../../types/api'
import type { UserType } from '../../types/enums'

export class TestClock implements Clock {
  constructor(private t: number) {}
  now() {
    return new Date(this.t)
  }
  advance(seconds: number) {
    this.t += seconds * 1000
  }
}

/** The two Store adapters every router test runs on. */
export const adapters = ['sqlite', 'cloudbase'] as const
export type Adapter = (typeof adapters)[number]

/** A test world's store: the port, plus what a test needs to release it. */
export type TestStore = Store & {
  readonly adapter: Adapter
  /** Releases the world's database (the SQLite file handle; the emulator's registration). */
  close(): void
}

/** Every document of the template, by collection, frozen: emulators share them, never copy. */
export type DemoSnapshot = Readonly<Record<string, readonly EmulatorDoc[]>>

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

/**
 * Reads a seeded SQLite file straight from the adapter's docs table (one statement, far faster
 * than paging every collection through the port). Each document carries `_id` as well as `id`,
 * exactly as the CloudBase adapter stores it, so the emulator can share it as is.
 */
export function exportSnapshot(file: string): DemoSnapshot {
  const db = new Database(file, { readonly: true })
  try {
    const out: Record<string, EmulatorDoc[]> = {}
    for (const spec of storeSchema) out[spec.name] = []
    const rows = db
      .prepare<[], { collection: string; id: string; data: string }>('SELECT collection, id, data FROM docs')
      .all()
    for (const row of rows) {
      const doc = JSON.parse(row.data) as Doc
      ;(out[row.collection] ??= []).push(deepFreeze({ ...doc, id: row.id, _id: row.id }))
    }
    return Object.freeze(out)
  } finally {
    db.close()
  }
}

/** Creates every storeSchema collection and loads the snapshot; nothing goes through the SDK. */
export function loadSnapshot(emulator: CloudbaseEmulator, snapshot: DemoSnapshot): void {
  for (const spec of storeSchema) emulator.createCollection(spec.name)
  emulator.load(snapshot)
}

/** The demo seed, written to a throwaway SQLite file and exported (for suites that need no SQLite world). */
export async function seedDemoSnapshot(secrets: Secrets, now: Date): Promise<DemoSnapshot> {
  const dir = mkdtempSync(join(tmpdir(), 'etc-snapshot-'))
  try {
    const file = join(dir, 'seeded.db')
    const store = openSqliteStore(file)
    await seedDemo(store, secrets, now)
    store.close()
    return exportSnapshot(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A fresh emulator loaded with the snapshot, under the CloudBase adapter through wx-server-sdk. */
function emulatedStore(snapshot: DemoSnapshot): TestStore & { emulator: CloudbaseEmulator } {
  const { emulator, database } = openEmulatedDatabase({ conflictMode: 'write' })
  loadSnapshot(emulator, snapshot)
  return Object.assign(createCloudbaseStore(database), {
    adapter: 'cloudbase' as const,
    emulator,
    close: () => unregisterEmulator(emulator),
  })
}

/**
 * Seeds a template database in beforeAll and exports it to a frozen snapshot; `freshStore(adapter)`
 * answers a private copy of it on that adapter.
 */
export function seedDemoPerSuite(
  name: string,
  start: Date,
): { secrets: Secrets; freshStore(adapter: Adapter): TestStore } {
  const dir = mkdtempSync(join(tmpdir(), `etc-${name}-`))
  const template = join(dir, 'seeded.db')
  const secrets: Secrets = {
    sessionKey: new Uint8Array(randomBytes(32)),
    dataKey: randomBytes(32),
    lookupKey: randomBytes(32),
  }
  let snapshot: DemoSnapshot | null = null
  beforeAll(async () => {
    const store = openSqliteStore(template)
    await seedDemo(store, secrets, start)
    store.close()
    snapshot = exportSnapshot(template)
  }, 30_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  let copies = 0
  return {
    secrets,
    freshStore(adapter) {
      if (adapter === 'cloudbase') {
        if (!snapshot) throw new Error('freshStore called before the suite seeded its template')
        return emulatedStore(snapshot)
      }
      copies += 1
      const file = join(dir, `${name}-${copies}.db`)
      copyFileSync(template, file)
      return Object.assign(openSqliteStore(file), { adapter: 'sqlite' as const })
    },
  }
}

/** Every document of a collection, paged through the port with the largest page it allows. */
export async function readAll<T extends Doc = Doc>(store: Store, collection: string): Promise<T[]> {
  const docs: T[] = []
  let after: string | undefined
  do {
    const page = await store.query<T>(collection, { limit: maxQueryLimit, after })
    docs.push(...page.items)
    after = page.nextCursor ?? undefined
  } while (after)
  return docs
}

/** `call` answers the ApiResult; `ok` the data, failing the test with the error otherwise. */
export function apiCalls(api: Api, defaultCaller?: () => Caller) {
  const callerOr = (caller: Caller | undefined): Caller => {
    if (caller) return caller
    if (!defaultCaller) throw new Error('no caller given')
    return defaultCaller()
  }
  const call = <A extends ActionName>(action: A, payload: unknown, caller?: Caller) =>
    api.handle({ action, payload }, callerOr(caller)) as Promise<ApiResult<A>>
  const ok = async <A extends ActionName>(
    action: A,
    payload: unknown,
    caller?: Caller,
  ): Promise<ActionResponse<A>> => {
    const result = await call(action, payload, caller)
    if (!result.ok) throw new Error(`${action} failed: ${JSON.stringify(result.error)}`)
    return result.data
  }
  return { call, ok }
}

/**
 * WeChat callers of chosen accounts: each call binds a new OPENID to the account directly (the login
 * and account choice are the auth suite's subject), and the router still resolves the identity from
 * the platform caller as in production.
 */
export function wechatCallers(
  store: Store,
  clock: Clock,
  suite: string,
  options: { validForMs?: number } = {},
): (accountId: string, userType?: UserType) => Promise<Caller> {
  let n = 0
  return async (accountId, userType = 'personal') => {
    const openid = `o-${suite}-${++n}`
    const binding: WechatBindingDoc = {
      id: openid,
      principalId: `pr-${suite}-${accountId}`,
      accountId,
      userType,
      loginPhoneHash: '',
      boundAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + (options.validForMs ?? 86400_000)).toISOString(),
    }
    await store.set(collections.wechatBindings, openid, { ...binding })
    return { platform: 'wechat', openid }
  }
}
