/**
 * Roadside load through the `api` entry on both Store adapters, the test playing the phone between
 * a virtual card (tools/virtual-card: its own PBOC crypto, personalised from the same demo master
 * keys) and the load actions: a full load, drops before and after the credit recovered only from
 * authenticated card data, a modified phone, refusals with nothing written.
 */
import { SoftwareKeyService } from '../../cloudfunctions/adapters/keys/softwareKeyService'
import { collections } from '../../cloudfunctions/core/documents'
import type { CardLoadStateDoc, LoadDoc } from '../../cloudfunctions/core/load/loadDocuments'
import { verifyLedger } from '../../cloudfunctions/core/ledger/verify'
import { postTransfers } from '../../cloudfunctions/core/ledger'
import { fen } from '../../types/money'
import type { Doc } from '../../cloudfunctions/ports/store'
import { adapters, readAll } from './seededDemo'
import {
  cardOf,
  connect,
  expectError,
  makeLoadSuite,
  OUYANG,
  send,
  sendOk,
  ZHANG,
  type LoadWorld,
} from './loadPhone'

const suite = makeLoadSuite('load')

async function expectSoundLedger(w: LoadWorld) {
  const report = await verifyLedger(w.store)
  expect(report.mismatches).toEqual([])
  expect(report.negative).toEqual([])
  expect(report.totalDebits).toBe(report.totalCredits)
}

let keys = 0
const key = () => `load-key-${String(++keys).padStart(6, '0')}`

describe.each(adapters)('roadside load on %s', (adapter) => {
  test('a full load: card after = before + amount, the ledger moved exactly once, confirm is idempotent', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 12_345, onlineSerial: 41 })
    expect(await w.unloaded()).toBe(20_000)

    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    expect(started.load).toMatchObject({ amount: 20_000, state: 'created', plate: '浙AD35288' })
    expect(started.load.cardNo).toMatch(/^\d{4}\*{5}\d{4}$/)
    expect(started.initApdu).toBe('805000020B0100004E2033010000000110')

    connect(card)
    const init = sendOk(card, started.initApdu)
    const initialized = await w.ok('load.init', { loadId: started.load.loadId, response: init }, w.zhang)
    expect(initialized.load).toMatchObject({ state: 'initialized', balanceBefore: 12_345 })
    // Beijing date and time of the clock (10:00 in Shanghai), whatever the host's zone
    expect(initialized).toMatchObject({ date: '20261130', time: '100000' })
    expect(initialized.creditApdu).toBe(`805200000B20261130100000${initialized.mac2}04`)

    const tac = sendOk(card, initialized.creditApdu)
    const confirmed = await w.ok(
      'load.confirm',
      { loadId: started.load.loadId, source: 'credit', response: tac },
      w.zhang,
    )
    expect(confirmed.load).toMatchObject({ state: 'confirmed', balanceBefore: 12_345, balanceAfter: 32_345 })
    expect(card.state).toMatchObject({ balance: 32_345, onlineSerial: 42 })
    expect(await w.unloaded()).toBe(0)
    expect(await w.loaded()).toBe(20_000)
    expect(await w.loadTransfers()).toEqual([
      expect.objectContaining({
        id: `load:${started.load.loadId}`,
        amount: 20_000,
        ref: started.load.loadId,
      }),
    ])

    // the phone retries its confirm: same answer, nothing posted again
    const again = await w.ok(
      'load.confirm',
      { loadId: started.load.loadId, source: 'credit', response: tac },
      w.zhang,
    )
    expect(again.load.state).toBe('confirmed')
    expect(await w.loadTransfers()).toHaveLength(1)
    const state = await w.store.get<CardLoadStateDoc & Doc>(collections.cardLoadStates, w.stored.card.id)
    expect(state).toMatchObject({ activeLoadId: null, lastSerial: 42, lastBalance: 32_345 })
    // nothing left to load
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_NOTHING_TO_LOAD',
    )
    await expectSoundLedger(w)
  })

  test('an SM4 card loads through the same actions (SM4 path: the doc’s stated assumption, no public vector)', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 1, onlineSerial: 0, algorithm: 'sm4' })
    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    const reply = sendOk(card, started.initApdu)
    expect(reply.slice(14, 16)).toBe('04') // the algorithm id SM4 cards report here
    const init = await w.ok('load.init', { loadId: started.load.loadId, response: reply }, w.zhang)
    const tac = sendOk(card, init.creditApdu)
    await w.ok('load.confirm', { loadId: started.load.loadId, source: 'credit', response: tac }, w.zhang)
    expect(card.state.balance).toBe(20_001)
    expect(await w.loaded()).toBe(20_000)
  })

  test('a chosen part of the unloaded funds; more than unloaded is refused', async () => {
    const w = await suite.makeWorld(adapter)
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id, amount: 20_001 }, w.zhang),
      'LOAD_AMOUNT_EXCEEDS',
    )
    const card = w.chip()
    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id, amount: 5_000 }, w.zhang)
    connect(card)
    const init = await w.ok(
      'load.init',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.zhang,
    )
    const tac = sendOk(card, init.creditApdu)
    await w.ok('load.confirm', { loadId: started.load.loadId, source: 'credit', response: tac }, w.zhang)
    expect(card.state.balance).toBe(12_345 + 5_000)
    expect(await w.unloaded()).toBe(15_000)
    expect(await w.loaded()).toBe(5_000)
  })

  test('the credit applied and its reply was lost: a fresh init shows it happened, the TAC by proof confirms it once', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 100, onlineSerial: 7 })
    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    const init = await w.ok(
      'load.init',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.zhang,
    )
    card.loseNextReply(0x52)
    expect(send(card, init.creditApdu)).toBe('lost')
    expect(card.state.balance).toBe(20_100) // the chip has it, the phone does not know

    // reconnect, a fresh init of the same amount: the card's own word
    connect(card)
    const recovered = await w.ok(
      'load.recover',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.zhang,
    )
    expect(recovered).toMatchObject({ outcome: 'happened', proofApdu: '805A000202000708' })
    expect(recovered.load.state).toBe('initialized')
    // a verdict from balance and serial moves no money: only the TAC does
    expect(await w.loadTransfers()).toHaveLength(0)

    const proof = sendOk(card, recovered.proofApdu!)
    const confirmed = await w.ok(
      'load.confirm',
      { loadId: started.load.loadId, source: 'proof', response: proof },
      w.zhang,
    )
    expect(confirmed.load).toMatchObject({ state: 'confirmed', balanceAfter: 20_100 })
    expect(card.state.balance).toBe(20_100)
    expect(await w.loadTransfers()).toHaveLength(1)
    expect(await w.loaded()).toBe(20_000)
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_NOTHING_TO_LOAD',
    )
    await expectSoundLedger(w)
  })

  test('the link dropped before the credit: not loaded, the old MAC2 is dead, a new load works', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 500, onlineSerial: 3 })
    const first = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    const init = await w.ok(
      'load.init',
      { loadId: first.load.loadId, response: sendOk(card, first.initApdu) },
      w.zhang,
    )
    // the link drops: the credit is never sent

    connect(card)
    const recovered = await w.ok(
      'load.recover',
      { loadId: first.load.loadId, response: sendOk(card, first.initApdu) },
      w.zhang,
    )
    expect(recovered).toMatchObject({ outcome: 'not_loaded', proofApdu: null, load: { state: 'not_loaded' } })
    expect(await w.unloaded()).toBe(20_000)
    // a phone that resends the old credit now: the card's session changed, MAC2 wrong, nothing applied
    expect(send(card, init.creditApdu)).toBe('9302')
    expect(card.state).toMatchObject({ balance: 500, onlineSerial: 3 })
    // the closed load takes no TAC and no further step
    expectError(
      await w.call(
        'load.init',
        { loadId: first.load.loadId, response: sendOk(card, first.initApdu) },
        w.zhang,
      ),
      'LOAD_WRONG_STATE',
    )

    const second = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    const init2 = await w.ok(
      'load.init',
      { loadId: second.load.loadId, response: sendOk(card, second.initApdu) },
      w.zhang,
    )
    expect(init2.mac2).not.toBe(init.mac2)
    const tac = sendOk(card, init2.creditApdu)
    await w.ok('load.confirm', { loadId: second.load.loadId, source: 'credit', response: tac }, w.zhang)
    expect(card.state).toMatchObject({ balance: 20_500, onlineSerial: 4 })
    expect(await w.loadTransfers()).toEqual([expect.objectContaining({ id: `load:${second.load.loadId}` })])
    await expectSoundLedger(w)
  })

  test('a modified phone: replayed init, faked GET BALANCE, forged MAC1, forged TAC: nothing settles, no second load', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 1_000, onlineSerial: 9 })
    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    const loadId = started.load.loadId
    connect(card)
    const firstInit = sendOk(card, started.initApdu)

    // an init whose MAC1 does not verify: the balance edited down by one fen
    const edited = (BigInt('0x' + firstInit.slice(0, 8)) - 1n).toString(16).padStart(8, '0').toUpperCase()
    expectError(
      await w.call('load.init', { loadId, response: edited + firstInit.slice(8) }, w.zhang),
      'LOAD_MAC1_INVALID',
    )
    const init = await w.ok('load.init', { loadId, response: firstInit }, w.zhang)
    // MAC2 is issued once: the same init again is a replay
    expectError(await w.call('load.init', { loadId, response: firstInit }, w.zhang), 'LOAD_WRONG_STATE')

    card.loseNextReply(0x52)
    expect(send(card, init.creditApdu)).toBe('lost') // really credited
    const before = await readAll(w.store, collections.loads)

    // 1. it replays the persisted init response, hoping for "not loaded"
    expectError(await w.call('load.recover', { loadId, response: firstInit }, w.zhang), 'LOAD_INIT_REPLAYED')
    // 2. it relays a faked GET BALANCE reply (the old balance): no MAC, no settlement
    connect(card)
    const fakedBalance = firstInit.slice(0, 8) + '9000'
    expectError(await w.call('load.recover', { loadId, response: fakedBalance }, w.zhang), 'INVALID_INPUT')
    // 3. a fresh init edited to show the old balance and serial: MAC1 fails
    const fresh = sendOk(card, started.initApdu)
    const forged = firstInit.slice(0, 12) + fresh.slice(12)
    expectError(await w.call('load.recover', { loadId, response: forged }, w.zhang), 'LOAD_MAC1_INVALID')
    // 4. a made-up TAC
    expectError(
      await w.call('load.confirm', { loadId, source: 'credit', response: '01020304' }, w.zhang),
      'LOAD_TAC_INVALID',
    )
    // and the card cannot be loaded again meanwhile
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_CARD_BUSY',
    )
    expect(await readAll(w.store, collections.loads)).toEqual(before)
    expect(await w.loadTransfers()).toHaveLength(0)

    // the honest recovery settles it once
    connect(card)
    const recovered = await w.ok(
      'load.recover',
      { loadId, response: sendOk(card, started.initApdu) },
      w.zhang,
    )
    expect(recovered.outcome).toBe('happened')
    const proof = sendOk(card, recovered.proofApdu!)
    await w.ok('load.confirm', { loadId, source: 'proof', response: proof }, w.zhang)
    expect(card.state.balance).toBe(21_000)
    expect(await w.loadTransfers()).toHaveLength(1)
    expect(await w.loaded()).toBe(20_000)
    expect(await w.unloaded()).toBe(0)
  })

  test('a credit from another terminal is not taken for ours: uncertain, the card stays locked', async () => {
    const w = await suite.makeWorld(adapter)
    const outlet = SoftwareKeyService.fromMasterKeys(w.master)
    const card = w.chip({ balance: 0, onlineSerial: 5 })
    /** An outlet elsewhere loads the card with its own terminal (the issuer's other channel). */
    const outletLoad = async (amount: number) => {
      connect(card)
      const reply = sendOk(card, `805000020B01${amount.toString(16).padStart(8, '0')}33010000999910`)
      const onlineSerial = parseInt(reply.slice(8, 12), 16)
      const mac2 = await outlet.issueMac2({
        cardNo: w.stored.card.cardNo,
        keyVersion: 2,
        algorithmId: 0,
        random: reply.slice(16, 24),
        onlineSerial,
        amount,
        terminal: '330100009999',
        transactionType: 2,
        date: '20261130',
        time: '093000',
      })
      sendOk(card, `805200000B20261130093000${mac2}04`)
    }

    // our load is initialized, the phone vanishes, the outlet loads 1 fen: neither N0 nor N0+1 with B0+amount
    const a = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    await w.ok('load.init', { loadId: a.load.loadId, response: sendOk(card, a.initApdu) }, w.zhang)
    await outletLoad(1)
    connect(card)
    const uncertain = await w.ok(
      'load.recover',
      { loadId: a.load.loadId, response: sendOk(card, a.initApdu) },
      w.zhang,
    )
    expect(uncertain).toMatchObject({ outcome: 'uncertain', load: { state: 'uncertain' } })
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_CARD_BUSY',
    )
    expect(await w.loadTransfers()).toHaveLength(0)
  })

  test('same serial step and amount from another terminal: "happened" by numbers, refused by the TAC', async () => {
    const w = await suite.makeWorld(adapter)
    const outlet = SoftwareKeyService.fromMasterKeys(w.master)
    const card = w.chip({ balance: 0, onlineSerial: 5 })
    const a = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    await w.ok('load.init', { loadId: a.load.loadId, response: sendOk(card, a.initApdu) }, w.zhang)
    // the outlet loads exactly our amount: serial N0+1 and balance B0+amount, yet not our MAC2
    connect(card)
    const reply = sendOk(card, '805000020B0100004E2033010000999910')
    const mac2 = await outlet.issueMac2({
      cardNo: w.stored.card.cardNo,
      keyVersion: 2,
      algorithmId: 0,
      random: reply.slice(16, 24),
      onlineSerial: 5,
      amount: 20_000,
      terminal: '330100009999',
      transactionType: 2,
      date: '20261130',
      time: '093000',
    })
    sendOk(card, `805200000B20261130093000${mac2}04`)

    connect(card)
    const recovered = await w.ok(
      'load.recover',
      { loadId: a.load.loadId, response: sendOk(card, a.initApdu) },
      w.zhang,
    )
    expect(recovered.outcome).toBe('happened')
    const proof = sendOk(card, recovered.proofApdu!)
    expectError(
      await w.call('load.confirm', { loadId: a.load.loadId, source: 'proof', response: proof }, w.zhang),
      'LOAD_TAC_INVALID',
    )
    expect(await w.loadTransfers()).toHaveLength(0)
    expect(await w.unloaded()).toBe(20_000)
  })

  test('an init contradicting the last authenticated serial is flagged and refused', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip({ balance: 0, onlineSerial: 20 })
    const first = await w.ok('load.start', { key: key(), cardId: w.stored.card.id, amount: 100 }, w.zhang)
    connect(card)
    const init = await w.ok(
      'load.init',
      { loadId: first.load.loadId, response: sendOk(card, first.initApdu) },
      w.zhang,
    )
    await w.ok(
      'load.confirm',
      { loadId: first.load.loadId, source: 'credit', response: sendOk(card, init.creditApdu) },
      w.zhang,
    )

    // a card of the same number answering from an older state (serial 20 < 21)
    const older = w.chip({ balance: 0, onlineSerial: 20 })
    const second = await w.ok('load.start', { key: key(), cardId: w.stored.card.id, amount: 100 }, w.zhang)
    connect(older)
    expectError(
      await w.call(
        'load.init',
        { loadId: second.load.loadId, response: sendOk(older, second.initApdu) },
        w.zhang,
      ),
      'LOAD_SERIAL_CONTRADICTION',
    )
    const state = await w.store.get<CardLoadStateDoc & Doc>(collections.cardLoadStates, w.stored.card.id)
    expect(state?.flags).toEqual([
      expect.objectContaining({
        loadId: second.load.loadId,
        reading: expect.objectContaining({ onlineSerial: 20 }),
      }),
    ])
    expect((await w.store.get<LoadDoc & Doc>(collections.loads, second.load.loadId))?.state).toBe('created')
  })

  test('concurrent starts on one card: one load, the other refused as busy', async () => {
    const w = await suite.makeWorld(adapter)
    const results = await Promise.all(
      [key(), key(), key()].map((k) => w.call('load.start', { key: k, cardId: w.stored.card.id }, w.zhang)),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    for (const r of results.filter((r) => !r.ok)) expectError(r, 'LOAD_CARD_BUSY')
    expect(await readAll(w.store, collections.loads)).toHaveLength(1)
    // and later starts too, while that load holds the card
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_CARD_BUSY',
    )
  })

  test('a verified TAC the unloaded funds no longer cover is held as uncertain, the ledger untouched', async () => {
    const w = await suite.makeWorld(adapter)
    const card = w.chip()
    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    connect(card)
    const init = await w.ok(
      'load.init',
      { loadId: started.load.loadId, response: sendOk(card, started.initApdu) },
      w.zhang,
    )
    // something outside the saga takes the card's unloaded funds meanwhile (nothing does today)
    await w.store.transaction((tx) =>
      postTransfers(
        tx,
        [
          {
            id: 'test-drain',
            debit: { kind: 'cardUnloaded', cardId: w.stored.card.id },
            credit: { kind: 'userFunds', accountId: ZHANG },
            amount: fen(1),
            reason: 'allocation',
            ref: 'test-drain',
          },
        ],
        w.clock.now(),
      ),
    )
    const tac = sendOk(card, init.creditApdu)
    const held = await w.ok(
      'load.confirm',
      { loadId: started.load.loadId, source: 'credit', response: tac },
      w.zhang,
    )
    expect(held.load.state).toBe('uncertain')
    expect(await w.loadTransfers()).toHaveLength(0)
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_CARD_BUSY',
    )
  })

  test('without a key service loads are unavailable, and nothing starts', async () => {
    const w = await suite.makeWorld(adapter, { keys: false })
    expectError(
      await w.call('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang),
      'LOAD_UNAVAILABLE',
    )
    expect(await readAll(w.store, collections.loads)).toEqual([])
  })

  test('the same key answers the same load; another request under it is refused', async () => {
    const w = await suite.makeWorld(adapter)
    const k = key()
    const a = await w.ok('load.start', { key: k, cardId: w.stored.card.id }, w.zhang)
    const b = await w.ok('load.start', { key: k, cardId: w.stored.card.id }, w.zhang)
    expect(b.load.loadId).toBe(a.load.loadId)
    expectError(
      await w.call('load.start', { key: k, cardId: w.stored.card.id, amount: 100 }, w.zhang),
      'REQUEST_KEY_REUSED',
    )
  })

  test('refusals with nothing written: credit card, another account’s card, a wrong card in the reader', async () => {
    const w = await suite.makeWorld(adapter)
    const credit = await cardOf(w.store, ZHANG, 'credit')
    expectError(
      await w.call('load.start', { key: key(), cardId: credit.card.id }, w.zhang),
      'LOAD_CARD_NOT_STORED_VALUE',
    )
    const foreign = await cardOf(w.store, OUYANG, 'stored')
    expectError(
      await w.call('load.start', { key: key(), cardId: foreign.card.id }, w.zhang),
      'LOAD_NOT_YOUR_CARD',
    )
    expect(await readAll(w.store, collections.loads)).toEqual([])
    expect(await readAll(w.store, collections.cardLoadStates)).toEqual([])

    // the reader holds another card: named as such, or failing MAC1 (keys diversified by card number)
    const started = await w.ok('load.start', { key: key(), cardId: w.stored.card.id }, w.zhang)
    const other = w.chip({ cardNo: foreign.card.cardNo })
    connect(other)
    const reply = sendOk(other, started.initApdu)
    expectError(
      await w.call(
        'load.init',
        { loadId: started.load.loadId, response: reply, cardNo: foreign.card.cardNo },
        w.zhang,
      ),
      'LOAD_WRONG_CARD',
    )
    expectError(
      await w.call('load.init', { loadId: started.load.loadId, response: reply }, w.zhang),
      'LOAD_MAC1_INVALID',
    )
    // another account cannot see or drive the load
    const ouyang = await w.as(OUYANG)
    expectError(await w.call('load.status', { loadId: started.load.loadId }, ouyang), 'NOT_FOUND')
    const loads = await readAll<LoadDoc & Doc>(w.store, collections.loads)
    expect(loads.map((l) => l.state)).toEqual(['created'])
  })
})
