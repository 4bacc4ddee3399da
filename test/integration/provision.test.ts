/**
 * npm run cloudbase:provision end to end: provisionCollections through the real
 * @cloudbase/manager-node against a local Tencent Cloud API 3.0 endpoint (tc3Endpoint.ts) that
 * verifies every request's TC3-HMAC-SHA256 signature for service `tcb` and keeps the environment's
 * collections and indexes in memory. manager-node sends every database action, and the
 * DescribeEnvInfo of its lazy environment init, to the `tcb` service, whose base URL it takes from
 * TCB_BASE_URL; that is the one seam used here.
 */
import { storeSchema, collectionSpec, type CollectionSpec } from '../../cloudfunctions/core/storeSchema'
import { managerAdmin } from '../../tools/cloudbase/collectionAdmin'
import { dropCollections, provisionCollections } from '../../tools/cloudbase/provision'
import { runProvisionCli } from '../../tools/cloudbase/provision-cli'
import { startTc3Endpoint, type Tc3Answer, type Tc3Endpoint } from './tc3Endpoint'

const envId = 'etc-local-7g2k4'
const instanceId = 'tnt-local0test'
const secretId = 'AKIDlocalCloudBaseId0000000000000000'
const secretKey = 'localCloudBaseKey000000000000000'
/** One prefix per run, as against a shared environment. */
const prefix = `t${Date.now().toString(36)}_`
/** Another app's collection in the same environment: never touched. */
const foreign = 'otherApp_orders'

interface FakeIndex {
  Name: string
  Keys: Array<{ Name: string; Direction: string }>
  Unique: boolean
}

/** The environment's collections and their indexes. */
const tables = new Map<string, FakeIndex[]>()
const idIndex = (): FakeIndex => ({ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true })

const fail = (Code: string, Message: string): Tc3Answer => ({ Error: { Code, Message } })

/** The tcb 2018-06-08 actions manager-node's database service and env lazy-init send. */
function handleTcb(action: string, input: Record<string, unknown>): Tc3Answer {
  if (input.EnvId !== envId) return fail('ResourceNotFound', `env ${String(input.EnvId)} not found`)
  if (action === 'DescribeEnvInfo') {
    return {
      EnvInfo: {
        EnvBaseInfo: {
          EnvId: envId,
          Alias: 'local',
          Status: 'NORMAL',
          Region: 'ap-shanghai',
          Databases: [{ InstanceId: instanceId, Region: 'ap-shanghai', Status: 'RUNNING' }],
          Storages: [],
          Functions: [],
        },
      },
    }
  }
  const connector = input.MongoConnector as { DatabaseName?: string; InstanceId?: string } | undefined
  if (connector?.DatabaseName !== instanceId || connector.InstanceId !== 'flexdb') {
    return fail('InvalidParameter.MongoConnector', 'unknown database instance')
  }
  const name = input.TableName as string | undefined
  switch (action) {
    case 'ListTables': {
      const limit = Number(input.MgoLimit)
      const offset = Number(input.MgoOffset)
      if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(offset) || offset < 0)
        return fail('InvalidParameterValue', 'MgoLimit/MgoOffset')
      const page = [...tables].slice(offset, offset + limit).map(([TableName, indexes]) => ({
        TableName,
        Count: 0,
        Size: 0,
        IndexCount: indexes.length,
        IndexSize: 0,
      }))
      return {
        Tables: page.length ? page : null,
        Pager: { Offset: offset, Limit: limit, Total: tables.size },
      }
    }
    case 'DescribeTable': {
      const indexes = name === undefined ? undefined : tables.get(name)
      // manager-node's checkCollectionExists reads any error answer as "does not exist".
      if (!indexes) return fail('ResourceNotFound', `collection ${String(name)} does not exist`)
      return {
        IndexNum: indexes.length,
        Indexes: indexes.map((index) => ({ ...index, Size: 0, Accesses: { Ops: 0, Since: '2026-01-01' } })),
      }
    }
    case 'CreateTable': {
      if (!name || !/^[A-Za-z0-9_-]{1,64}$/.test(name)) return fail('InvalidParameterValue', 'TableName')
      if (tables.has(name)) return fail('FailedOperation', `collection ${name} already exists`)
      tables.set(name, [idIndex()])
      return {}
    }
    case 'UpdateTable': {
      const indexes = name === undefined ? undefined : tables.get(name)
      if (!indexes) return fail('ResourceNotFound', `collection ${String(name)} does not exist`)
      const creates = (input.CreateIndexes ?? []) as Array<{
        IndexName?: unknown
        MgoKeySchema?: {
          MgoIndexKeys?: Array<{ Name?: unknown; Direction?: unknown }>
          MgoIsUnique?: unknown
        }
      }>
      const added: FakeIndex[] = []
      for (const create of creates) {
        const keys = create.MgoKeySchema?.MgoIndexKeys
        if (typeof create.IndexName !== 'string' || !create.IndexName)
          return fail('InvalidParameter', 'IndexName')
        if (!Array.isArray(keys) || keys.length === 0) return fail('InvalidParameter', 'MgoIndexKeys')
        if (keys.some((k) => typeof k.Name !== 'string' || (k.Direction !== '1' && k.Direction !== '-1')))
          return fail('InvalidParameterValue', 'MgoIndexKeys.Direction must be "1" or "-1"')
        if (typeof create.MgoKeySchema?.MgoIsUnique !== 'boolean')
          return fail('InvalidParameter', 'MgoIsUnique')
        if ([...indexes, ...added].some((i) => i.Name === create.IndexName))
          return fail('FailedOperation', `index ${create.IndexName} already exists`)
        added.push({
          Name: create.IndexName,
          Keys: keys.map((k) => ({ Name: String(k.Name), Direction: String(k.Direction) })),
          Unique: create.MgoKeySchema.MgoIsUnique,
        })
      }
      indexes.push(...added)
      return {}
    }
    case 'DeleteTable': {
      if (!name || !tables.delete(name))
        return fail('ResourceNotFound', `collection ${String(name)} does not exist`)
      return {}
    }
    default:
      return fail('InvalidAction', `unknown action ${action}`)
  }
}

let endpoint: Tc3Endpoint
const savedEnv: Record<string, string | undefined> = {}
const envOverrides = ['TCB_BASE_URL', 'TCB_REGION', 'http_proxy', 'USE_INTERNAL_ENDPOINT']

beforeAll(async () => {
  endpoint = await startTc3Endpoint({
    service: 'tcb',
    secretId,
    secretKey,
    handle(req, input) {
      if (req.version !== '2018-06-08') return fail('NoSuchVersion', `version ${req.version}`)
      return handleTcb(req.action, input)
    },
  })
  for (const name of envOverrides) savedEnv[name] = process.env[name]
  for (const name of envOverrides) delete process.env[name]
  process.env.TCB_BASE_URL = endpoint.url
})

afterAll(async () => {
  for (const name of envOverrides) {
    if (savedEnv[name] === undefined) delete process.env[name]
    else process.env[name] = savedEnv[name]
  }
  await endpoint.close()
})

beforeEach(() => {
  tables.clear()
  tables.set(foreign, [
    idIndex(),
    { Name: 'by_user', Keys: [{ Name: 'user', Direction: '1' }], Unique: false },
  ])
  endpoint.received.length = 0
})

/** A small page size so that listing walks several ListTables pages. */
const admin = (key = secretKey) => managerAdmin({ envId, secretId, secretKey: key, pageSize: 7 })
const actions = () => endpoint.received.map((r) => r.action)
const count = (action: string) => actions().filter((a) => a === action).length
const indexCount = (schema: readonly CollectionSpec[]) => schema.reduce((n, s) => n + s.indexes.length, 0)
const snapshot = () => JSON.stringify([...tables])

test('the first run creates every collection and index of storeSchema under the prefix, signed for tcb', async () => {
  const lines: string[] = []
  const report = await provisionCollections(admin(), storeSchema, { prefix, log: (l) => lines.push(l) })

  expect(report.createdCollections).toEqual(storeSchema.map((s) => prefix + s.name))
  expect(report.createdIndexes).toEqual(
    storeSchema.flatMap((s) => s.indexes.map((i) => ({ collection: prefix + s.name, index: i.name }))),
  )
  expect(report.unchanged).toBe(0)
  expect(lines).toHaveLength(storeSchema.length + indexCount(storeSchema))

  for (const spec of storeSchema) {
    expect(tables.get(prefix + spec.name)).toEqual([
      idIndex(),
      ...spec.indexes.map((index) => ({
        Name: index.name,
        Keys: index.fields.map((f) => ({ Name: f.field, Direction: f.direction === 'asc' ? '1' : '-1' })),
        Unique: index.unique ?? false,
      })),
    ])
  }
  expect(tables.has(foreign)).toBe(true)
  expect(tables.size).toBe(storeSchema.length + 1)

  expect(endpoint.received.every((r) => r.verified)).toBe(true)
  expect(new Set(actions())).toEqual(
    new Set(['DescribeEnvInfo', 'ListTables', 'DescribeTable', 'CreateTable', 'UpdateTable']),
  )
  expect(count('DescribeEnvInfo')).toBe(1)
  expect(count('ListTables')).toBe(1) // only the foreign collection existed: one page
  expect(count('CreateTable')).toBe(storeSchema.length)
  // One UpdateTable per collection that has indexes, carrying all of them.
  expect(count('UpdateTable')).toBe(storeSchema.filter((s) => s.indexes.length > 0).length)
  expect(endpoint.received[0].headers.authorization).toMatch(
    new RegExp(`^TC3-HMAC-SHA256 Credential=${secretId}/\\d{4}-\\d{2}-\\d{2}/tcb/tc3_request, `),
  )
})

test('a second run creates nothing and only reads', async () => {
  await provisionCollections(admin(), storeSchema, { prefix })
  endpoint.received.length = 0
  const before = snapshot()
  const lines: string[] = []

  const report = await provisionCollections(admin(), storeSchema, { prefix, log: (l) => lines.push(l) })

  expect(report).toEqual({
    createdCollections: [],
    createdIndexes: [],
    unchanged: storeSchema.length + indexCount(storeSchema),
  })
  expect(lines).toEqual([])
  expect(snapshot()).toBe(before)
  expect(new Set(actions())).toEqual(new Set(['DescribeEnvInfo', 'ListTables', 'DescribeTable']))
  // 20 collections over pages of 7
  expect(count('ListTables')).toBe(Math.ceil((storeSchema.length + 1) / 7))
})

test('a collection created by hand with one index missing gets just that index', async () => {
  const vehicles = collectionSpec('vehicles')!
  const name = prefix + vehicles.name
  const [missing, ...present] = [...vehicles.indexes].reverse()
  const toFake = (spec: (typeof present)[number], flip = false): FakeIndex => ({
    Name: spec.name,
    Keys: spec.fields.map((f) => ({ Name: f.field, Direction: flip ? '-1' : '1' })),
    Unique: false,
  })
  // One of the present ones was made by hand with the wrong direction: reported, left alone.
  tables.set(name, [idIndex(), toFake(present[0], true), ...present.slice(1).map((p) => toFake(p))])
  const lines: string[] = []

  const report = await provisionCollections(admin(), [vehicles], { prefix, log: (l) => lines.push(l) })

  expect(report).toEqual({
    createdCollections: [],
    createdIndexes: [{ collection: name, index: missing.name }],
    unchanged: 1 + present.length,
  })
  expect(count('CreateTable')).toBe(0)
  expect(count('UpdateTable')).toBe(1)
  const update = endpoint.received.find((r) => r.action === 'UpdateTable')!
  expect(JSON.parse(update.body.toString('utf8'))).toMatchObject({
    TableName: name,
    CreateIndexes: [
      {
        IndexName: missing.name,
        MgoKeySchema: { MgoIndexKeys: [{ Name: 'plate', Direction: '1' }], MgoIsUnique: false },
      },
    ],
  })
  expect(tables.get(name)!.map((i) => i.Name)).toEqual(['_id_', ...present.map((p) => p.name), missing.name])
  expect(lines).toEqual([
    expect.stringMatching(new RegExp(`^warning: index ${present[0].name} on ${name} exists as .*desc`)),
    `created index ${name}.${missing.name} (plate asc)`,
  ])
})

test('a wrong secret key fails loudly with the signature error and changes nothing', async () => {
  const before = snapshot()
  const error = await provisionCollections(admin('not-the-secret-key'), storeSchema, { prefix }).catch(
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(Error)
  expect(error).toMatchObject({ code: 'AuthFailure.SignatureFailure' })
  expect(String((error as Error).message)).toContain('credentials could not be validated')
  expect(snapshot()).toBe(before)
  expect(endpoint.received.length).toBeGreaterThan(0)
  expect(endpoint.received.every((r) => !r.verified && r.failure === 'signature mismatch')).toBe(true)
})

test('dropCollections removes the prefixed collections and nothing else', async () => {
  await provisionCollections(admin(), storeSchema, { prefix })
  const names = storeSchema.map((s) => prefix + s.name)

  expect(await dropCollections(admin(), [...names, `${prefix}neverCreated`])).toEqual(names)
  expect([...tables.keys()]).toEqual([foreign])
  expect(count('DeleteTable')).toBe(names.length)
  expect(await dropCollections(admin(), names)).toEqual([])
})

describe('the npm run cloudbase:provision command', () => {
  const env = { CLOUDBASE_ENV: envId, CLOUDBASE_SECRET_ID: secretId, CLOUDBASE_SECRET_KEY: secretKey }
  const run = async (argv: string[], vars: NodeJS.ProcessEnv) => {
    const out: string[] = []
    const err: string[] = []
    const code = await runProvisionCli(argv, vars, { out: (l) => out.push(l), err: (l) => err.push(l) })
    return { code, out, err }
  }

  test('prints one line per created collection and index, then a summary', async () => {
    const { code, out, err } = await run(['--prefix', prefix], env)
    expect({ code, err }).toEqual({ code: 0, err: [] })
    expect(out).toHaveLength(storeSchema.length + indexCount(storeSchema) + 1)
    expect(out[0]).toBe(`created collection ${prefix}${storeSchema[0].name}`)
    expect(out.at(-1)).toBe(
      `cloudbase:provision: env ${envId}: ${storeSchema.length} collections and ${indexCount(storeSchema)} indexes created, 0 already present`,
    )
    const again = await run([`--prefix=${prefix}`], env)
    expect(again.out).toEqual([
      `cloudbase:provision: env ${envId}: 0 collections and 0 indexes created, ${storeSchema.length + indexCount(storeSchema)} already present`,
    ])
  })

  test('exits 2 with one line naming a missing variable, without calling the API', async () => {
    const { code, out, err } = await run([], {
      CLOUDBASE_ENV: envId,
      CLOUDBASE_SECRET_ID: secretId,
      TENCENTCLOUD_SECRETKEY: secretKey,
    })
    expect({ code, out }).toEqual({ code: 2, out: [] })
    expect(err).toEqual([
      'cloudbase:provision: CLOUDBASE_SECRET_KEY is not set (TENCENTCLOUD_SECRETKEY is set, but that name is reserved by CloudBase and is not read)',
    ])
    expect(endpoint.received).toHaveLength(0)
  })

  test('exits 1 with the API error when the environment does not exist', async () => {
    const { code, err } = await run([], { ...env, CLOUDBASE_ENV: 'no-such-env' })
    expect(code).toBe(1)
    expect(err).toEqual([
      'cloudbase:provision failed: [DescribeEnvInfo] env no-such-env not found (ResourceNotFound)',
    ])
    expect(tables.size).toBe(1)
  })
})
