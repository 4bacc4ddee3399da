/**
 * Puts emulators under the real SDK: @cloudbase/node-sdk sends every database call through
 * `request()` in dist/utils/tcbapirequester.js (TcbDBApiHttpRequester calls it through the
 * module's exports). Only that function is replaced; the answer goes through the SDK's own
 * `processReturn`, so an error answer becomes the same TcbError the HTTP path would throw.
 * Everything above it (wx-server-sdk's wrappers, the query builder, runTransaction) runs as
 * shipped. Requests are routed by the environment id the SDK was initialised with; cloudPay
 * requests (action `wx.wxPayApi`) go to that emulator's `cloudPay` (see cloudPay.ts).
 */
import type { CloudbaseDatabase } from '../../cloudfunctions/adapters/cloudbase/cloudbaseStore'
import { CloudbaseEmulator, type ConflictMode } from './emulator'

interface RequestArgs {
  config?: { env?: unknown }
  params: Record<string, unknown>
}

interface RequesterModule {
  request: (args: RequestArgs) => Promise<unknown>
}

const emulators = new Map<string, CloudbaseEmulator>()
let installedOn: RequesterModule | null = null

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is CommonJS and must be the same module instance wx-server-sdk loads */
function requester(): RequesterModule {
  return require('@cloudbase/node-sdk/dist/utils/tcbapirequester') as RequesterModule
}

function processReturn(result: unknown): unknown {
  const utils = require('@cloudbase/node-sdk/dist/utils/utils') as { processReturn(r: unknown): unknown }
  return utils.processReturn(result)
}

export interface WxServerSdk {
  init(options: { env: unknown }): void
  database(config?: { env?: string; throwOnNotFound?: boolean }): unknown
  DYNAMIC_CURRENT_ENV: unknown
  getWXContext(): { OPENID?: string }
}

export function wxServerSdk(): WxServerSdk {
  return require('wx-server-sdk') as WxServerSdk
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Routes the SDK's database requests to the registered emulators (idempotent). */
export function routeSdkToEmulators(): void {
  // What a CloudBase function sees: node-sdk then never probes the metadata host to learn
  // whether it runs on Tencent Cloud (there is no network here, and nothing to probe).
  process.env.TENCENTCLOUD_RUNENV ??= 'SCF'
  const module = requester()
  if (installedOn === module) return
  module.request = async (args: RequestArgs) => {
    const env = typeof args.config?.env === 'string' ? args.config.env : String(process.env.TCB_ENV ?? '')
    const emulator = emulators.get(env)
    if (!emulator) throw new Error(`no CloudBase emulator for environment "${env}"`)
    // cloudPay goes through the same request(): @cloudbase/node-sdk wx/index.js callWxPayApi
    if (args.params.action === 'wx.wxPayApi') {
      if (!emulator.cloudPay) throw new Error(`no cloudPay emulator for environment "${env}"`)
      const answer = await emulator.cloudPay.handle(args.params)
      return Buffer.isBuffer(answer) || !answer.code ? answer : processReturn(answer)
    }
    // cloud storage goes through the same request(): @cloudbase/node-sdk storage/index.js
    if (typeof args.params.action === 'string' && args.params.action.startsWith('storage.')) {
      if (!emulator.storage) throw new Error(`no storage emulator for environment "${env}"`)
      const answer = await emulator.storage.handle(args.params)
      return answer.code ? processReturn(answer) : answer
    }
    const result = await emulator.handle(args.params)
    if (result.code) return processReturn(result)
    return result
  }
  installedOn = module
}

export function registerEmulator(emulator: CloudbaseEmulator): void {
  routeSdkToEmulators()
  emulators.set(emulator.envId, emulator)
}

export function unregisterEmulator(emulator: CloudbaseEmulator): void {
  emulators.delete(emulator.envId)
}

/**
 * A fresh emulator and the wx-server-sdk database bound to it, configured as the `api`
 * function configures it in production.
 */
export function openEmulatedDatabase(options: { conflictMode?: ConflictMode; latencyMs?: number } = {}): {
  emulator: CloudbaseEmulator
  database: CloudbaseDatabase
} {
  const emulator = new CloudbaseEmulator(options)
  registerEmulator(emulator)
  const cloud = wxServerSdk()
  cloud.init({ env: emulator.envId })
  const database = cloud.database({ env: emulator.envId, throwOnNotFound: false }) as CloudbaseDatabase
  return { emulator, database }
}
