/**
 * A Store that crashes where the simulation tells it to: the process dies at the Nth write of an
 * operation, either before that write (nothing of it, nor of its transaction, is durable) or
 * after the commit that carries it (everything is durable, but the caller never hears so: the
 * "crashed after commit, answer lost" case). Reads pass through untouched.
 *
 * Writes are counted per operation (`arm` resets the count): `tx.set/update/remove` inside a
 * transaction and `set/update/remove` outside one. A transaction whose Nth write is flagged
 * 'afterCommit' commits first and then throws, exactly as a function that dies between the
 * database's acknowledgement and its own answer.
 */
import type { Doc, Query, QueryPage, Condition, Store, TxStore } from '../../cloudfunctions/ports/store'

export type CrashMode = 'beforeWrite' | 'afterCommit'

/** Where the next operation dies: at its `at`-th write (1-based). */
export interface CrashPlan {
  at: number
  mode: CrashMode
}

/** The process died here: nothing the caller can tell apart from a real crash. */
export class InjectedCrash extends Error {
  constructor(
    readonly mode: CrashMode,
    readonly where: string,
  ) {
    super(`injected crash ${mode} at ${where}`)
    this.name = 'InjectedCrash'
  }
}

export interface FaultyStore extends Store {
  /** Arms a crash for the operation that follows (null: none); resets the write count. */
  arm(plan: CrashPlan | null): void
  /** The crash that fired since the last `arm`, if any. */
  readonly fired: InjectedCrash | null
  /** Writes counted since the last `arm`. */
  readonly writes: number
}

export function faultInjecting(inner: Store): FaultyStore {
  let plan: CrashPlan | null = null
  let writes = 0
  let fired: InjectedCrash | null = null

  /** Counts one write; answers what the plan says to do with it. */
  const count = (): CrashMode | null => {
    writes += 1
    if (!plan || fired || writes !== plan.at) return null
    return plan.mode
  }
  const crash = (mode: CrashMode, where: string): InjectedCrash => {
    fired = new InjectedCrash(mode, where)
    return fired
  }

  /** A write outside any transaction: its own commit. */
  async function direct(where: string, write: () => Promise<void>): Promise<void> {
    const mode = count()
    if (mode === 'beforeWrite') throw crash(mode, where)
    await write()
    if (mode === 'afterCommit') throw crash(mode, where)
  }

  async function transaction<R>(fn: (tx: TxStore) => Promise<R>): Promise<R> {
    let crashAfterCommit: string | null = null
    const result = await inner.transaction((tx) => {
      const write = async (where: string, run: () => Promise<void>) => {
        const mode = count()
        if (mode === 'beforeWrite') throw crash(mode, `${where} in a transaction`)
        if (mode === 'afterCommit') crashAfterCommit = `commit of the transaction writing ${where}`
        await run()
      }
      const wrapped: TxStore = {
        get: <T extends Doc>(collection: string, id: string) => tx.get<T>(collection, id),
        set: (collection, id, doc) => write(`${collection}/${id}`, () => tx.set(collection, id, doc)),
        update: (collection, id, patch) =>
          write(`${collection}/${id}`, () => tx.update(collection, id, patch)),
        remove: (collection, id) => write(`${collection}/${id}`, () => tx.remove(collection, id)),
      }
      return fn(wrapped)
    })
    if (crashAfterCommit) throw crash('afterCommit', crashAfterCommit)
    return result
  }

  return {
    arm(next) {
      plan = next
      writes = 0
      fired = null
    },
    get fired() {
      return fired
    },
    get writes() {
      return writes
    },
    get: <T extends Doc>(collection: string, id: string) => inner.get<T>(collection, id),
    set: (collection, id, doc) => direct(`${collection}/${id}`, () => inner.set(collection, id, doc)),
    update: (collection, id, patch) =>
      direct(`${collection}/${id}`, () => inner.update(collection, id, patch)),
    remove: (collection, id) => direct(`${collection}/${id}`, () => inner.remove(collection, id)),
    query: <T extends Doc>(collection: string, query: Query): Promise<QueryPage<T>> =>
      inner.query<T>(collection, query),
    count: (collection: string, where?: Condition[]) => inner.count(collection, where),
    transaction,
  }
}
