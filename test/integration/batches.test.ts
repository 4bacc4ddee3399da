/**
 * Fleet batches through the api router (parking.set, the first batch action): the idempotency
 * key, the time budget with its continuation, a batch killed mid-way and retried, selections by
 * filter beyond the 200-id cap, and the audit log under retries. Both Store adapters.
 */
import { createOutboxSms } from '../../cloudfunctions/adapters/local/outboxSms'
import { batchTiming } from '../../cloudfunctions/core/batches'
import {
  collections,
  type AuditLogDoc,
  type BatchDoc,
  type VehicleDoc,
  type WechatBindingDoc,
} from '../../cloudfunctions/core/documents'
import { createApi, type Caller } from '../../cloudfunctions/functions/api/app'
import type { Doc, Store, TxStore } from '../../cloudfunctions/ports/store'
import type { ApiResult, ParkingSetResult } from '../../types/api'
import { errorCatalog, type ErrorCode } from '../../types/errors'
import {
  adapters,
  apiCalls,
  readAll,
  seedDemoPerSuite,
  TestClock,
  type Adapter,
  type TestStore,
} from './seededDemo'

const start = new Date('2025-06-15T02:00:00Z')
const demo = seedDemoPerSuite('batches', start)
const UNIT = 'acc-u-shunda'

class Killed extends Error {
  constructor(where: string) {
    super(`function killed ${where}`)
  }
}

/**
 * The world's store with the faults of a cloud function: the clock moves with every committed
 * transaction (so a call spends its time budget), and the Nth transaction can be killed before
 * it commits (its writes vanish) or right after (the work is done, the answer never arrives).
 */
function faultyStore(inner: TestStore, clock: TestClock) {
  const faults = {
    secondsPerTransaction: 0,
    killInside: 0,
    killAfter: 0,
    transactions: 0,
  }
  const store: Store = {
    get: (c, id) => inner.get(c, id),
    set: (c, id, doc) => inner.set(c, id, doc),
    update: (c, id, patch) => inner.update(c, id, patch),
    remove: (c, id) => inner.remove(c, id),
    query: (c, q) => inner.query(c, q),
    count: (c, where) => inner.count(c, where),
    async transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
      faults.transactions += 1
      const n = faults.transactions
      const result = await inner.transaction(async (tx) => {
        const value = await fn(tx)
        if (n === faults.killInside) throw new Killed('inside a transaction')
        return value
      })
      clock.advance(faults.secondsPerTransaction)
      if (n === faults.killAfter) throw new Killed('after a commit')
      return result
    },
  }
  return { store, faults }
}

async function makeWorld(adapter: Adapter) {
  const inner = demo.freshStore(adapter)
  const clock = new TestClock(start.getTime())
  const { store, faults } = faultyStore(inner, clock)
  const errors: unknown[] = []
  const api = createApi({
    store,
    sms: createOutboxSms(store, clock),
    clock,
    secrets: demo.secrets,
    logError: (_id, error) => errors.push(error),
  })
  const { call, ok } = apiCalls(api)
  const binding: WechatBindingDoc = {
    id: 'o-batches-unit',
    principalId: 'pr-batches-unit',
    accountId: UNIT,
    userType: 'unit',
    loginPhoneHash: '',
    boundAt: start.toISOString(),
    expiresAt: new Date(start.getTime() + 86400_000).toISOString(),
  }
  await inner.set(collections.wechatBindings, binding.id, { ...binding })
  const unit: Caller = { platform: 'wechat', openid: binding.id }
  const vehicles = async () =>
    (await readAll<VehicleDoc & Doc>(inner, collections.vehicles))
      .filter((v) => v.accountId === UNIT && v.scope === 'current')
      .sort((a, b) => (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : a.id < b.id ? -1 : 1))
  const audits = async () =>
    (await readAll<AuditLogDoc & Doc>(inner, collections.auditLog)).filter((a) => a.action === 'parking.set')
  const batches = () => readAll<BatchDoc & Doc>(inner, collections.batches)
  /** Sends the request, then its continuations, until done; answers every call's result. */
  const runToEnd = async (payload: Record<string, unknown>) => {
    const answers: ParkingSetResult[] = []
    let continuation: string | null = null
    do {
      const answer: ParkingSetResult = await ok(
        'parking.set',
        { ...payload, ...(continuation ? { continuation } : {}) },
        unit,
      )
      answers.push(answer)
      continuation = answer.continuation
    } while (continuation && answers.length < 100)
    return answers
  }
  return { inner, store, clock, faults, errors, call, ok, unit, vehicles, audits, batches, runToEnd }
}
type World = Awaited<ReturnType<typeof makeWorld>>

function expectError(result: ApiResult, code: ErrorCode, message?: string | RegExp) {
  if (result.ok) throw new Error(`expected ${code}, got ok`)
  expect(result.error.code).toBe(code)
  expect(result.error.status).toBe(errorCatalog[code].status)
  expect(result.error.message).toMatch(/[\u4e00-\u9fff]/)
  if (message) expect(result.error.message).toMatch(message)
}

/** Every audit record of the batch, by vehicle: exactly one each, matching the store. */
async function expectAuditedOnce(w: World, vehicleIds: string[], authorized: boolean) {
  const audits = await w.audits()
  const byTarget = new Map<string, number>()
  for (const a of audits) byTarget.set(a.target.id, (byTarget.get(a.target.id) ?? 0) + 1)
  for (const id of vehicleIds) expect(byTarget.get(id)).toBe(1)
  expect(audits).toHaveLength(vehicleIds.length)
  for (const a of audits) expect(a.after).toMatchObject({ parkingAuthorized: authorized })
}

describe.each(adapters)('on %s', (adapter) => {
  let w: World
  beforeEach(async () => {
    w = await makeWorld(adapter)
  })
  afterEach(() => w.inner.close())

  test('a call stops at its time budget and answers a continuation; following it applies each vehicle once', async () => {
    const fleet = await w.vehicles()
    const selected = fleet.slice(0, 120)
    const wasOff = selected.filter((v) => !v.parkingAuthorized)
    expect(wasOff.length).toBeGreaterThan(0)
    // 3 s per transaction: opening the batch and one chunk spend the 5 s budget
    w.faults.secondsPerTransaction = 3
    const payload = { batchKey: 'key-budget-0001', vehicleIds: selected.map((v) => v.id), authorized: true }
    const answers = await w.runToEnd(payload)

    expect(answers.length).toBeGreaterThan(1)
    expect(answers[0]).toMatchObject({ state: 'running', processed: 25, total: 120 })
    expect(answers[0].continuation).toEqual(expect.any(String))
    expect(answers[0].items).toHaveLength(25)
    const last = answers[answers.length - 1]
    expect(last).toMatchObject({
      state: 'done',
      continuation: null,
      total: 120,
      processed: 120,
      changed: wasOff.length,
      unchanged: 120 - wasOff.length,
      failed: 0,
      failures: [],
      operatedAt: start.toISOString(),
    })
    // each call answered its own rows: together every vehicle once, in selection order
    expect(answers.flatMap((a) => a.items.map((r) => r.vehicleId))).toEqual(selected.map((v) => v.id))
    const after = new Map((await w.vehicles()).map((v) => [v.id, v]))
    for (const v of selected) {
      expect(after.get(v.id)?.parkingAuthorized).toBe(true)
      expect(after.get(v.id)?.lastOperatedAt).toBe(
        v.parkingAuthorized ? v.lastOperatedAt : start.toISOString(),
      )
    }
    for (const v of fleet.slice(120)) expect(after.get(v.id)).toEqual(v)
    await expectAuditedOnce(
      w,
      selected.map((v) => v.id),
      true,
    )
    // the budget holds: no call ran past it by more than one chunk
    expect(batchTiming.budgetMs).toBeLessThan(batchTiming.functionTimeoutMs)
  })

  test('killed after its first chunk committed: the same key again finishes and reports the true result', async () => {
    const fleet = await w.vehicles()
    const selected = fleet.slice(40, 140)
    const wasOff = selected.filter((v) => !v.parkingAuthorized).length
    const payload = { batchKey: 'key-killed-0001', vehicleIds: selected.map((v) => v.id), authorized: true }
    // transaction 1 opens the batch, 2 commits the first chunk; then the function dies
    w.faults.killAfter = 2
    expectError(await w.call('parking.set', payload, w.unit), 'INTERNAL')
    const firstChunk = selected.slice(0, 25)
    const mid = new Map((await w.vehicles()).map((v) => [v.id, v]))
    for (const v of firstChunk) expect(mid.get(v.id)?.parkingAuthorized).toBe(true)
    for (const v of selected.slice(25)) expect(mid.get(v.id)?.parkingAuthorized).toBe(v.parkingAuthorized)

    const retried = await w.runToEnd(payload)
    const result = retried[retried.length - 1]
    // the first chunk's changes are counted although their answer was lost
    expect(result).toMatchObject({
      state: 'done',
      total: 100,
      processed: 100,
      changed: wasOff,
      unchanged: 100 - wasOff,
      failed: 0,
    })
    expect(retried.flatMap((a) => a.items.map((r) => r.vehicleId))).toEqual(
      selected.slice(25).map((v) => v.id),
    )
    for (const v of await w.vehicles())
      if (selected.some((s) => s.id === v.id)) expect(v.parkingAuthorized).toBe(true)
    await expectAuditedOnce(
      w,
      selected.map((v) => v.id),
      true,
    )

    // once more, later: the finished batch answers the same result and writes nothing
    w.clock.advance(3600)
    const before = { vehicles: await w.vehicles(), audits: await w.audits(), batches: await w.batches() }
    const replay = await w.ok('parking.set', payload, w.unit)
    expect(replay).toMatchObject({ ...result, items: [] })
    expect({ vehicles: await w.vehicles(), audits: await w.audits(), batches: await w.batches() }).toEqual(
      before,
    )
  })

  test('killed inside a chunk: nothing of that chunk stays, the retry applies it once', async () => {
    const fleet = await w.vehicles()
    const selected = fleet.slice(0, 60)
    const wasOn = selected.filter((v) => v.parkingAuthorized).length
    const payload = { batchKey: 'key-inside-0001', vehicleIds: selected.map((v) => v.id), authorized: false }
    // transaction 3 (the second chunk) dies before it commits
    w.faults.killInside = 3
    expectError(await w.call('parking.set', payload, w.unit), 'INTERNAL')
    expect(await w.audits()).toHaveLength(25)
    const [batch] = await w.batches()
    expect(batch).toMatchObject({ state: 'running', chunks: 1, position: 25 })

    const answers = await w.runToEnd(payload)
    expect(answers[answers.length - 1]).toMatchObject({
      state: 'done',
      processed: 60,
      changed: wasOn,
      unchanged: 60 - wasOn,
    })
    for (const v of (await w.vehicles()).filter((v) => selected.some((s) => s.id === v.id)))
      expect(v.parkingAuthorized).toBe(false)
    await expectAuditedOnce(
      w,
      selected.map((v) => v.id),
      false,
    )
  })

  test('全选全部: a filter selection pages through a fleet larger than the 200-id cap', async () => {
    const fleet = await w.vehicles()
    // grow the fleet to 260 current vehicles
    for (let i = 0; i < 60; i++) {
      const model = fleet[i]
      const vehicle: VehicleDoc = {
        ...model,
        id: `veh-batch-extra-${String(i).padStart(2, '0')}`,
        plate: `浙Z${String(10000 + i)}`,
        parkingAuthorized: i % 2 === 0,
        lastOperatedAt: null,
      }
      await w.inner.set(collections.vehicles, vehicle.id, { ...vehicle })
    }
    const grown = await w.vehicles()
    expect(grown).toHaveLength(260)
    expectError(
      await w.call(
        'parking.set',
        { batchKey: 'key-too-many-01', vehicleIds: grown.map((v) => v.id), authorized: true },
        w.unit,
      ),
      'INVALID_INPUT',
      '一次最多选择200辆车',
    )
    w.faults.secondsPerTransaction = 2
    const wasOff = grown.filter((v) => !v.parkingAuthorized).length
    const answers = await w.runToEnd({ batchKey: 'key-all-000001', allMatching: {}, authorized: true })
    expect(answers.length).toBeGreaterThan(2)
    expect(answers[answers.length - 1]).toMatchObject({
      state: 'done',
      total: 260,
      processed: 260,
      changed: wasOff,
      unchanged: 260 - wasOff,
    })
    expect((await w.vehicles()).every((v) => v.parkingAuthorized)).toBe(true)
    await expectAuditedOnce(
      w,
      grown.map((v) => v.id),
      true,
    )
    // other accounts' vehicles are untouched
    const others = (await readAll<VehicleDoc & Doc>(w.inner, collections.vehicles)).filter(
      (v) => v.accountId !== UNIT,
    )
    expect(others.some((v) => v.lastOperatedAt === start.toISOString())).toBe(false)

    // a plate filter selects just that vehicle
    const one = grown[7]
    const byPlate = await w.runToEnd({
      batchKey: 'key-plate-00001',
      allMatching: { plate: one.plate },
      authorized: false,
    })
    expect(byPlate[byPlate.length - 1]).toMatchObject({ state: 'done', total: 1, changed: 1, unchanged: 0 })
    expect((await w.vehicles()).filter((v) => !v.parkingAuthorized).map((v) => v.id)).toEqual([one.id])
  })

  test('a vehicle that leaves the fleet during the batch is reported as a failure; the rest is applied', async () => {
    const fleet = await w.vehicles()
    const selected = fleet.slice(0, 60)
    const payload = { batchKey: 'key-leaves-0001', vehicleIds: selected.map((v) => v.id), authorized: true }
    w.faults.secondsPerTransaction = 3
    const first = await w.ok('parking.set', payload, w.unit)
    expect(first.state).toBe('running')
    const leaving = selected[50]
    await w.inner.update(collections.vehicles, leaving.id, { scope: 'history' })
    const answers = await w.runToEnd({ ...payload, continuation: first.continuation })
    const result = answers[answers.length - 1]
    expect(result).toMatchObject({ state: 'done', processed: 60, failed: 1 })
    expect(result.changed + result.unchanged).toBe(59)
    expect(result.failures).toEqual([
      {
        targetId: leaving.id,
        label: leaving.plate,
        code: 'VEHICLE_NOT_CURRENT',
        message: errorCatalog.VEHICLE_NOT_CURRENT.message,
      },
    ])
    const gone = await w.inner.get<VehicleDoc & Doc>(collections.vehicles, leaving.id)
    expect(gone?.parkingAuthorized).toBe(leaving.parkingAuthorized)
    expect((await w.audits()).some((a) => a.target.id === leaving.id)).toBe(false)
  })

  test('two calls of one batch at once apply and audit each vehicle once', async () => {
    const selected = (await w.vehicles()).slice(100, 180)
    const wasOff = selected.filter((v) => !v.parkingAuthorized).length
    const payload = { batchKey: 'key-racing-0001', vehicleIds: selected.map((v) => v.id), authorized: true }
    const [a, b] = await Promise.all([
      w.ok('parking.set', payload, w.unit),
      w.ok('parking.set', payload, w.unit),
    ])
    const final = a.state === 'done' ? a : b
    expect(final).toMatchObject({ state: 'done', processed: 80, changed: wasOff })
    const rows = [...a.items, ...b.items].map((r) => r.vehicleId).sort()
    expect(rows).toEqual(selected.map((v) => v.id).sort())
    await expectAuditedOnce(
      w,
      selected.map((v) => v.id),
      true,
    )
  })

  test('a key names one request: another request, a foreign or unknown continuation are refused', async () => {
    const selected = (await w.vehicles()).slice(0, 3).map((v) => v.id)
    const payload = { batchKey: 'key-reused-0001', vehicleIds: selected, authorized: true }
    await w.ok('parking.set', payload, w.unit)
    const before = { vehicles: await w.vehicles(), audits: await w.audits() }
    expectError(
      await w.call('parking.set', { ...payload, authorized: false }, w.unit),
      'BATCH_KEY_REUSED',
      '该批量操作编号已用于另一项操作',
    )
    expectError(
      await w.call(
        'parking.set',
        { ...payload, batchKey: 'key-unknown-0001', continuation: 'c1-0123456789ab' },
        w.unit,
      ),
      'BATCH_NOT_FOUND',
    )
    expectError(
      await w.call('parking.set', { ...payload, continuation: 'c1-0123456789ab' }, w.unit),
      'INVALID_INPUT',
      '续传标记不正确',
    )
    expectError(
      await w.call('parking.set', { ...payload, batchKey: 'short' }, w.unit),
      'INVALID_INPUT',
      '批量操作编号不正确',
    )
    expectError(
      await w.call('parking.set', { vehicleIds: selected, authorized: true }, w.unit),
      'INVALID_INPUT',
      '缺少批量操作编号',
    )
    expectError(
      await w.call('parking.set', { batchKey: 'key-neither-0001', authorized: true }, w.unit),
      'INVALID_INPUT',
      '请选择车辆',
    )
    expectError(
      await w.call(
        'parking.set',
        { batchKey: 'key-both-000001', vehicleIds: selected, allMatching: {}, authorized: true },
        w.unit,
      ),
      'INVALID_INPUT',
      '请选择车辆',
    )
    expect({ vehicles: await w.vehicles(), audits: await w.audits() }).toEqual(before)
    expect(w.errors).toEqual([])
  })
})
