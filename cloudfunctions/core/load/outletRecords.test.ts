import fc from 'fast-check'
import { loadStates } from '../../../types/actions/load'
import { fen } from '../../../types/money'
import type { LoadDoc } from './loadDocuments'
import { provenLoaded, recordState, reloadable, resettable } from './outletRecords'
import { readingVerdict } from './saga'

/**
 * The rules an outlet's reset stands on: a reading settles "not happened" only at exactly the
 * serial and balance the load was issued at, and no record the TAC proved can ever be reset.
 */

const serial = fc.integer({ min: 0, max: 65_534 })
const money = fc.integer({ min: 0, max: 100_000_000 })
const amount = fc.integer({ min: 1, max: 10_000_000 })

test('a reading is "not happened" exactly at (N0, B0), "happened" exactly at (N0+1, B0+amount), never both', () => {
  fc.assert(
    fc.property(serial, money, amount, serial, money, (n0, b0, a, n1, b1) => {
      const verdict = readingVerdict({ onlineSerial: n0, balance: fen(b0) }, fen(a), {
        onlineSerial: n1,
        balance: fen(b1),
      })
      expect(verdict === 'not_happened').toBe(n1 === n0 && b1 === b0)
      expect(verdict === 'happened').toBe(n1 === n0 + 1 && b1 === b0 + a)
    }),
  )
  // the exact points, which random pairs rarely hit
  fc.assert(
    fc.property(serial, money, amount, (n0, b0, a) => {
      const init = { onlineSerial: n0, balance: fen(b0) }
      expect(readingVerdict(init, fen(a), init)).toBe('not_happened')
      expect(readingVerdict(init, fen(a), { onlineSerial: n0 + 1, balance: fen(b0 + a) })).toBe('happened')
      expect(readingVerdict(init, fen(a), { onlineSerial: n0, balance: fen(b0 + a) })).toBe('uncertain')
      expect(readingVerdict(init, fen(a), { onlineSerial: n0 + 1, balance: fen(b0) })).toBe('uncertain')
    }),
  )
})

const now = new Date('2026-11-30T16:30:00Z') // 00:30 on 1 December in Shanghai

function loadOf(state: LoadDoc['state'], extra: Partial<LoadDoc>): LoadDoc {
  return {
    id: 'load-1',
    accountId: 'acc-1',
    cardId: 'card-1',
    cardNo: '33010000000000000001',
    vehicleId: 'veh-1',
    plate: '浙A12345',
    plateColor: '蓝',
    amount: fen(100),
    terminal: '330100000001',
    keyIndex: 1,
    transactionType: 2,
    state,
    fingerprint: 'f',
    createdAt: '2026-11-30T16:00:00.000Z',
    updatedAt: '2026-11-30T16:00:00.000Z',
    init: null,
    mac2: null,
    recovery: null,
    confirmation: null,
    uncertainReason: null,
    transferId: null,
    ...extra,
  }
}

test('a proven record is never resettable; resettable is 已圈存 only; reloadable is 未圈存 of today only', () => {
  const reading = {
    balance: fen(5),
    onlineSerial: 1,
    keyVersion: 1,
    algorithmId: 0,
    random: '01020304',
    mac1: '0A0B0C0D',
    response: '',
    at: now.toISOString(),
  }
  fc.assert(
    fc.property(
      fc.constantFrom(...loadStates),
      fc.boolean(),
      fc.boolean(),
      fc.option(fc.constant('load-2'), { nil: null }),
      fc.constantFrom(
        '2026-11-30T15:59:59.999Z',
        '2026-11-30T16:00:00.000Z',
        '2026-12-01T15:59:59.999Z',
        '2026-12-01T16:00:00.000Z',
      ),
      (state, tac, initialized, reloadedBy, createdAt) => {
        const load = loadOf(state, {
          verifiedTac: tac ? '11223344' : null,
          init: initialized ? reading : null,
          reloadedBy,
          createdAt,
        })
        if (provenLoaded(load)) expect(resettable(load)).toBe(false)
        if (resettable(load)) expect(recordState(load)).toBe('loaded')
        if (reloadable(load, now)) {
          expect(recordState(load)).toBe('not_loaded')
          expect(reloadedBy).toBeNull()
          // 1 December in Shanghai runs from 16:00Z on 30 November to 15:59:59.999Z on 1 December
          expect(['2026-11-30T16:00:00.000Z', '2026-12-01T15:59:59.999Z']).toContain(createdAt)
        }
        if (state === 'confirmed') expect(recordState(load)).toBe('loaded')
        if (state === 'not_loaded' && !reloadedBy && createdAt.startsWith('2026-11-30T16'))
          expect(reloadable(load, now)).toBe(true)
      },
    ),
    { numRuns: 1000 },
  )
})
