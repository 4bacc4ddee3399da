/**
 * An in-process stand-in for CloudBase's database service, answering the requests that the
 * real wx-server-sdk → @cloudbase/node-sdk → @cloudbase/database code sends (install.ts puts
 * it under the SDK's request function; nothing above that is replaced).
 *
 * The wire protocol is not publicly specified. Each behaviour is tagged with where it comes
 * from:
 *   [docs]    CloudBase's documentation
 *   [sdk]     read from the installed SDK source (what it sends, what it expects back)
 *   [assumed] our best guess; a real environment may differ (README and the issue note list these)
 *
 * Matching and sorting use mingo (MongoDB's query language for in-memory objects), never the
 * SQLite adapter's code, so the differential test compares two independent implementations.
 *
 * Behaviours:
 * - [sdk] actions: database.getDocument, calculateDocument, modifyDocument, removeDocument,
 *   insertDocument, addCollection, startTransaction, commitTransaction, abortTransaction;
 *   queries, orders and data arrive as canonical Extended JSON strings and documents go back
 *   the same way in `data.list`.
 * - [sdk] errors are `{ code, message, requestId }` with the string codes the SDK maps
 *   (DATABASE_COLLECTION_NOT_EXIST, DATABASE_TRANSACTION_CONFLICT, ...).
 * - [docs] a collection must be created before use; the first write does not create it.
 * - [sdk] the SDK caps `limit` at 1000 and sends 100 when none is given; [assumed] the server
 *   caps at 1000 too.
 * - [docs] null and a missing field are equal in queries; sort order is MongoDB's (null and
 *   missing first, then numbers, strings, booleans), ties in the order given by the request.
 * - [docs] transactions allow doc-level reads and writes only; [assumed] a query inside a
 *   transaction is refused with DATABASE_REQUEST_FAILED.
 * - [docs] transactions read a snapshot taken at start (plus their own writes).
 * - [assumed] conflicts: two transactions that write the same document, or a transaction that
 *   writes a document changed after its snapshot, conflict. `conflictMode: 'write'` reports it
 *   on the write call (MongoDB's WriteConflict), `'commit'` only at commit; both abort the
 *   transaction, and any later call on it answers DATABASE_TRANSACTION_FAIL [assumed].
 * - [assumed] creating an existing collection answers DATABASE_COLLECTION_ALREADY_EXIST.
 */
import { EJSON, BSONRegExp } from 'bson'
import { Query } from 'mingo'
import { randomUUID } from 'node:crypto'
import type { StorageApiHandler } from './storage'

export type ConflictMode = 'write' | 'commit'

export type EmulatorDoc = { readonly [key: string]: unknown }

export interface EmulatorResponse {
  requestId: string
  code?: string
  message?: string
  [key: string]: unknown
}

export interface EmulatorIndex {
  name: string
  keys: Array<{ field: string; direction: 'asc' | 'desc' }>
  unique: boolean
}

interface Version {
  seq: number
  doc: EmulatorDoc | null
}

interface Txn {
  id: string
  startSeq: number
  state: 'active' | 'aborted' | 'committed'
  writes: Map<string, { collection: string; id: string; doc: EmulatorDoc | null }>
}

interface Collection {
  docs: Map<string, Version[]>
  indexes: EmulatorIndex[]
}

class EmulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const maxServerLimit = 1000

/**
 * Answers the SDK's `wx.wxPayApi` requests (cloud.cloudPay): a Buffer is WeChat's answer, an
 * object with `code` a CloudBase error. cloudPay.ts implements it; install.ts routes to it.
 */
export interface WxPayApiHandler {
  handle(params: Record<string, unknown>): Promise<Buffer | EmulatorResponse>
}

export interface EmulatorStats {
  requests: number
  byAction: Record<string, number>
  conflicts: number
}

export class CloudbaseEmulator {
  readonly envId: string
  conflictMode: ConflictMode
  /** Added to every request, so a benchmark can see what round trips cost. */
  latencyMs: number
  stats: EmulatorStats = { requests: 0, byAction: {}, conflicts: 0 }
  /** The environment's WeChat Pay merchant, when a test gives it one (cloudPay.ts). */
  cloudPay?: WxPayApiHandler
  /** The environment's cloud storage, when a test gives it one (storage.ts). */
  storage?: StorageApiHandler
  private collections = new Map<string, Collection>()
  private txns = new Map<string, Txn>()
  private seq = 0
  private faults: Array<{ action: string; code: string; message: string }> = []

  constructor(options: { envId?: string; conflictMode?: ConflictMode; latencyMs?: number } = {}) {
    this.envId = options.envId ?? `emulator-${randomUUID().slice(0, 8)}`
    this.conflictMode = options.conflictMode ?? 'write'
    this.latencyMs = options.latencyMs ?? 0
  }

  // ---- administration (what provisioning and tests do outside the SDK) ----

  createCollection(name: string): boolean {
    if (this.collections.has(name)) return false
    this.collections.set(name, {
      docs: new Map(),
      indexes: [{ name: '_id_', keys: [{ field: '_id', direction: 'asc' }], unique: true }],
    })
    return true
  }

  dropCollection(name: string): boolean {
    return this.collections.delete(name)
  }

  collectionNames(): string[] {
    return [...this.collections.keys()].sort()
  }

  indexes(name: string): EmulatorIndex[] {
    return this.mustCollection(name).indexes.map((i) => ({ ...i, keys: [...i.keys] }))
  }

  createIndex(name: string, index: EmulatorIndex): void {
    const collection = this.mustCollection(name)
    if (!collection.indexes.some((i) => i.name === index.name)) collection.indexes.push(index)
  }

  /**
   * Replaces the contents of the named collections (creating them) without going through the
   * SDK: seeding from a snapshot is what keeps `npm test` fast. Documents carry their `id`,
   * which becomes `_id`. They are frozen and shared, never copied: the emulator only ever
   * replaces whole documents.
   */
  load(snapshot: Record<string, readonly EmulatorDoc[]>): void {
    for (const [name, docs] of Object.entries(snapshot)) {
      this.createCollection(name)
      const collection = this.mustCollection(name)
      collection.docs = new Map()
      for (const doc of docs) {
        const id = String(doc._id ?? doc.id)
        const stored = doc._id === id ? doc : Object.freeze({ ...doc, _id: id })
        collection.docs.set(id, [{ seq: this.seq, doc: stored }])
      }
    }
  }

  /** Every live document of a collection, as stored (with `_id`). */
  documents(name: string): EmulatorDoc[] {
    const out: EmulatorDoc[] = []
    for (const versions of this.mustCollection(name).docs.values()) {
      const doc = versions[versions.length - 1].doc
      if (doc) out.push(doc)
    }
    return out
  }

  /** The next request for `action` answers this error instead (fault injection for tests). */
  failNext(action: string, code: string, message = code): void {
    this.faults.push({ action, code, message })
  }

  resetStats(): void {
    this.stats = { requests: 0, byAction: {}, conflicts: 0 }
  }

  // ---- the wire ----

  async handle(params: Record<string, unknown>): Promise<EmulatorResponse> {
    const action = String(params.action ?? '')
    this.stats.requests += 1
    this.stats.byAction[action] = (this.stats.byAction[action] ?? 0) + 1
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs))
    const requestId = randomUUID()
    const fault = this.faults.findIndex((f) => f.action === action)
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1)
      return { requestId, code: f.code, message: f.message }
    }
    try {
      return { requestId, ...this.dispatch(action, params) }
    } catch (error) {
      if (error instanceof EmulatorError) {
        if (error.code === 'DATABASE_TRANSACTION_CONFLICT') this.stats.conflicts += 1
        return { requestId, code: error.code, message: error.message }
      }
      throw error
    }
  }

  private dispatch(action: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (action) {
      case 'database.addCollection': {
        const name = String(p.collectionName ?? '')
        if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
          throw new EmulatorError('INVALID_PARAM', 'invalid collection name')
        if (!this.createCollection(name))
          throw new EmulatorError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`)
        return {}
      }
      case 'database.startTransaction': {
        const txn: Txn = { id: randomUUID(), startSeq: this.seq, state: 'active', writes: new Map() }
        this.txns.set(txn.id, txn)
        return { transactionId: txn.id }
      }
      case 'database.commitTransaction':
        return this.commit(this.activeTxn(p))
      case 'database.abortTransaction': {
        const txn = this.txns.get(String(p.transactionId))
        if (txn && txn.state === 'active') txn.state = 'aborted'
        this.txns.delete(String(p.transactionId))
        return {}
      }
      case 'database.getDocument':
        return this.getDocument(p)
      case 'database.calculateDocument': {
        const name = this.collectionName(p)
        this.refuseInTransaction(p)
        return { data: { total: this.match(name, p.query).length } }
      }
      case 'database.modifyDocument':
        return this.modifyDocument(p)
      case 'database.removeDocument':
        return this.removeDocument(p)
      case 'database.insertDocument':
        return this.insertDocument(p)
      default:
        throw new EmulatorError('INVALID_PARAM', `the emulator does not implement ${action}`)
    }
  }

  private getDocument(p: Record<string, unknown>): Record<string, unknown> {
    const name = this.collectionName(p)
    const txn = p.transactionId === undefined ? null : this.activeTxn(p)
    if (p.queryType === 'DOC') {
      const id = this.docId(p)
      const doc = txn ? this.readInTxn(txn, name, id) : this.latest(name, id)
      return { data: { list: doc ? [toEjson(doc)] : [], limit: 1, offset: 0 } }
    }
    this.refuseInTransaction(p)
    const limit = p.limit === undefined ? 100 : Number(p.limit)
    const offset = p.offset === undefined ? 0 : Number(p.offset)
    if (!Number.isInteger(limit) || limit < 1)
      throw new EmulatorError('INVALID_PARAM', 'limit must be a positive integer')
    const order = p.order === undefined ? null : (parseEjson(p.order) as Record<string, number>)
    let cursor = new Query(this.criteria(p.query)).find(this.documents(name) as object[])
    if (order) cursor = cursor.sort(order)
    const list = cursor.skip(offset).limit(Math.min(limit, maxServerLimit)).all()
    return {
      data: { list: list.map((doc) => toEjson(doc as EmulatorDoc)), limit, offset },
    }
  }

  private modifyDocument(p: Record<string, unknown>): Record<string, unknown> {
    const name = this.collectionName(p)
    if (p.queryType !== 'DOC' || p.multi === true)
      throw new EmulatorError('INVALID_PARAM', 'the emulator updates single documents by _id only')
    const id = this.docId(p)
    const txn = p.transactionId === undefined ? null : this.activeTxn(p)
    const current = txn ? this.readInTxn(txn, name, id) : this.latest(name, id)
    const data = parseEjson(p.data) as Record<string, unknown>
    let next: EmulatorDoc
    if (p.merge === true) {
      if (!current) {
        if (p.upsert !== true) return { data: { updated: 0 } }
      }
      const target = structuredClone({ ...(current ?? {}), _id: id }) as Record<string, unknown>
      const hasOperators = Object.keys(data).some((k) => k.startsWith('$'))
      if (hasOperators) applyUpdate(target, data)
      else Object.assign(target, data)
      next = Object.freeze(target)
    } else {
      next = Object.freeze({ ...data, _id: id })
    }
    this.write(txn, name, id, next)
    return { data: current ? { updated: 1 } : { updated: 0, upsert_id: id } }
  }

  private removeDocument(p: Record<string, unknown>): Record<string, unknown> {
    const name = this.collectionName(p)
    if (p.queryType !== 'DOC')
      throw new EmulatorError('INVALID_PARAM', 'the emulator removes single documents by _id only')
    const id = this.docId(p)
    const txn = p.transactionId === undefined ? null : this.activeTxn(p)
    const current = txn ? this.readInTxn(txn, name, id) : this.latest(name, id)
    if (current) this.write(txn, name, id, null)
    return { data: { deleted: current ? 1 : 0 } }
  }

  private insertDocument(p: Record<string, unknown>): Record<string, unknown> {
    const name = this.collectionName(p)
    const txn = p.transactionId === undefined ? null : this.activeTxn(p)
    const raw = Array.isArray(p.data) ? p.data : [p.data]
    const ids: string[] = []
    for (const item of raw) {
      const doc = parseEjson(item) as Record<string, unknown>
      const id = typeof doc._id === 'string' ? doc._id : randomUUID().replace(/-/g, '')
      if (txn ? this.readInTxn(txn, name, id) : this.latest(name, id))
        throw new EmulatorError('DATABASE_REQUEST_FAILED', `duplicate key _id ${id}`)
      this.write(txn, name, id, Object.freeze({ ...doc, _id: id }))
      ids.push(id)
    }
    return { data: { insertedIds: ids } }
  }

  // ---- storage and transactions ----

  private write(txn: Txn | null, name: string, id: string, doc: EmulatorDoc | null): void {
    const key = keyOf(name, id)
    if (!txn) {
      this.append(name, id, doc)
      return
    }
    if (this.conflictMode === 'write') {
      const pendingElsewhere = [...this.txns.values()].some(
        (other) => other !== txn && other.state === 'active' && other.writes.has(key),
      )
      if (pendingElsewhere || this.changedSince(name, id, txn.startSeq)) this.conflict(txn)
    }
    txn.writes.set(key, { collection: name, id, doc })
  }

  private commit(txn: Txn): Record<string, unknown> {
    for (const w of txn.writes.values()) {
      if (!this.collections.has(w.collection))
        throw new EmulatorError('DATABASE_COLLECTION_NOT_EXIST', 'database collection not exists')
      if (this.changedSince(w.collection, w.id, txn.startSeq)) this.conflict(txn)
    }
    for (const w of txn.writes.values()) this.append(w.collection, w.id, w.doc)
    txn.state = 'committed'
    this.txns.delete(txn.id)
    this.prune()
    return {}
  }

  private conflict(txn: Txn): never {
    txn.state = 'aborted'
    throw new EmulatorError(
      'DATABASE_TRANSACTION_CONFLICT',
      '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe in other transaction or out of transaction.',
    )
  }

  private append(name: string, id: string, doc: EmulatorDoc | null): void {
    const collection = this.mustCollection(name)
    this.seq += 1
    const versions = collection.docs.get(id) ?? []
    versions.push({ seq: this.seq, doc })
    collection.docs.set(id, versions)
  }

  private changedSince(name: string, id: string, seq: number): boolean {
    const versions = this.mustCollection(name).docs.get(id)
    return versions !== undefined && versions[versions.length - 1].seq > seq
  }

  private latest(name: string, id: string): EmulatorDoc | null {
    const versions = this.mustCollection(name).docs.get(id)
    return versions ? versions[versions.length - 1].doc : null
  }

  private readInTxn(txn: Txn, name: string, id: string): EmulatorDoc | null {
    const pending = txn.writes.get(keyOf(name, id))
    if (pending) return pending.doc
    const versions = this.mustCollection(name).docs.get(id)
    if (!versions) return null
    for (let i = versions.length - 1; i >= 0; i--) if (versions[i].seq <= txn.startSeq) return versions[i].doc
    return null
  }

  /** Keeps only the versions an open transaction's snapshot can still see. */
  private prune(): void {
    let oldest = this.seq
    for (const txn of this.txns.values()) oldest = Math.min(oldest, txn.startSeq)
    for (const collection of this.collections.values()) {
      for (const [id, versions] of collection.docs) {
        if (versions.length === 1) {
          if (versions[0].doc === null && versions[0].seq <= oldest) collection.docs.delete(id)
          continue
        }
        let keepFrom = 0
        for (let i = versions.length - 1; i >= 0; i--) {
          if (versions[i].seq <= oldest) {
            keepFrom = i
            break
          }
        }
        if (keepFrom > 0) collection.docs.set(id, versions.slice(keepFrom))
      }
    }
  }

  private activeTxn(p: Record<string, unknown>): Txn {
    const txn = this.txns.get(String(p.transactionId))
    if (!txn || txn.state !== 'active')
      throw new EmulatorError(
        'DATABASE_TRANSACTION_FAIL',
        'transaction is not active (aborted, committed or unknown)',
      )
    return txn
  }

  private refuseInTransaction(p: Record<string, unknown>): void {
    if (p.transactionId !== undefined)
      throw new EmulatorError('DATABASE_REQUEST_FAILED', 'queries are not supported inside a transaction')
  }

  private collectionName(p: Record<string, unknown>): string {
    const name = String(p.collectionName ?? '')
    if (!this.collections.has(name))
      throw new EmulatorError('DATABASE_COLLECTION_NOT_EXIST', 'database collection not exists')
    return name
  }

  private mustCollection(name: string): Collection {
    const collection = this.collections.get(name)
    if (!collection)
      throw new EmulatorError('DATABASE_COLLECTION_NOT_EXIST', 'database collection not exists')
    return collection
  }

  private docId(p: Record<string, unknown>): string {
    const query = parseEjson(p.query) as { _id?: unknown }
    if (typeof query._id !== 'string')
      throw new EmulatorError('INVALID_PARAM', 'a document operation needs _id')
    return query._id
  }

  private match(name: string, query: unknown): EmulatorDoc[] {
    return new Query(this.criteria(query)).find(this.documents(name) as object[]).all() as EmulatorDoc[]
  }

  private criteria(query: unknown): Record<string, unknown> {
    if (query === undefined || query === null || query === '') return {}
    return parseEjson(query) as Record<string, unknown>
  }
}

function toEjson(doc: EmulatorDoc): string {
  return EJSON.stringify(doc as Record<string, unknown>, { relaxed: false })
}

function keyOf(name: string, id: string): string {
  return `${name}\u0000${id}`
}

/** Extended JSON from the SDK, with BSON regular expressions made JavaScript ones for mingo. */
function parseEjson(value: unknown): unknown {
  const parsed: unknown = typeof value === 'string' ? EJSON.parse(value, { relaxed: true }) : value
  return toNative(parsed)
}

function toNative(value: unknown): unknown {
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, value.options.replace(/[^gimsuy]/g, ''))
  if (Array.isArray(value)) return value.map(toNative)
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = toNative(v)
    return out
  }
  return value
}

/** The update operators the SDK's `update` may send; [assumed] others are refused. */
function applyUpdate(target: Record<string, unknown>, update: Record<string, unknown>): void {
  for (const [op, fields] of Object.entries(update)) {
    if (!fields || typeof fields !== 'object') throw new EmulatorError('INVALID_PARAM', `bad ${op}`)
    for (const [path, value] of Object.entries(fields as Record<string, unknown>)) {
      const parts = path.split('.')
      let node = target
      for (const part of parts.slice(0, -1)) {
        if (!node[part] || typeof node[part] !== 'object') node[part] = {}
        node = node[part] as Record<string, unknown>
      }
      const leaf = parts[parts.length - 1]
      if (op === '$set') node[leaf] = value
      else if (op === '$unset') delete node[leaf]
      else if (op === '$inc') node[leaf] = Number(node[leaf] ?? 0) + Number(value)
      else throw new EmulatorError('INVALID_PARAM', `the emulator does not implement ${op}`)
    }
  }
}
