/**
 * tools/cloudbase/operator-cli.ts as an operator runs it: on a temporary SQLite database (what
 * `npm start` uses), and with --cloudbase on the CloudBase emulator through the real wx-server-sdk.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { openSqliteStore, type SqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { collections } from '../../cloudfunctions/core/documents'
import type { OperatorDoc, OperatorSessionDoc } from '../../cloudfunctions/core/operators/operatorAccounts'
import { verifyPassword } from '../../cloudfunctions/core/passwords'
import { storeSchema } from '../../cloudfunctions/core/storeSchema'
import type { Store } from '../../cloudfunctions/ports/store'
import { openEmulatedDatabase, unregisterEmulator } from '../../tools/cloudbase-emulator/install'
import { runOperatorCli, type OperatorCliDeps } from '../../tools/cloudbase/operator-cli'

const now = new Date('2025-06-15T02:00:00Z')

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'etc-operator-cli-'))
  file = join(dir, 'etc.sqlite')
  openSqliteStore(file).close()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function run(
  argv: string[],
  opts: { stdin?: string; env?: NodeJS.ProcessEnv; deps?: OperatorCliDeps } = {},
) {
  const out: string[] = []
  const err: string[] = []
  const code = await runOperatorCli(
    argv,
    opts.env ?? {},
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    {
      now: () => now,
      readStdin: async () => {
        if (opts.stdin === undefined) throw new Error('stdin was read')
        return opts.stdin
      },
      ...opts.deps,
    },
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

async function withStore<T>(fn: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = openSqliteStore(file)
  try {
    return await fn(store)
  } finally {
    store.close()
  }
}
const operator = (id: string) =>
  withStore((s) => s.get<OperatorDoc & Record<string, unknown>>(collections.operators, id))

async function addSession(store: Store, id: string, operatorId: string): Promise<void> {
  const session: OperatorSessionDoc = {
    id,
    operatorId,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
    revokedAt: null,
  }
  await store.set(collections.operatorSessions, id, { ...session })
}

test('create with a generated password prints it once; the store keeps only its hash', async () => {
  const result = await run([
    'create',
    '--login',
    'Wang.Fang',
    '--name',
    '王芳',
    '--roles',
    'reconciliation',
    '--db',
    file,
  ])
  expect(result.err).toBe('')
  expect(result.code).toBe(0)
  const password = /^password \(shown once, stored only as a hash\): (\S+)$/m.exec(result.out)?.[1]
  expect(password).toMatch(/^[A-Za-z0-9]{16}$/)
  const doc = await operator('wang.fang')
  expect(doc).toMatchObject({
    id: 'wang.fang',
    loginName: 'wang.fang',
    name: '王芳',
    roles: ['reconciliation'],
    outletId: null,
    disabled: false,
    createdAt: now.toISOString(),
  })
  expect(JSON.stringify(doc)).not.toContain(password)
  expect(await verifyPassword(doc!.passwordHash, password!)).toBe(true)
})

test('create reads the password from stdin and never prints it; a second create of the name is refused', async () => {
  const result = await run(
    [
      'create',
      '--login=outlet-01',
      '--name',
      '西湖网点 李明',
      '--roles',
      'outlet,reconciliation',
      '--outlet',
      'xihu',
      '--password-stdin',
      '--db',
      file,
    ],
    { stdin: 'Outlet2025pw\n' },
  )
  expect(result.code).toBe(0)
  expect(result.out).not.toContain('Outlet2025pw')
  expect(result.out).not.toContain('password')
  const doc = await operator('outlet-01')
  expect(doc).toMatchObject({ roles: ['outlet', 'reconciliation'], outletId: 'xihu' })
  expect(await verifyPassword(doc!.passwordHash, 'Outlet2025pw')).toBe(true)

  const again = await run([
    'create',
    '--login',
    'OUTLET-01',
    '--name',
    'x',
    '--roles',
    'reconciliation',
    '--db',
    file,
  ])
  expect(again.code).toBe(1)
  expect(again.err).toContain('已存在')
  expect((await operator('outlet-01'))!.passwordHash).toBe(doc!.passwordHash)
})

test.each([
  [['create', '--login', 'ab', '--name', 'x', '--roles', 'reconciliation'], undefined, '登录名'],
  [['create', '--login', 'good-name', '--name', 'x', '--roles', 'boss'], undefined, '未知角色'],
  [['create', '--login', 'good-name', '--name', 'x', '--roles', 'outlet'], undefined, '网点'],
  [
    ['create', '--login', 'good-name', '--name', 'x', '--roles', 'reconciliation', '--password-stdin'],
    'short1\n',
    '8-20',
  ],
])('create refuses %j and writes nothing', async (argv, stdin, message) => {
  const result = await run([...argv, '--db', file], { stdin })
  expect(result.code).toBe(1)
  expect(result.err).toContain(message)
  expect(await withStore((s) => s.count(collections.operators))).toBe(0)
})

test('disable ends every session, enable lets the operator back in, reset gives a new password and ends sessions', async () => {
  await run(
    [
      'create',
      '--login',
      'op-a',
      '--name',
      '甲',
      '--roles',
      'reconciliation',
      '--password-stdin',
      '--db',
      file,
    ],
    {
      stdin: 'FirstPass1',
    },
  )
  await withStore(async (s) => {
    await addSession(s, 's1', 'op-a')
    await addSession(s, 's2', 'op-a')
    await addSession(s, 'other', 'someone-else')
  })

  const disabled = await run(['disable', '--login', 'op-a', '--db', file])
  expect(disabled.code).toBe(0)
  expect(disabled.out).toContain('2 session(s) ended')
  expect((await operator('op-a'))!.disabled).toBe(true)
  const sessions = await withStore((s) =>
    s.query<OperatorSessionDoc & Record<string, unknown>>(collections.operatorSessions, { limit: 10 }),
  )
  expect(Object.fromEntries(sessions.items.map((x) => [x.id, x.revokedAt]))).toEqual({
    s1: now.toISOString(),
    s2: now.toISOString(),
    other: null,
  })

  expect((await run(['enable', '--login', 'op-a', '--db', file])).code).toBe(0)
  expect((await operator('op-a'))!.disabled).toBe(false)

  await withStore((s) => addSession(s, 's3', 'op-a'))
  const reset = await run(['reset', '--login', 'op-a', '--password-stdin', '--db', file], {
    stdin: 'SecondPass2\r\n',
  })
  expect(reset.code).toBe(0)
  expect(reset.out).toContain('1 session(s) ended')
  const doc = await operator('op-a')
  expect(await verifyPassword(doc!.passwordHash, 'SecondPass2')).toBe(true)
  expect(await verifyPassword(doc!.passwordHash, 'FirstPass1')).toBe(false)

  const generated = await run(['reset', '--login', 'op-a', '--db', file])
  const password = /shown once, stored only as a hash\): (\S+)/.exec(generated.out)?.[1]
  expect(await verifyPassword((await operator('op-a'))!.passwordHash, password!)).toBe(true)

  const list = await run(['list', '--db', file])
  expect(list.out).toContain('op-a\t甲\treconciliation\t-\tenabled')
  expect(list.out).toContain('1 operator(s)')
})

test('unknown operators, bad arguments and a missing database are refused', async () => {
  expect((await run(['disable', '--login', 'nobody', '--db', file])).code).toBe(1)
  expect(
    (await run(['reset', '--login', 'nobody', '--password-stdin', '--db', file], { stdin: 'Whatever12' }))
      .code,
  ).toBe(1)
  expect((await run(['frobnicate', '--db', file])).code).toBe(2)
  expect((await run(['disable', '--db', file])).code).toBe(2)
  expect((await run(['create', '--login', 'x-y-z', '--db', file])).code).toBe(2)
  expect((await run(['list', '--db', file, '--cloudbase'])).code).toBe(2)
  const missing = await run(['list', '--db', join(dir, 'nope.sqlite')])
  expect(missing.code).toBe(2)
  expect(missing.err).toContain('does not exist')
  expect((await run(['--help'])).out).toContain('usage:')
})

describe('--cloudbase', () => {
  test('needs the provisioning variables, never the reserved names', async () => {
    const result = await run(['list', '--cloudbase'], {
      env: { TENCENTCLOUD_SECRETID: 'x', TENCENTCLOUD_SECRETKEY: 'y', TCB_ENV: 'z' },
    })
    expect(result.code).toBe(2)
    expect(result.err).toContain('CLOUDBASE_ENV is not set')
  })

  test('creates, disables and resets through wx-server-sdk, with the collection prefix', async () => {
    const { emulator, database } = openEmulatedDatabase()
    try {
      for (const spec of storeSchema) emulator.createCollection(`t1_${spec.name}`)
      const env = {
        CLOUDBASE_ENV: emulator.envId,
        CLOUDBASE_SECRET_ID: 'AKIDtest',
        CLOUDBASE_SECRET_KEY: 'secret',
      }
      const created = await run(
        [
          'create',
          '--login',
          'op-cloud',
          '--name',
          '云端',
          '--roles',
          'reconciliation',
          '--cloudbase',
          '--prefix',
          't1_',
          '--password-stdin',
        ],
        { env, stdin: 'CloudPass1' },
      )
      expect(created.err).toBe('')
      expect(created.code).toBe(0)
      expect(created.out).toContain(`CloudBase env ${emulator.envId}`)
      const store = createCloudbaseStore(database, { collectionPrefix: 't1_' })
      await addSession(store, 'cs1', 'op-cloud')
      expect(
        (await run(['disable', '--login', 'op-cloud', '--cloudbase', '--prefix', 't1_'], { env })).out,
      ).toContain('1 session(s) ended')
      expect((await store.get(collections.operators, 'op-cloud'))?.disabled).toBe(true)
      expect((await store.get(collections.operatorSessions, 'cs1'))?.revokedAt).toBe(now.toISOString())
      expect(emulator.documents(`t1_${collections.operators}`)).toHaveLength(1)
      const reset = await run(
        ['reset', '--login', 'op-cloud', '--cloudbase', '--prefix', 't1_', '--password-stdin'],
        {
          env,
          stdin: 'CloudPass2',
        },
      )
      expect(reset.code).toBe(0)
      const doc = await store.get<OperatorDoc & Record<string, unknown>>(collections.operators, 'op-cloud')
      expect(await verifyPassword(doc!.passwordHash, 'CloudPass2')).toBe(true)

      // without the prefix the collections are missing: a deployment error, said plainly
      const unprovisioned = await run(['list', '--cloudbase'], { env })
      expect(unprovisioned.code).toBe(1)
      expect(unprovisioned.err).toContain('cloudbase:provision')
    } finally {
      unregisterEmulator(emulator)
    }
  })
})
