/**
 * What the router suites share: a clock they move, fresh keys, and a database seeded with the
 * demo data once per suite, copied for every test world so tests never share state.
 */
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import type { Api, Caller } from '../../cloudfunctions/functions/api/app'
import type { Clock } from '../../cloudfunctions/ports/clock'
import type { Secrets } from '../../cloudfunctions/ports/secrets'
import { seedDemo } from '../../tools/demo/seed'
import type { ActionName, ActionResponse, ApiResult } from '../../types/api'

export class TestClock implements Clock {
  constructor(private t: number) {}
  now() {
    return new Date(this.t)
  }
  advance(seconds: number) {
    this.t += seconds * 1000
  }
}

/** Seeds a template database in beforeAll; `freshStore()` answers a private copy of it. */
export function seedDemoPerSuite(name: string, start: Date): { secrets: Secrets; freshStore(): SqliteStore } {
  const dir = mkdtempSync(join(tmpdir(), `etc-${name}-`))
  const template = join(dir, 'seeded.db')
  const secrets: Secrets = {
    sessionKey: new Uint8Array(randomBytes(32)),
    dataKey: randomBytes(32),
    lookupKey: randomBytes(32),
  }
  beforeAll(async () => {
    const store = openSqliteStore(template)
    await seedDemo(store, secrets, start)
    store.close()
  }, 30_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  let copies = 0
  return {
    secrets,
    freshStore() {
      copies += 1
      const file = join(dir, `${name}-${copies}.db`)
      copyFileSync(template, file)
      return openSqliteStore(file)
    },
  }
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
