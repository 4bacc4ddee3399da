import type { OutletRecordState } from '../../../types/actions/outlet'
import { shanghaiDay } from '../businessTime'
import type { LoadDoc } from './loadDocuments'

/**
 * How an outlet's load reads as a 充值记录 (seeds 002/003), and what the operator may do with it.
 *
 * 已圈存 means "the card may hold this money": the TAC confirmed it (`proven`), or a MAC2 was issued
 * and nothing has settled it yet (initialized, uncertain). Only the latter is "marked loaded
 * without card proof" — the saga never marks a load loaded on the phone's word — so only it can
 * be reset, and only by an authenticated reading showing the load did not happen. 未圈存 means the
 * card provably does not hold it: no MAC2 was ever issued (created, expired) or an authenticated
 * reading closed it (not_loaded); its amount is still in the card's unloaded funds.
 */

export class OutletError extends Error {
  constructor(
    readonly code: 'RESET_PROVEN' | 'RESET_REFUSED' | 'NOT_LOADED' | 'RELOAD_EXPIRED' | 'NO_OUTLET',
    message: string,
  ) {
    super(message)
    this.name = 'OutletError'
  }
}

export function recordState(load: LoadDoc): OutletRecordState {
  return load.state === 'confirmed' || load.state === 'initialized' || load.state === 'uncertain'
    ? 'loaded'
    : 'not_loaded'
}

/** The card's TAC verified this load (confirmed, or verified but left for reconciliation). */
export function provenLoaded(load: LoadDoc): boolean {
  return load.state === 'confirmed' || Boolean(load.verifiedTac)
}

export function resettable(load: LoadDoc): boolean {
  return recordState(load) === 'loaded' && !provenLoaded(load) && load.init !== null
}

/** Seed 002: a write failure is loaded again at the outlet the same (Shanghai) day. */
export function sameDay(load: LoadDoc, now: Date): boolean {
  return shanghaiDay(new Date(load.createdAt)) === shanghaiDay(now)
}

export function reloadable(load: LoadDoc, now: Date): boolean {
  return (load.state === 'not_loaded' || load.state === 'expired') && !load.reloadedBy && sameDay(load, now)
}
