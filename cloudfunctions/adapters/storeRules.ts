import { StoreError, maxQueryLimit, type Doc, type Query, type Scalar } from '../ports/store'

/**
 * The port's rules that both adapters enforce the same way (ports/store.ts states them), so a
 * query or a document that one adapter accepts the other accepts too.
 */

const fieldPattern = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

export function checkField(field: string): string {
  if (!fieldPattern.test(field)) throw new StoreError('INVALID_QUERY', `invalid field name: ${field}`)
  return field
}

export function checkLimit(query: Query): number {
  const { limit } = query
  if (!Number.isInteger(limit) || limit < 1 || limit > maxQueryLimit) {
    throw new StoreError('INVALID_QUERY', `limit must be an integer from 1 to ${maxQueryLimit}`)
  }
  return limit
}

/** A cursor is the last row's sort value and id; the store never trusts it further than that. */
export function encodeCursor(value: Scalar, id: string): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): [Scalar, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
      const value: unknown = parsed[0]
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
        return [value as Scalar, parsed[1]]
    }
  } catch {
    // fall through: an undecodable cursor is the caller's mistake
  }
  throw new StoreError('INVALID_QUERY', 'invalid cursor')
}

/** The value a document holds at a dotted path; missing reads as null, as in queries. */
export function sortValueOf(doc: Doc, path: string): Scalar {
  let value: unknown = doc
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Doc)[part] : undefined
  }
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  throw new StoreError('INVALID_QUERY', `field ${path} holds a value that cannot be sorted on`)
}

/**
 * A copy of doc that is plain JSON, with undefined fields dropped; anything JSON cannot hold
 * (a Date, NaN, a class instance) is refused rather than silently converted differently by
 * each adapter.
 */
export function jsonDocument(doc: Doc, path = ''): Doc {
  const out: Doc = {}
  for (const [key, value] of Object.entries(doc)) {
    if (value === undefined) continue
    out[key] = jsonValue(value, path ? `${path}.${key}` : key)
  }
  return out
}

function jsonValue(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value
  } else if (Array.isArray(value)) {
    return value.map((item, i) => (item === undefined ? null : jsonValue(item, `${path}[${i}]`)))
  } else if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return jsonDocument(value as Doc, path)
  }
  const kind = value instanceof Date ? 'a Date' : typeof value === 'number' ? String(value) : typeof value
  throw new StoreError(
    'INVALID_DOCUMENT',
    `${path} holds ${kind}; documents are JSON (instants as ISO strings)`,
  )
}
