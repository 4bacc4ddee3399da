/**
 * The CloudBase Store adapter on the emulator with a round-trip latency injected: what a hot
 * document costs (contended increments, both conflict modes) in round trips, conflicts, retries
 * and wall time, and what a page of a list costs. Real CloudBase latency from a function in
 * the same region is assumed to be in the tens of milliseconds; 20 ms is used here.
 * Run: npm run bench:cloudbase — prints the numbers and writes them to docs/benchmarks.md.
 */
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { collections } from '../../cloudfunctions/core/documents'
import type { ConflictMode } from '../cloudbase-emulator/emulator'
import { openEmulatedDatabase } from '../cloudbase-emulator/install'
import { writeBenchmarkSection } from './benchmarksDoc'

const latencyMs = 20
const contenders = 20

async function contendedIncrements(conflictMode: ConflictMode) {
  const { emulator, database } = openEmulatedDatabase({ conflictMode })
  emulator.createCollection(collections.meta)
  const store = createCloudbaseStore(database)
  await store.set(collections.meta, 'counter', { value: 0 })
  emulator.latencyMs = latencyMs
  emulator.resetStats()
  let attempts = 0
  const t0 = performance.now()
  const outcomes = await Promise.allSettled(
    Array.from({ length: contenders }, () =>
      store.transaction(async (tx) => {
        attempts += 1
        const doc = await tx.get<{ value: number }>(collections.meta, 'counter')
        await tx.set(collections.meta, 'counter', { value: (doc?.value ?? 0) + 1 })
      }),
    ),
  )
  const ms = performance.now() - t0
  emulator.latencyMs = 0
  const value = (await store.get<{ value: number }>(collections.meta, 'counter'))?.value
  return {
    conflictMode,
    ms,
    applied: outcomes.filter((o) => o.status === 'fulfilled').length,
    value,
    attempts,
    requests: emulator.stats.requests,
    conflicts: emulator.stats.conflicts,
  }
}

async function pageCost() {
  const { emulator, database } = openEmulatedDatabase()
  emulator.createCollection(collections.vehicles)
  emulator.load({
    [collections.vehicles]: Array.from({ length: 200 }, (_, i) => ({
      id: `v${i}`,
      accountId: 'a1',
      scope: 'current',
      plate: `浙A${String(i).padStart(5, '0')}`,
    })),
  })
  const store = createCloudbaseStore(database)
  emulator.latencyMs = latencyMs
  emulator.resetStats()
  const t0 = performance.now()
  let after: string | undefined
  let pages = 0
  do {
    const page = await store.query(collections.vehicles, {
      where: [
        { field: 'accountId', op: 'eq', value: 'a1' },
        { field: 'scope', op: 'eq', value: 'current' },
      ],
      orderBy: { field: 'plate', direction: 'asc' },
      limit: 20,
      after,
    })
    pages += 1
    after = page.nextCursor ?? undefined
  } while (after)
  return { pages, requests: emulator.stats.requests, ms: performance.now() - t0 }
}

async function main(): Promise<void> {
  const lines: string[] = [
    `CloudBase adapter through the real wx-server-sdk on the emulator, ${latencyMs} ms per round trip (\`npm run bench:cloudbase\`).`,
    '',
    '| workload | conflicts reported | applied | final value | fn attempts | round trips | wall time |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ]
  for (const mode of ['write', 'commit'] as const) {
    const r = await contendedIncrements(mode)
    const row = `| ${contenders} concurrent increments of one document, conflicts at ${mode} | ${r.conflicts} | ${r.applied}/${contenders} | ${r.value} | ${r.attempts} | ${r.requests} | ${(r.ms / 1000).toFixed(2)} s |`
    console.log(row)
    lines.push(row)
  }
  const p = await pageCost()
  const row = `| 200 vehicles listed 20 per page | – | – | – | – | ${p.requests} for ${p.pages} pages | ${(p.ms / 1000).toFixed(2)} s |`
  console.log(row)
  lines.push(row)
  writeBenchmarkSection('CloudBase store (emulator, injected latency)', lines.join('\n'))
}

void main()
