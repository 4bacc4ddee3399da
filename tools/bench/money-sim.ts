/**
 * The money simulation (test/simulation) at volume: at least 10,000 short scenarios, most on the
 * SQLite adapter and a share on the CloudBase adapter (the real wx-server-sdk on the emulator),
 * spread over worker processes. Every scenario is the jest suite's: a fresh world, random steps
 * through `api`, `payNotify`, `alipayNotify` and the scheduler with crashes and provider timeouts
 * injected, every step checked against the model, then the drain and the final checks. Scenario i
 * uses seed `base + i`, so a failure replays alone through the jest suite (the command is printed).
 *
 * Run: npx tsx tools/bench/money-sim.ts [--scenarios 10000] [--steps 12] [--cloudbase-every 10]
 *      [--workers 2] [--seed <base>] [--no-write]
 * Prints scenarios/s and failures, and writes its section of docs/benchmarks.md.
 */
import { fork } from 'node:child_process'
import { availableParallelism } from 'node:os'
import fc from 'fast-check'
import {
  runScenario,
  scenarioArbitrary,
  startSharedProviders,
  type Adapter,
  type SimulationStats,
} from '../../test/simulation/money.simulation'
import { writeBenchmarkSection } from './benchmarksDoc'

interface Options {
  scenarios: number
  steps: number
  cloudbaseEvery: number
  workers: number
  seed: number
  write: boolean
}

interface Failure {
  index: number
  adapter: Adapter
  seed: number
  message: string
}

interface Totals {
  scenarios: Record<Adapter, number>
  steps: Record<Adapter, number>
  /** Milliseconds spent in scenarios, per adapter (summed over workers). */
  ms: Record<Adapter, number>
  failures: Failure[]
  stats: SimulationStats
}

type WorkerMessage = { kind: 'progress'; done: number } | { kind: 'done'; totals: Totals }

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`)
    return at >= 0 ? argv[at + 1] : undefined
  }
  const number = (name: string, fallback: number) => {
    const text = value(name)
    const n = text === undefined ? fallback : Number(text)
    if (!Number.isSafeInteger(n)) throw new Error(`--${name} must be an integer`)
    return n
  }
  return {
    scenarios: number('scenarios', 10_000),
    steps: number('steps', 12),
    cloudbaseEvery: number('cloudbase-every', 10),
    workers: number('workers', Math.min(2, availableParallelism())),
    seed: number('seed', Math.floor(Math.random() * 2 ** 31)),
    write: !argv.includes('--no-write'),
  }
}

const adapterOf = (index: number, options: Options): Adapter =>
  options.cloudbaseEvery > 0 && index % options.cloudbaseEvery === 0 ? 'cloudbase' : 'sqlite'

const emptyTotals = (): Totals => ({
  scenarios: { sqlite: 0, cloudbase: 0 },
  steps: { sqlite: 0, cloudbase: 0 },
  ms: { sqlite: 0, cloudbase: 0 },
  failures: [],
  stats: {},
})

/** A worker's share: scenarios `worker`, `worker + workers`, … */
async function work(
  options: Options,
  worker: number,
  report: (message: WorkerMessage) => void,
): Promise<void> {
  const shared = await startSharedProviders()
  const totals = emptyTotals()
  const arbitrary = scenarioArbitrary(options.steps)
  let done = 0
  try {
    for (let index = worker; index < options.scenarios; index += options.workers) {
      const adapter = adapterOf(index, options)
      const seed = options.seed + index
      const [steps] = fc.sample(arbitrary, { seed, numRuns: 1 })
      const started = performance.now()
      try {
        await runScenario(adapter, steps, shared, totals.stats)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        totals.failures.push({ index, adapter, seed, message: message.slice(0, 4000) })
      }
      totals.ms[adapter] += performance.now() - started
      totals.scenarios[adapter] += 1
      totals.steps[adapter] += steps.length
      done += 1
      if (done % 250 === 0) report({ kind: 'progress', done })
    }
  } finally {
    await shared.stop()
  }
  report({ kind: 'done', totals })
}

function merge(into: Totals, from: Totals): void {
  for (const adapter of ['sqlite', 'cloudbase'] as const) {
    into.scenarios[adapter] += from.scenarios[adapter]
    into.steps[adapter] += from.steps[adapter]
    into.ms[adapter] += from.ms[adapter]
  }
  into.failures.push(...from.failures)
  for (const [path, n] of Object.entries(from.stats)) into.stats[path] = (into.stats[path] ?? 0) + n
}

const replayOf = (failure: Failure, options: Options) =>
  `SIM_ADAPTER=${failure.adapter} SIM_STEPS=${options.steps} SIM_SEED=${failure.seed} SIM_PATH=0 npx jest test/integration/money.simulation.test.ts`

function sumOf(stats: SimulationStats, prefix: string): number {
  return Object.entries(stats)
    .filter(([path]) => path.startsWith(prefix))
    .reduce((sum, [, n]) => sum + n, 0)
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  const worker = process.env.MONEY_SIM_WORKER
  if (worker !== undefined) {
    await work(options, Number(worker), (message) => process.send?.(message))
    return
  }

  console.log(
    `money simulation: ${options.scenarios} scenarios of up to ${options.steps} steps, every ` +
      `${options.cloudbaseEvery}th on CloudBase, ${options.workers} workers, base seed ${options.seed}`,
  )
  const totals = emptyTotals()
  const started = performance.now()
  const progress = new Array<number>(options.workers).fill(0)
  await Promise.all(
    Array.from(
      { length: options.workers },
      (_, w) =>
        new Promise<void>((resolve, reject) => {
          const child = fork(__filename, process.argv.slice(2), {
            execArgv: process.execArgv,
            env: { ...process.env, MONEY_SIM_WORKER: String(w) },
          })
          child.on('message', (message: WorkerMessage) => {
            if (message.kind === 'progress') {
              progress[w] = message.done
              const done = progress.reduce((a, b) => a + b, 0)
              const seconds = (performance.now() - started) / 1000
              console.log(`  ${done} scenarios, ${(done / seconds).toFixed(1)}/s`)
            } else {
              merge(totals, message.totals)
            }
          })
          child.on('error', reject)
          child.on('exit', (code) =>
            code === 0 ? resolve() : reject(new Error(`worker ${w} exited with ${code}`)),
          )
        }),
    ),
  )
  const wallSeconds = (performance.now() - started) / 1000
  const all = totals.scenarios.sqlite + totals.scenarios.cloudbase
  const steps = totals.steps.sqlite + totals.steps.cloudbase

  const rows = (['sqlite', 'cloudbase'] as const).map((adapter) => {
    const n = totals.scenarios[adapter]
    const failures = totals.failures.filter((f) => f.adapter === adapter).length
    const mean = n > 0 ? totals.ms[adapter] / n : 0
    return `| ${adapter} | ${n} | ${totals.steps[adapter]} | ${failures} | ${mean.toFixed(1)} ms | ${(n > 0 ? 1000 / mean : 0).toFixed(1)} |`
  })
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx tools/bench/money-sim.ts\` ` +
      `(${options.workers} worker processes on a ${availableParallelism()}-core machine, base seed ${options.seed}).`,
    `Each scenario is a fresh world driven through \`api\`, \`payNotify\`, \`alipayNotify\` and the scheduler: 1–${options.steps} random steps ` +
      '(recharges, payments, duplicate/late/reordered/forged notifications, polls, allocations, clock moves, ' +
      'crashes before a write or after a commit, provider timeouts), then the drain; the ledger, the balances, ' +
      'the projections and every order are checked against the model after every step.',
    '',
    '| adapter | scenarios | steps | failures | mean per scenario | scenarios/s per worker |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
    `| **all** | **${all}** | **${steps}** | **${totals.failures.length}** | – | **${(all / wallSeconds).toFixed(1)} overall** (${wallSeconds.toFixed(0)} s wall) |`,
    '',
    `Paths taken: ${sumOf(totals.stats, 'credit:to')} credits (${sumOf(totals.stats, 'credit:found by a poll')} found by a poll, ` +
      `${sumOf(totals.stats, 'credit:after the order expired')} after expiry), ` +
      `${sumOf(totals.stats, 'notify:duplicate acknowledged') + sumOf(totals.stats, 'notify:concurrent')} duplicate notifications, ` +
      `${sumOf(totals.stats, 'forge:')} forged or mismatched notifications refused, ` +
      `${sumOf(totals.stats, 'fault:crash beforeWrite')} crashes before a write and ${sumOf(totals.stats, 'fault:crash afterCommit')} after a commit, ` +
      `${sumOf(totals.stats, 'fault:provider')} provider timeouts, ${sumOf(totals.stats, 'close:')} orders closed unpaid, ` +
      `${sumOf(totals.stats, 'recharge:RECHARGE_CLOSED')} recharges refused in 22:00–02:00, ` +
      `${sumOf(totals.stats, 'refund:owed')} payments after a close owed back and ${sumOf(totals.stats, 'refund:') - sumOf(totals.stats, 'refund:owed')} refunds settled, ` +
      `${sumOf(totals.stats, 'scheduler:run')} scheduler runs.`,
    `A failure replays alone: \`SIM_ADAPTER=<adapter> SIM_STEPS=${options.steps} SIM_SEED=<base + index> SIM_PATH=0 npx jest test/integration/money.simulation.test.ts\` ` +
      '(without SIM_PATH and with SIM_RUNS=1 it also shrinks).',
  ]
  console.log(`\n${lines.join('\n')}`)
  for (const failure of totals.failures.slice(0, 5)) {
    console.log(`\nFAILED scenario ${failure.index} on ${failure.adapter}: ${replayOf(failure, options)}`)
    console.log(failure.message.split('\n').slice(0, 12).join('\n'))
  }
  if (options.write)
    writeBenchmarkSection('Money simulation (deterministic, both adapters)', lines.join('\n'))
  if (totals.failures.length > 0) process.exitCode = 1
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
