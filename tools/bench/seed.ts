/**
 * How long the demo seed takes on a fresh embedded database (npm start pays it once on first
 * start; the integration suites once per suite). Target: well under 10 s on this machine.
 * Run: npx tsx tools/bench/seed.ts — prints the numbers and writes them to docs/benchmarks.md.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqliteStore } from '../../cloudfunctions/adapters/local/sqliteStore'
import { collections } from '../../cloudfunctions/core/documents'
import { seedDemo } from '../demo/seed'
import { writeBenchmarkSection } from './benchmarksDoc'

const RUNS = 3

async function once(): Promise<{ ms: number; trips: number; vehicles: number; bytes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'etc-bench-seed-'))
  const file = join(dir, 'etc.sqlite')
  const store = openSqliteStore(file)
  const secrets = { sessionKey: randomBytes(32), dataKey: randomBytes(32), lookupKey: randomBytes(32) }
  const t0 = process.hrtime.bigint()
  await seedDemo(store, secrets, new Date('2026-11-20T02:00:00Z'))
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const trips = await store.count(collections.trips)
  const vehicles = await store.count(collections.vehicles)
  store.close()
  const bytes = statSync(file).size
  rmSync(dir, { recursive: true, force: true })
  return { ms, trips, vehicles, bytes }
}

async function main(): Promise<void> {
  const runs = []
  for (let i = 0; i < RUNS; i++) runs.push(await once())
  const times = runs.map((r) => r.ms).sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]
  const { trips, vehicles, bytes } = runs[0]
  const line = `seed: median ${median.toFixed(0)} ms over ${RUNS} runs (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}); ${vehicles} vehicles, ${trips} trips, database ${(bytes / 1024 / 1024).toFixed(1)} MB`
  console.log(line)
  writeBenchmarkSection(
    'Demo data seeding',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx tools/bench/seed.ts\` (fresh sqlite file each run, 2-core machine). Target: well under 10 s.\n\n${line}`,
  )
}

void main()
