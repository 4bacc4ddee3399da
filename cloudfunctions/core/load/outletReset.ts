import { formatYuan } from '../../../types/money'
import { outletRecordStateLabels } from '../../../types/outletRules'
import { collections, type AuditLogDoc } from '../documents'
import type { AuthenticatedReading, CardLoadStateDoc, LoadDoc } from './loadDocuments'
import { LoadError } from './loadErrors'
import { OutletError, provenLoaded, recordState, resettable } from './outletRecords'
import {
  authenticate,
  cardStateOf,
  checkReading,
  contradiction,
  ownLoad,
  readingVerdict,
  wrongState,
  type LoadDeps,
} from './saga'

/**
 * 已圈存 → 未圈存 at an outlet (seed 003), on the card's own word only. The operator's handset sends
 * the record's INITIALIZE FOR LOAD (same amount and terminal) and relays the reply: its MAC1 must
 * verify and its random be new for the card, and it must show the serial N0 and balance B0 the
 * load was issued at — then the card provably never took this load's MAC2 (every credit moves the
 * serial) and the record closes not_loaded, its amount still in the card's unloaded funds, ready to
 * load again. A record the TAC proved is refused before any reading; a reading that shows the
 * credit, or anything else, is refused and kept (the load becomes uncertain as recovery would make
 * it). Every attempt that reached the card is audited, refused ones included.
 */

/** Who is asking, as the audit log records it (hashes made by the api layer). */
export type ResetAuditStamp = Pick<AuditLogDoc, 'principalHash' | 'sessionHash' | 'via' | 'requestId'> & {
  operatorId: string
}

export interface ResetArgs {
  outletId: string
  loadId: string
  response: string
  audit: ResetAuditStamp
}

type Outcome =
  | { kind: 'reset'; load: LoadDoc }
  | { kind: 'happened'; reading: AuthenticatedReading }
  | { kind: 'uncertain'; reading: AuthenticatedReading }
  | { kind: 'flagged' }

type Scalars = AuditLogDoc['before']

function recordFacts(load: LoadDoc): Scalars {
  return {
    state: outletRecordStateLabels[recordState(load)],
    loadState: load.state,
    amount: load.amount,
    balanceBefore: load.init?.balance ?? null,
    onlineSerialBefore: load.init?.onlineSerial ?? null,
  }
}

export async function resetOutletLoad(
  deps: LoadDeps,
  args: ResetArgs,
): Promise<{ load: LoadDoc; reading: AuthenticatedReading }> {
  const { store, keys, now } = deps
  const found = await store.get<LoadDoc & Record<string, unknown>>(collections.loads, args.loadId)
  if (!found || (found.outletId ?? null) !== args.outletId)
    throw new LoadError('LOAD_NOT_FOUND', '圈存记录不存在')
  const before = await ownLoad(store, found.accountId, args.loadId, args.outletId)
  if (provenLoaded(before))
    throw new OutletError('RESET_PROVEN', '该笔圈存已由卡片交易认证码（TAC）确认写入卡片，不能改为未圈存')
  if (!resettable(before) || !before.init) throw new OutletError('NOT_LOADED', '该充值记录已是未圈存状态')
  const init = before.init
  const reading = await authenticate(keys, before, args.response, now)
  const verdict = readingVerdict(init, before.amount, reading)

  const outcome = await store.transaction<Outcome>(async (tx) => {
    const load = await ownLoad(tx, before.accountId, args.loadId, args.outletId)
    if (load.state !== before.state || load.init?.random !== init.random || provenLoaded(load))
      throw wrongState()
    const check = checkReading(await cardStateOf(tx, load.cardId, now), reading, load.id, now)
    let next: LoadDoc = load
    let cardState: CardLoadStateDoc
    let result: Outcome
    if (!check.ok) {
      cardState = check.flagged
      result = { kind: 'flagged' }
    } else if (verdict === 'not_happened') {
      next = {
        ...load,
        state: 'not_loaded',
        recovery: { reading, verdict },
        uncertainReason: null,
        reset: { operatorId: args.audit.operatorId, outletId: args.outletId, at: now.toISOString() },
        updatedAt: now.toISOString(),
      }
      cardState = {
        ...check.state,
        activeLoadId: check.state.activeLoadId === load.id ? null : check.state.activeLoadId,
      }
      result = { kind: 'reset', load: next }
    } else {
      // as recovery would: a shown credit waits for its TAC, anything else is for reconciliation
      next = {
        ...load,
        state: verdict === 'happened' ? load.state : 'uncertain',
        recovery: { reading, verdict },
        uncertainReason:
          verdict === 'uncertain'
            ? `outlet reset reading shows serial ${reading.onlineSerial} balance ${reading.balance}; ` +
              `issued at serial ${init.onlineSerial} balance ${init.balance} for ${load.amount}`
            : load.uncertainReason,
        updatedAt: now.toISOString(),
      }
      cardState = check.state
      result = verdict === 'happened' ? { kind: 'happened', reading } : { kind: 'uncertain', reading }
    }
    if (next !== load) await tx.set(collections.loads, load.id, { ...next })
    await tx.set(collections.cardLoadStates, load.cardId, { ...cardState })
    const audit: AuditLogDoc = {
      id: `outlet-reset:${load.id}:${reading.random}`,
      action: 'outlet.records.reset',
      accountId: load.accountId,
      principalHash: args.audit.principalHash,
      sessionHash: args.audit.sessionHash,
      via: args.audit.via,
      requestId: args.audit.requestId,
      operatorId: args.audit.operatorId,
      at: now.toISOString(),
      target: { collection: collections.loads, id: load.id },
      before: recordFacts(load),
      after: {
        ...recordFacts(next),
        outletId: args.outletId,
        outcome: result.kind,
        readingBalance: reading.balance,
        readingOnlineSerial: reading.onlineSerial,
        readingRandom: reading.random,
        readingMac1: reading.mac1,
      },
      changed: result.kind === 'reset',
    }
    await tx.set(collections.auditLog, audit.id, { ...audit })
    return result
  })

  if (outcome.kind === 'flagged') throw contradiction()
  if (outcome.kind === 'happened')
    throw new OutletError(
      'RESET_REFUSED',
      `读卡显示该笔圈存已写入卡片（卡内余额 ${formatYuan(reading.balance)} 元），不能改为未圈存`,
    )
  if (outcome.kind === 'uncertain')
    throw new OutletError(
      'RESET_REFUSED',
      `卡内余额 ${formatYuan(reading.balance)} 元与该笔圈存不符，不能改为未圈存，已转人工核查`,
    )
  return { load: outcome.load, reading }
}
