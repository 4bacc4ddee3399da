/**
 * Creates in a CloudBase environment every collection and index declared in
 * cloudfunctions/core/storeSchema.ts. CloudBase does not create a collection on first write and
 * wx-server-sdk has no index API, so this runs before deploying and after every schema change.
 * Idempotent: what exists (collections by name, indexes by name) is left as it is.
 */
import { storeSchema, type CollectionSpec, type IndexSpec } from '../../cloudfunctions/core/storeSchema'
import type { CollectionAdmin, ExistingIndex } from './collectionAdmin'

export interface ProvisionOptions {
  /** Prepended to every collection name (tests use one prefix per run). */
  prefix?: string
  /** One line per created collection or index, and per warning. */
  log?: (line: string) => void
}

export interface ProvisionReport {
  createdCollections: string[]
  createdIndexes: Array<{ collection: string; index: string }>
  /** Collections and indexes that already existed and were left as they are. */
  unchanged: number
}

/** Collection names: letters, digits, `_` and `-`, as CloudBase accepts them. */
const namePattern = /^[A-Za-z0-9_-]+$/

function checkSchema(schema: readonly CollectionSpec[], prefix: string): void {
  if (prefix && !namePattern.test(prefix)) throw new Error(`invalid collection prefix "${prefix}"`)
  const seen = new Set<string>()
  for (const spec of schema) {
    if (!namePattern.test(spec.name)) throw new Error(`invalid collection name "${spec.name}"`)
    if (seen.has(spec.name)) throw new Error(`collection "${spec.name}" is declared twice`)
    seen.add(spec.name)
    const indexNames = new Set<string>()
    for (const index of spec.indexes) {
      if (!index.name || index.name === '_id_') throw new Error(`invalid index name on ${spec.name}`)
      if (indexNames.has(index.name))
        throw new Error(`index "${index.name}" is declared twice on ${spec.name}`)
      if (index.fields.length === 0) throw new Error(`index "${index.name}" on ${spec.name} has no fields`)
      indexNames.add(index.name)
    }
  }
}

function describeKeys(keys: ReadonlyArray<{ field: string; direction: string }>, unique: boolean): string {
  return `${keys.map((k) => `${k.field} ${k.direction}`).join(', ')}${unique ? ' (unique)' : ''}`
}

function sameDefinition(existing: ExistingIndex, spec: IndexSpec): boolean {
  return (
    existing.unique === (spec.unique ?? false) &&
    existing.keys.length === spec.fields.length &&
    existing.keys.every(
      (k, i) => k.field === spec.fields[i].field && k.direction === spec.fields[i].direction,
    )
  )
}

export async function provisionCollections(
  admin: CollectionAdmin,
  schema: readonly CollectionSpec[] = storeSchema,
  options: ProvisionOptions = {},
): Promise<ProvisionReport> {
  const prefix = options.prefix ?? ''
  const log = options.log ?? (() => {})
  checkSchema(schema, prefix)
  const report: ProvisionReport = { createdCollections: [], createdIndexes: [], unchanged: 0 }
  const existing = new Set(await admin.listCollections())

  for (const spec of schema) {
    const collection = prefix + spec.name
    if (existing.has(collection)) {
      report.unchanged++
    } else {
      await admin.createCollection(collection)
      report.createdCollections.push(collection)
      log(`created collection ${collection}`)
    }
    if (spec.indexes.length === 0) continue

    const present = new Map((await admin.listIndexes(collection)).map((index) => [index.name, index]))
    const missing: IndexSpec[] = []
    for (const index of spec.indexes) {
      const found = present.get(index.name)
      if (!found) {
        missing.push(index)
        continue
      }
      report.unchanged++
      if (!sameDefinition(found, index)) {
        log(
          `warning: index ${index.name} on ${collection} exists as ${describeKeys(found.keys, found.unique)}, ` +
            `not ${describeKeys(index.fields, index.unique ?? false)}; left as it is (rename it in storeSchema.ts to create the new definition)`,
        )
      }
    }
    if (missing.length === 0) continue
    await admin.createIndexes(collection, missing)
    for (const index of missing) {
      report.createdIndexes.push({ collection, index: index.name })
      log(`created index ${collection}.${index.name} (${describeKeys(index.fields, index.unique ?? false)})`)
    }
  }
  return report
}

/** Deletes those of `names` that exist; returns the ones it deleted. Tests clean up with it. */
export async function dropCollections(admin: CollectionAdmin, names: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listCollections())
  const dropped: string[] = []
  for (const name of names) {
    if (!existing.has(name)) continue
    await admin.deleteCollection(name)
    dropped.push(name)
  }
  return dropped
}
