/**
 * The emulator's own rules, at its wire (the Store suites drive it through the real SDK).
 */
import { EJSON } from 'bson'
import { CloudbaseEmulator, type ConflictMode } from './emulator'

const query = (id: string) => EJSON.stringify({ _id: id }, { relaxed: false })
const data = (doc: Record<string, unknown>) => EJSON.stringify(doc, { relaxed: false })

function wire(conflictMode: ConflictMode = 'write') {
  const emulator = new CloudbaseEmulator({ conflictMode })
  emulator.createCollection('c')
  const send = (action: string, params: Record<string, unknown> = {}) =>
    emulator.handle({ action: `database.${action}`, ...params })
  const start = async () => String((await send('startTransaction')).transactionId)
  const set = (id: string, doc: Record<string, unknown>, transactionId?: string) =>
    send('modifyDocument', {
      collectionName: 'c',
      queryType: 'DOC',
      query: query(id),
      data: data(doc),
      merge: false,
      upsert: true,
      ...(transactionId ? { transactionId } : {}),
    })
  const get = async (id: string, transactionId?: string) => {
    const res = await send('getDocument', {
      collectionName: 'c',
      queryType: 'DOC',
      query: query(id),
      ...(transactionId ? { transactionId } : {}),
    })
    const list = (res.data as { list: string[] }).list
    return list.length ? (EJSON.parse(list[0]) as Record<string, unknown>) : null
  }
  return { emulator, send, start, set, get }
}

test('a transaction reads the snapshot taken at its start, plus its own writes', async () => {
  const { start, set, get, send } = wire()
  await set('a', { v: 1 })
  const t = await start()
  await set('a', { v: 2 })
  expect(await get('a', t)).toMatchObject({ v: 1 })
  await set('b', { v: 9 }, t)
  expect(await get('b', t)).toMatchObject({ v: 9 })
  expect(await get('b')).toBeNull()
  // a's newer version came after t's snapshot: writing it conflicts
  expect(await set('a', { v: 3 }, t)).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
  expect(await send('commitTransaction', { transactionId: t })).toMatchObject({
    code: 'DATABASE_TRANSACTION_FAIL',
  })
  expect(await get('b')).toBeNull()
})

test.each(['write', 'commit'] as const)(
  'two writers of one document: conflict reported at %s',
  async (mode) => {
    const { emulator, start, set, get, send } = wire(mode)
    await set('a', { v: 0 })
    const t1 = await start()
    const t2 = await start()
    expect(await set('a', { v: 1 }, t1)).not.toHaveProperty('code')
    const second = await set('a', { v: 2 }, t2)
    if (mode === 'write') expect(second).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT' })
    else expect(second).not.toHaveProperty('code')
    expect(await send('commitTransaction', { transactionId: t1 })).not.toHaveProperty('code')
    if (mode === 'commit')
      expect(await send('commitTransaction', { transactionId: t2 })).toMatchObject({
        code: 'DATABASE_TRANSACTION_CONFLICT',
      })
    expect(await get('a')).toMatchObject({ v: 1 })
    expect(emulator.stats.conflicts).toBe(1)
  },
)

test('unknown collections are refused, reads default to 100 and cap at 1000, queries in a transaction are refused', async () => {
  const { emulator, send, start } = wire()
  expect(await send('getDocument', { collectionName: 'nope', queryType: 'WHERE' })).toMatchObject({
    code: 'DATABASE_COLLECTION_NOT_EXIST',
  })
  emulator.load({ c: Array.from({ length: 1200 }, (_, i) => ({ id: `d${i}` })) })
  const count = async (params: Record<string, unknown>) =>
    (
      (await send('getDocument', { collectionName: 'c', queryType: 'WHERE', ...params })).data as {
        list: unknown[]
      }
    ).list.length
  expect(await count({})).toBe(100)
  expect(await count({ limit: 5000 })).toBe(1000)
  const t = await start()
  expect(
    await send('getDocument', { collectionName: 'c', queryType: 'WHERE', transactionId: t }),
  ).toMatchObject({
    code: 'DATABASE_REQUEST_FAILED',
  })
})
