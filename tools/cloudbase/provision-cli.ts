/**
 * npm run cloudbase:provision [-- --prefix <prefix>]
 *
 * Creates the collections and indexes of cloudfunctions/core/storeSchema.ts in the CloudBase
 * environment CLOUDBASE_ENV, with the API key pair CLOUDBASE_SECRET_ID / CLOUDBASE_SECRET_KEY.
 * Idempotent; run it before deploying and again after any change to storeSchema.ts.
 * Credentials are never read from the reserved TENCENTCLOUD_ names (tools/cloudbase/reservedEnv.ts):
 * inside CloudBase those hold the runtime's temporary credentials, and manager-node would silently
 * fall back to them.
 */
import { managerAdmin, type CollectionAdmin } from './collectionAdmin'
import { provisionCollections } from './provision'
import { reservedEnvReason } from './reservedEnv'

export const provisionVariables = {
  envId: 'CLOUDBASE_ENV',
  secretId: 'CLOUDBASE_SECRET_ID',
  secretKey: 'CLOUDBASE_SECRET_KEY',
} as const

/** Reserved names someone may have set instead; named in the error so the fix is obvious. */
const reservedLookalikes: Record<keyof typeof provisionVariables, string[]> = {
  envId: ['TCB_ENV', 'TENCENTCLOUD_TCB_ENVID'],
  secretId: ['TENCENTCLOUD_SECRETID'],
  secretKey: ['TENCENTCLOUD_SECRETKEY'],
}

export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
}

export interface CliDeps {
  /** Tests inject the admin; by default the real one from the variables. */
  makeAdmin?: (config: { envId: string; secretId: string; secretKey: string }) => CollectionAdmin
}

function parseArgs(argv: readonly string[]): { prefix: string } | { error: string } | { help: true } {
  let prefix = ''
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--help' || arg === '-h') return { help: true }
    if (arg === '--prefix') {
      const value = argv[++i]
      if (value === undefined || value.startsWith('--')) return { error: '--prefix needs a value' }
      prefix = value
    } else if (arg.startsWith('--prefix=')) {
      prefix = arg.slice('--prefix='.length)
    } else {
      return { error: `unknown argument ${arg}` }
    }
  }
  return { prefix }
}

/** Runs the command; returns the exit code. */
export async function runProvisionCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  const args = parseArgs(argv)
  if ('help' in args) {
    io.out(
      `usage: ${provisionVariables.envId}=… ${provisionVariables.secretId}=… ${provisionVariables.secretKey}=… ` +
        'npm run cloudbase:provision [-- --prefix <prefix>]',
    )
    return 0
  }
  if ('error' in args) {
    io.err(`cloudbase:provision: ${args.error}`)
    return 2
  }

  const values = {} as Record<keyof typeof provisionVariables, string>
  for (const key of Object.keys(provisionVariables) as Array<keyof typeof provisionVariables>) {
    const name = provisionVariables[key]
    // Guard against a future edit picking a name the runtime owns.
    const reserved = reservedEnvReason(name)
    if (reserved) {
      io.err(`cloudbase:provision: refusing to read ${reserved}`)
      return 2
    }
    const value = env[name]?.trim()
    if (!value) {
      const lookalike = reservedLookalikes[key].find((other) => env[other])
      io.err(
        `cloudbase:provision: ${name} is not set` +
          (lookalike ? ` (${lookalike} is set, but that name is reserved by CloudBase and is not read)` : ''),
      )
      return 2
    }
    values[key] = value
  }

  const admin = (deps.makeAdmin ?? managerAdmin)(values)
  try {
    const report = await provisionCollections(admin, undefined, { prefix: args.prefix, log: io.out })
    io.out(
      `cloudbase:provision: env ${values.envId}: ${report.createdCollections.length} collections and ` +
        `${report.createdIndexes.length} indexes created, ${report.unchanged} already present`,
    )
    return 0
  } catch (error) {
    const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown }
    io.err(`cloudbase:provision failed: ${String(message ?? error)}${code ? ` (${String(code)})` : ''}`)
    return 1
  }
}

if (require.main === module) {
  void runProvisionCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => {
    process.exitCode = code
  })
}
