import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { maxReportedFailures } from '../../types/batches'
import {
  afterChunk,
  batchDocId,
  batchFingerprint,
  batchProgress,
  batchTiming,
  checkContinuation,
  continuationOf,
  newBatch,
  nextIds,
  withinBudget,
  type TargetOutcome,
} from './batches'

const now = new Date('2025-06-15T02:00:00Z')
const ids = (n: number) => Array.from({ length: n }, (_, i) => `veh-${i}`)
const idsBatch = (n: number) =>
  newBatch({
    accountId: 'acc-1',
    kind: 'parking.set',
    key: 'key-00000001',
    selection: { by: 'ids', ids: ids(n) },
    params: { authorized: true },
    total: n,
    now,
  })
const changed = (id: string): TargetOutcome<string> => ({ id, result: 'changed', row: id })
const failed = (id: string): TargetOutcome<string> => ({
  id,
  result: 'failed',
  failure: { targetId: id, label: id, code: 'VEHICLE_NOT_CURRENT', message: '历史车辆无法设置拓展授权' },
})

test('the time budget leaves the function timeout of cloudbaserc.json room for a last chunk', () => {
  const rc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'cloudbaserc.json'), 'utf8')) as {
    functions: Array<{ name: string; timeout: number }>
  }
  const api = rc.functions.find((f) => f.name === 'api')
  expect(api?.timeout).toBeDefined()
  expect(batchTiming.functionTimeoutMs).toBe((api?.timeout ?? 0) * 1000)
  // a worst-case chunk (~3.5 s with a conflict retry) started at the budget still ends in time
  expect(batchTiming.budgetMs + 3_500).toBeLessThan(batchTiming.functionTimeoutMs)
  expect(withinBudget(now, new Date(now.getTime() + batchTiming.budgetMs - 1))).toBe(true)
  expect(withinBudget(now, new Date(now.getTime() + batchTiming.budgetMs))).toBe(false)
})

test('a key names one batch per account and kind', () => {
  const a = batchDocId('acc-1', 'parking.set', 'key-00000001')
  expect(a).toMatch(/^batch-[0-9a-f]{40}$/)
  expect(batchDocId('acc-1', 'parking.set', 'key-00000001')).toBe(a)
  expect(batchDocId('acc-2', 'parking.set', 'key-00000001')).not.toBe(a)
  expect(batchDocId('acc-1', 'invoiceTitles.set', 'key-00000001')).not.toBe(a)
})

test('the fingerprint ignores key order but not values or selection order', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.option(fc.string(), { nil: null }), (on, plate) => {
      const one = batchFingerprint(
        'parking.set',
        { by: 'filter', filter: { plate, x: 1 } },
        { authorized: on },
      )
      const two = batchFingerprint(
        'parking.set',
        { by: 'filter', filter: { x: 1, plate } },
        { authorized: on },
      )
      expect(one).toBe(two)
      expect(
        batchFingerprint('parking.set', { by: 'filter', filter: { plate, x: 1 } }, { authorized: !on }),
      ).not.toBe(one)
    }),
  )
  expect(batchFingerprint('k', { by: 'ids', ids: ['a', 'b'] }, {})).not.toBe(
    batchFingerprint('k', { by: 'ids', ids: ['b', 'a'] }, {}),
  )
})

test('chunks walk an ids selection to its end, adding up counts and keeping the first failures', () => {
  let batch = idsBatch(7)
  const seen: string[] = []
  while (batch.state === 'running') {
    const chunk = nextIds(batch, 3)
    seen.push(...chunk)
    batch = afterChunk(
      batch,
      chunk.map((id) => (id === 'veh-4' ? failed(id) : changed(id))),
      {
        position: batch.position + chunk.length,
      },
      now,
    )
  }
  expect(seen).toEqual(ids(7))
  expect(batch).toMatchObject({ chunks: 3, position: 7, changed: 6, unchanged: 0, failed: 1 })
  expect(batch.failures.map((f) => f.targetId)).toEqual(['veh-4'])
  expect(batchProgress(batch)).toMatchObject({ state: 'done', continuation: null, processed: 7, total: 7 })

  const many = afterChunk(idsBatch(80), ids(80).map(failed), { position: 80 }, now)
  expect(many.failed).toBe(80)
  expect(many.failures).toHaveLength(maxReportedFailures)
})

test('a filter selection is done when its last page is committed', () => {
  const filter = newBatch({
    accountId: 'acc-1',
    kind: 'parking.set',
    key: 'key-00000002',
    selection: { by: 'filter', filter: { plate: null } },
    params: { authorized: false },
    total: 3,
    now,
  })
  const half = afterChunk(filter, [changed('a'), changed('b')], { cursor: 'after-b' }, now)
  expect(half).toMatchObject({ state: 'running', cursor: 'after-b', chunks: 1 })
  const done = afterChunk(half, [changed('c')], { cursor: null }, now)
  expect(done).toMatchObject({ state: 'done', changed: 3 })
})

test('a continuation belongs to its batch and cannot run ahead of it', () => {
  const batch = afterChunk(idsBatch(10), ids(3).map(changed), { position: 3 }, now)
  const token = continuationOf(batch)
  expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
  if (!token) throw new Error('running batch without continuation')
  expect(() => checkContinuation(batch, token)).not.toThrow()
  // an older token of the same batch is fine: the batch document says where to go on
  expect(() => checkContinuation(afterChunk(batch, [], { position: 3 }, now), token)).not.toThrow()
  const other = newBatch({ ...batch, key: 'key-00000003', selection: batch.selection, now })
  expect(() => checkContinuation(other, token)).toThrow('续传标记不正确')
  expect(() => checkContinuation(idsBatch(10), token)).toThrow('续传标记不正确')
  expect(() => checkContinuation(batch, 'garbage')).toThrow('续传标记不正确')
  expect(continuationOf(afterChunk(batch, ids(7).map(changed), { position: 10 }, now))).toBeNull()
})
