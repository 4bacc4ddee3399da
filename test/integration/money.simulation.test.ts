/**
 * The money simulation (test/simulation) on both Store adapters, a fixed small budget per run of
 * `npm test`: every scenario is a fresh world driven through `api`, `payNotify`, `alipayNotify`
 * and the scheduler with duplicate, late, reordered and forged notifications, clock moves, crashes
 * and provider timeouts, its ledger and orders checked against a model after every step. The seed
 * is random unless SIM_SEED is given; a failure prints the SIM_* variables that replay it exactly.
 * SIM_RUNS runs more scenarios, SIM_ADAPTER limits the run to one adapter, SIM_STEPS sets the
 * longest scenario. The volume run is tools/bench/money-sim.ts.
 */
import {
  adapters,
  simulate,
  startSharedProviders,
  type SharedProviders,
  type SimulationStats,
} from '../simulation/money.simulation'

const env = process.env
const runsOf = { sqlite: 180, cloudbase: 60 } as const
const maxSteps = Number(env.SIM_STEPS ?? 40)
const seed = env.SIM_SEED !== undefined ? Number(env.SIM_SEED) : undefined
const path = env.SIM_PATH
const chosen = adapters.filter((a) => !env.SIM_ADAPTER || env.SIM_ADAPTER === a)
/** The default budget: what the coverage check below is sized for. */
const defaultBudget = [env.SIM_RUNS, env.SIM_PATH, env.SIM_ADAPTER, env.SIM_STEPS].every(
  (v) => v === undefined,
)

let shared: SharedProviders
beforeAll(async () => {
  shared = await startSharedProviders()
})
afterAll(() => shared.stop())

const stats: SimulationStats = {}

describe.each(chosen)('money simulation on %s', (adapter) => {
  test(`random scenarios of up to ${maxSteps} steps keep every fen and credit every payment once`, async () => {
    const runs = Number(env.SIM_RUNS ?? runsOf[adapter])
    const started = performance.now()
    const result = await simulate({ adapter, runs, maxSteps, seed, path, shared, stats })
    const seconds = (performance.now() - started) / 1000
    console.log(
      `money simulation on ${adapter}: ${result.runs} scenarios in ${seconds.toFixed(1)} s (seed ${result.seed})`,
    )
  }, 600_000)
})

test('the scenarios took the paths that matter', () => {
  if (!defaultBudget) return
  console.log(
    Object.entries(stats)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, n]) => `${name} ${n}`)
      .join(', '),
  )
  const taken = (prefix: string) =>
    Object.entries(stats)
      .filter(([name]) => name.startsWith(prefix))
      .reduce((sum, [, n]) => sum + n, 0)
  for (const required of [
    'recharge:ok',
    'recharge:recovered after a lost answer',
    'recharge:RECHARGE_CLOSED',
    'recharge:RATE_LIMITED',
    'pay:payer paid',
    'credit:to the account, allocated to its only card',
    'credit:found by a poll',
    'notify:duplicate acknowledged',
    'notify:concurrent copies',
    'forge:wechat',
    'forge:alipay',
    'fault:crash beforeWrite in',
    'fault:crash afterCommit in',
    'fault:provider',
    'close:unpaid order closed',
    'refund:owed for a payment after the close',
    'allocation:all',
    'allocation:INSUFFICIENT_FUNDS',
    'scheduler:run',
    'final:scenario settled',
  ]) {
    expect({ path: required, taken: taken(required) > 0 }).toEqual({ path: required, taken: true })
  }
})
