/**
 * The few collection and index operations provisioning needs, and their implementation with
 * @cloudbase/manager-node (Tencent Cloud API 3.0, service `tcb`, version 2018-06-08).
 *
 * What manager-node 5.6 sends (lib/database/index.js, lib/env/index.js):
 * - every database call first runs the environment's lazyInit once: DescribeEnvInfo { EnvId }, whose
 *   EnvInfo.EnvBaseInfo.Databases[0].InstanceId becomes MongoConnector.DatabaseName of the calls below;
 * - listCollections → ListTables { EnvId, MongoConnector, MgoLimit, MgoOffset } (Tables, Pager.Total);
 * - describeCollection → DescribeTable { EnvId, MongoConnector, TableName } (Indexes: Name, Keys[{Name,
 *   Direction}], Unique); a missing collection is an error answer, which manager-node's own
 *   checkCollectionExists turns into Exists: false whatever the error (bad credentials too), so existence
 *   is decided here from ListTables, where an error surfaces;
 * - createCollectionIfNotExists → DescribeTable, then CreateTable when that failed;
 * - updateCollection(name, { CreateIndexes }) → UpdateTable; each CreateIndex is { IndexName, MgoKeySchema:
 *   { MgoIndexKeys: [{ Name, Direction }], MgoIsUnique } }, Direction the string '1' (ascending) or '-1'
 *   (descending), as in the UpdateTable API example (https://cloud.tencent.com/document/api/876/127964);
 * - deleteCollection → DescribeTable, then DeleteTable when it exists.
 * The `tcb` base URL is https://tcb.tencentcloudapi.com unless TCB_BASE_URL is set (tests use that).
 */
import CloudBase from '@cloudbase/manager-node'
import type { IndexSpec } from '../../cloudfunctions/core/storeSchema'

export type { IndexSpec }

/** An index as it exists; `other` stands for a key that is neither 1 nor -1 (e.g. a geo index made by hand). */
export interface ExistingIndex {
  name: string
  keys: Array<{ field: string; direction: 'asc' | 'desc' | 'other' }>
  unique: boolean
}

export interface CollectionAdmin {
  /** Every collection of the environment. */
  listCollections(): Promise<string[]>
  createCollection(name: string): Promise<void>
  deleteCollection(name: string): Promise<void>
  listIndexes(name: string): Promise<ExistingIndex[]>
  createIndexes(name: string, specs: readonly IndexSpec[]): Promise<void>
}

export interface CloudBaseAdminConfig {
  envId: string
  secretId: string
  secretKey: string
  /** ListTables page size (MgoLimit); manager-node's default is 100. */
  pageSize?: number
}

export function mgoDirection(direction: 'asc' | 'desc'): '1' | '-1' {
  return direction === 'asc' ? '1' : '-1'
}

export function parseMgoDirection(direction: unknown): 'asc' | 'desc' | 'other' {
  const value = String(direction)
  if (value === '1') return 'asc'
  if (value === '-1') return 'desc'
  return 'other'
}

/** The UpdateTable CreateIndexes entry for one spec. */
export function toCreateIndex(spec: IndexSpec) {
  return {
    IndexName: spec.name,
    MgoKeySchema: {
      MgoIndexKeys: spec.fields.map(({ field, direction }) => ({
        Name: field,
        Direction: mgoDirection(direction),
      })),
      MgoIsUnique: spec.unique ?? false,
    },
  }
}

interface DescribedIndex {
  Name?: string
  Keys?: Array<{ Name?: string; Direction?: unknown }>
  Unique?: boolean
}

export function managerAdmin(config: CloudBaseAdminConfig): CollectionAdmin {
  // Both keys are always passed: without them manager-node falls back to TENCENTCLOUD_SECRETID/SECRETKEY.
  if (!config.envId || !config.secretId || !config.secretKey) {
    throw new Error('managerAdmin needs envId, secretId and secretKey')
  }
  const app = new CloudBase({ envId: config.envId, secretId: config.secretId, secretKey: config.secretKey })
  const db = app.database
  const pageSize = config.pageSize ?? 100

  return {
    async listCollections() {
      const names: string[] = []
      for (let offset = 0; ; offset += pageSize) {
        const page = await db.listCollections({ MgoLimit: pageSize, MgoOffset: offset })
        const batch = (page.Collections ?? []).map((c) => c.CollectionName)
        names.push(...batch)
        const total = page.Pager?.Total ?? names.length
        if (batch.length < pageSize || names.length >= total) return names
      }
    },
    async createCollection(name) {
      await db.createCollectionIfNotExists(name)
    },
    async deleteCollection(name) {
      await db.deleteCollection(name)
    },
    async listIndexes(name) {
      const described = await db.describeCollection(name)
      return ((described.Indexes ?? []) as DescribedIndex[]).map((index) => ({
        name: index.Name ?? '',
        keys: (index.Keys ?? []).map((key) => ({
          field: key.Name ?? '',
          direction: parseMgoDirection(key.Direction),
        })),
        unique: Boolean(index.Unique),
      }))
    },
    async createIndexes(name, specs) {
      if (specs.length === 0) return
      await db.updateCollection(name, { CreateIndexes: specs.map(toCreateIndex) })
    },
  }
}
