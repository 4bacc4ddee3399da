/**
 * Fault injection over the whole load (both Store adapters): at random points the card's reply is
 * lost after it applied, the link drops before a command, or the api's answer is lost after it
 * acted, and the phone retries and recovers the only way the server allows (a fresh authenticated
 * init, the TAC). Whatever the drops: the card's balance and the ledger agree, the amount is
 * loaded exactly once, and never lost.
 */
import fc from 'fast-check'
import { collections } from '../../cloudfunctions/core/documents'
import type { LoadDoc } from '../../cloudfunctions/core/load/loadDocuments'
import { verifyLedger } from '../../cloudfunctions/core/ledger/verify'
import type { Doc } from '../../cloudfunctions/ports/store'
import { adapters, readAll } from './seededDemo'
import { connect, makeLoadSuite, send, sendOk, type LoadWorld } from './loadPhone'

const suite = makeLoadSuite('loadfaults')

type Phase =
  { kind: 'init' } | { kind: 'recover' } | { kind: 'confirm'; source: 'credit' | 'proof'; response: string }

/** The phone: loads the card's unloaded funds, dropping wherever `drop()` says, until done. */
async function phoneLoads(
  w: LoadWorld,
  card: ReturnType<LoadWorld['chip']>,
  drop: () => boolean,
): Promise<number> {
  let keys = 0
  let load: { loadId: string; initApdu: string } | null = null
  let phase: Phase = { kind: 'init' }
  for (let round = 0; round < 100; round++) {
    if (!load) {
      const started = await w.call(
        'load.start',
        { key: `fault-key-${String(++keys).padStart(4, '0')}`, cardId: w.stored.card.id },
        w.zhang,
      )
      if (!started.ok) {
        if (started.error.code === 'LOAD_NOTHING_TO_LOAD') return round
        throw new Error(`start: ${JSON.stringify(started.error)}`)
      }
      load = { loadId: started.data.load.loadId, initApdu: started.data.initApdu }
      phase = { kind: 'init' }
    }
    const { loadId, initApdu } = load
    connect(card) // every round is a new connection

    if (phase.kind === 'init') {
      if (drop()) {
        card.loseNextReply(0x50)
        expect(send(card, initApdu)).toBe('lost')
        continue // the server saw nothing: init again
      }
      const initialized = await w.call('load.init', { loadId, response: sendOk(card, initApdu) }, w.zhang)
      if (!initialized.ok) throw new Error(`init: ${JSON.stringify(initialized.error)}`)
      if (drop()) {
        phase = { kind: 'recover' } // the answer (MAC2) never reached the phone
        continue
      }
      if (drop()) {
        phase = { kind: 'recover' } // the link dropped before the credit was sent
        continue
      }
      if (drop()) {
        card.loseNextReply(0x52) // credited, reply lost
        expect(send(card, initialized.data.creditApdu)).toBe('lost')
        phase = { kind: 'recover' }
        continue
      }
      const tac = sendOk(card, initialized.data.creditApdu)
      phase = { kind: 'confirm', source: 'credit', response: tac }
      if (drop()) continue // the phone lost the network before confirming; it keeps the TAC
    }

    if (phase.kind === 'recover') {
      const recovered = await w.call('load.recover', { loadId, response: sendOk(card, initApdu) }, w.zhang)
      if (drop()) continue // the answer was lost: recover again on the next connection
      if (!recovered.ok) {
        if (recovered.error.code !== 'LOAD_WRONG_STATE')
          throw new Error(`recover: ${JSON.stringify(recovered.error)}`)
        const status = await w.ok('load.status', { loadId }, w.zhang)
        if (status.load.state === 'not_loaded') load = null
        else if (status.load.state !== 'confirmed') throw new Error(`unexpected state ${status.load.state}`)
        else return round
        continue
      }
      if (recovered.data.outcome === 'not_loaded') {
        load = null
        continue
      }
      if (recovered.data.outcome !== 'happened') throw new Error(`outcome ${recovered.data.outcome}`)
      phase = { kind: 'confirm', source: 'proof', response: sendOk(card, recovered.data.proofApdu!) }
    }

    const confirmed = await w.call(
      'load.confirm',
      { loadId, source: phase.source, response: phase.response },
      w.zhang,
    )
    if (drop()) continue // the answer was lost: confirm again (idempotent)
    if (!confirmed.ok) throw new Error(`confirm: ${JSON.stringify(confirmed.error)}`)
    expect(confirmed.data.load.state).toBe('confirmed')
    if (drop()) {
      // a duplicate of the confirm, as a flaky network delivers it
      const duplicate = await w.ok(
        'load.confirm',
        { loadId, source: phase.source, response: phase.response },
        w.zhang,
      )
      expect(duplicate.load.state).toBe('confirmed')
    }
    load = null
  }
  throw new Error('the phone never finished')
}

describe.each(adapters)('load fault injection on %s', (adapter) => {
  // every single drop point on its own (the phone's decision points, in order), then two in a row
  test.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('one drop at decision point %i, then two', async (point) => {
    for (const width of [1, 2]) {
      const w = await suite.makeWorld(adapter)
      const card = w.chip({ balance: 700, onlineSerial: 12 })
      let n = 0
      await phoneLoads(w, card, () => {
        const i = n++
        return i >= point && i < point + width
      })
      expect(card.state).toMatchObject({ balance: 20_700, onlineSerial: 13 })
      expect(await w.loaded()).toBe(20_000)
      expect(await w.unloaded()).toBe(0)
      expect(await w.loadTransfers()).toHaveLength(1)
      w.store.close()
    }
  })

  test('for random drop points the card balance and the ledger agree, loaded exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.integer({ min: 0, max: 2 }).map((n) => n === 0),
          { minLength: 4, maxLength: 20 },
        ),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        async (stream, balance, onlineSerial) => {
          const w = await suite.makeWorld(adapter)
          const card = w.chip({ balance, onlineSerial })
          const drops = [...stream]
          await phoneLoads(w, card, () => drops.shift() ?? false)

          // the card got the unloaded funds once, and the ledger says exactly that
          expect(card.state.balance).toBe(balance + 20_000)
          expect(await w.loaded()).toBe(card.state.balance - balance)
          expect(await w.unloaded()).toBe(0)
          const loads = await readAll<LoadDoc & Doc>(w.store, collections.loads)
          const confirmed = loads.filter((l) => l.state === 'confirmed')
          expect(confirmed).toHaveLength(1)
          expect(loads.every((l) => l.state === 'confirmed' || l.state === 'not_loaded')).toBe(true)
          expect((await w.loadTransfers()).map((t) => t.id)).toEqual([`load:${confirmed[0].id}`])
          // one online transaction on the chip for the one load
          expect(card.state.onlineSerial).toBe((onlineSerial + 1) & 0xffff)
          const report = await verifyLedger(w.store)
          expect(report.mismatches).toEqual([])
          expect(report.totalDebits).toBe(report.totalCredits)
          w.store.close()
        },
      ),
      { numRuns: adapter === 'sqlite' ? 60 : 25 },
    )
  }, 120_000)
})
