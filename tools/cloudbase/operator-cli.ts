/**
 * npx tsx tools/cloudbase/operator-cli.ts <command> [options]
 *
 * Operator accounts (cloudfunctions/core/operators): the only way one is made, disabled or given a
 * new password. On the local SQLite database of `npm start` by default (--db to name another), or,
 * with --cloudbase, on the CloudBase environment CLOUDBASE_ENV with CLOUDBASE_SECRET_ID /
 * CLOUDBASE_SECRET_KEY: the variables of `npm run cloudbase:provision`, never the reserved
 * TENCENTCLOUD_ names.
 *
 * Passwords: --password-stdin reads one line from stdin (`printf '%s\n' "$PW" | … create …`);
 * without it a random password is generated and printed once. Passwords never appear in the
 * arguments (shell history, process lists) and are stored only as scrypt hashes.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CloudbaseDatabase } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { generateOperatorPassword, operatorRoles } from '../../cloudfunctions/core/operators/operatorAccounts'
import {
  createOperator,
  listOperators,
  OperatorAdminError,
  resetOperatorPassword,
  setOperatorDisabled,
} from '../../cloudfunctions/core/operators/operatorAdmin'
import { StoreError, type Store } from '../../cloudfunctions/ports/store'
import { provisionVariables, type CliIo } from './provision-cli'
import { reservedEnvReason } from './reservedEnv'

export const defaultDbFile = resolve(__dirname, '..', '..', '.local', 'etc.sqlite')

const usage = `usage: npx tsx tools/cloudbase/operator-cli.ts <command> [options] [--db <file> | --cloudbase [--prefix <p>]]
  create  --login <name> --name <姓名> --roles ${operatorRoles.join(',')} [--outlet <outletId>] [--password-stdin]
  reset   --login <name> [--password-stdin]     new password; ends the operator's sessions
  disable --login <name>                        the operator can no longer log in; ends its sessions
  enable  --login <name>
  list
  --db <file>     local SQLite database (default: .local/etc.sqlite, the one npm start uses)
  --cloudbase     the CloudBase environment ${provisionVariables.envId} with ${provisionVariables.secretId} / ${provisionVariables.secretKey}
  --prefix <p>    collection name prefix on CloudBase (as cloudbase:provision --prefix)`

type Command = 'create' | 'reset' | 'disable' | 'enable' | 'list'
const commands: readonly Command[] = ['create', 'reset', 'disable', 'enable', 'list']

export type StoreTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'cloudbase'; envId: string; secretId: string; secretKey: string; prefix: string }

export interface OperatorCliDeps {
  /** Tests inject the store; by default SQLite or CloudBase (wx-server-sdk) from the target. */
  openStore?: (target: StoreTarget) => Promise<{ store: Store; close(): void }>
  /** All of stdin, for --password-stdin. */
  readStdin?: () => Promise<string>
  now?: () => Date
}

interface Args {
  command: Command
  login?: string
  name?: string
  roles?: string[]
  outlet?: string
  passwordStdin: boolean
  db?: string
  cloudbase: boolean
  prefix: string
}

const valueFlags = ['--login', '--name', '--roles', '--outlet', '--db', '--prefix'] as const

function parseArgs(argv: readonly string[]): Args | { error: string } | { help: true } {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return { help: true }
  const [first, ...rest] = argv
  if (!(commands as readonly string[]).includes(first)) return { error: `unknown command ${first}` }
  const args: Args = { command: first as Command, passwordStdin: false, cloudbase: false, prefix: '' }
  for (let i = 0; i < rest.length; i++) {
    let arg = rest[i]
    let value: string | undefined
    const eq = arg.indexOf('=')
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1)
      arg = arg.slice(0, eq)
    }
    if (arg === '--password-stdin') args.passwordStdin = true
    else if (arg === '--cloudbase') args.cloudbase = true
    else if ((valueFlags as readonly string[]).includes(arg)) {
      value ??= rest[++i]
      if (value === undefined || value.startsWith('--')) return { error: `${arg} needs a value` }
      if (arg === '--login') args.login = value
      else if (arg === '--name') args.name = value
      else if (arg === '--roles')
        args.roles = value
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean)
      else if (arg === '--outlet') args.outlet = value
      else if (arg === '--db') args.db = value
      else args.prefix = value
    } else {
      return { error: `unknown argument ${rest[i]}` }
    }
  }
  if (args.cloudbase && args.db) return { error: '--db and --cloudbase exclude each other' }
  if (args.command !== 'list' && !args.login) return { error: `${args.command} needs --login` }
  if (args.command === 'create' && (!args.name || !args.roles))
    return { error: 'create needs --name and --roles' }
  return args
}

function cloudbaseTarget(env: NodeJS.ProcessEnv, prefix: string): StoreTarget | { error: string } {
  const values = {} as Record<keyof typeof provisionVariables, string>
  for (const key of Object.keys(provisionVariables) as Array<keyof typeof provisionVariables>) {
    const name = provisionVariables[key]
    const reserved = reservedEnvReason(name)
    if (reserved) return { error: `refusing to read ${reserved}` }
    const value = env[name]?.trim()
    if (!value) return { error: `${name} is not set` }
    values[key] = value
  }
  return { kind: 'cloudbase', ...values, prefix }
}

/** The CloudBase database through wx-server-sdk with an API key pair, as the `api` function sees it. */
async function openDefaultStore(target: StoreTarget): Promise<{ store: Store; close(): void }> {
  if (target.kind === 'sqlite') {
    const { openSqliteStore } = await import('../../cloudfunctions/adapters/local/sqliteStore')
    const store = openSqliteStore(target.file)
    return { store, close: () => store.close() }
  }
  const { createCloudbaseStore } = await import('../../cloudfunctions/adapters/cloudbase/cloudbaseStore')
  const cloud = (await import('wx-server-sdk')).default
  cloud.init({ env: target.envId, secretId: target.secretId, secretKey: target.secretKey } as Parameters<
    typeof cloud.init
  >[0])
  const config = { env: target.envId, throwOnNotFound: false } as Parameters<typeof cloud.database>[0]
  const database = cloud.database(config) as unknown as CloudbaseDatabase
  return {
    store: createCloudbaseStore(database, { collectionPrefix: target.prefix }),
    close: () => undefined,
  }
}

function readAllStdin(): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = []
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk))
    process.stdin.on('end', () => done(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', fail)
  })
}

/** The password to set: the first line of stdin, or a generated one (printed once by the caller). */
async function choosePassword(
  args: Args,
  deps: OperatorCliDeps,
): Promise<{ password: string; generated: boolean } | { error: string }> {
  if (!args.passwordStdin) return { password: generateOperatorPassword(), generated: true }
  const text = await (deps.readStdin ?? readAllStdin)()
  const password = text.split(/\r?\n/)[0] ?? ''
  if (!password) return { error: '--password-stdin: stdin held no password' }
  return { password, generated: false }
}

/** Runs the command; returns the exit code (0 done, 1 refused or failed, 2 usage). */
export async function runOperatorCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  deps: OperatorCliDeps = {},
): Promise<number> {
  const args = parseArgs(argv)
  if ('help' in args) {
    io.out(usage)
    return 0
  }
  if ('error' in args) {
    io.err(`operator-cli: ${args.error}`)
    io.err(usage)
    return 2
  }
  let target: StoreTarget
  if (args.cloudbase) {
    const found = cloudbaseTarget(env, args.prefix)
    if ('error' in found) {
      io.err(`operator-cli: ${found.error}`)
      return 2
    }
    target = found
  } else {
    const file = resolve(args.db ?? defaultDbFile)
    // a mistyped path must not quietly make a new, empty database
    if (!existsSync(file)) {
      io.err(`operator-cli: ${file} does not exist (run npm start once, or name the database with --db)`)
      return 2
    }
    target = { kind: 'sqlite', file }
  }
  const where = target.kind === 'sqlite' ? target.file : `CloudBase env ${target.envId}`
  const now = (deps.now ?? (() => new Date()))()

  let opened: { store: Store; close(): void } | null = null
  try {
    let password: { password: string; generated: boolean } | null = null
    if (args.command === 'create' || args.command === 'reset') {
      const chosen = await choosePassword(args, deps)
      if ('error' in chosen) {
        io.err(`operator-cli: ${chosen.error}`)
        return 2
      }
      password = chosen
    }
    opened = await (deps.openStore ?? openDefaultStore)(target)
    const { store } = opened
    const login = args.login ?? ''
    switch (args.command) {
      case 'create': {
        const doc = await createOperator(
          store,
          {
            loginName: login,
            name: args.name ?? '',
            roles: args.roles ?? [],
            outletId: args.outlet ?? null,
            password: password!.password,
          },
          now,
        )
        io.out(
          `operator-cli: created operator ${doc.loginName} (${doc.name}; roles ${doc.roles.join(',')}) in ${where}`,
        )
        break
      }
      case 'reset': {
        const { operator, revokedSessions } = await resetOperatorPassword(
          store,
          login,
          password!.password,
          now,
        )
        io.out(
          `operator-cli: new password for ${operator.loginName} in ${where}; ${revokedSessions} session(s) ended`,
        )
        break
      }
      case 'disable':
      case 'enable': {
        const disabled = args.command === 'disable'
        const { operator, revokedSessions } = await setOperatorDisabled(store, login, disabled, now)
        io.out(
          `operator-cli: ${operator.loginName} ${disabled ? `disabled; ${revokedSessions} session(s) ended` : 'enabled'} in ${where}`,
        )
        break
      }
      case 'list': {
        const operators = await listOperators(store)
        for (const op of operators) {
          io.out(
            `${op.loginName}\t${op.name}\t${op.roles.join(',')}\t${op.outletId ?? '-'}\t${op.disabled ? 'disabled' : 'enabled'}\t${op.lastLoginAt ?? 'never logged in'}`,
          )
        }
        io.out(`operator-cli: ${operators.length} operator(s) in ${where}`)
        break
      }
    }
    if (password?.generated) {
      io.out(`password (shown once, stored only as a hash): ${password.password}`)
    }
    return 0
  } catch (error) {
    if (error instanceof OperatorAdminError) {
      io.err(`operator-cli: ${error.message}`)
      return 1
    }
    if (error instanceof StoreError && error.code === 'COLLECTION_MISSING') {
      io.err(`operator-cli: ${error.message} (run npm run cloudbase:provision first)`)
      return 1
    }
    const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown }
    io.err(`operator-cli failed: ${String(message ?? error)}${code ? ` (${String(code)})` : ''}`)
    return 1
  } finally {
    opened?.close()
  }
}

if (require.main === module) {
  void runOperatorCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => {
    process.exitCode = code
  })
}
