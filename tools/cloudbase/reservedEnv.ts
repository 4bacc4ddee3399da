/**
 * Environment variable names a CloudBase (SCF) function must not configure for itself.
 *
 * Documented: CloudBase "云函数 › 环境变量" (https://docs.cloudbase.net/cloud-function/function-configuration/env)
 * and SCF "环境变量" (https://cloud.tencent.com/document/product/583/14570), section 使用限制: reserved keys
 * cannot be configured, namely keys starting with SCF_ (e.g. SCF_RUNTIME), QCLOUD_ (e.g. QCLOUD_APPID) and
 * TENCENTCLOUD_ (e.g. TENCENTCLOUD_SECRETID). The same pages list the variables the runtime sets itself
 * (已内置环境变量): TENCENTCLOUD_SESSIONTOKEN, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY (the function's
 * temporary credentials), _SCF_SERVER_PORT, TENCENTCLOUD_RUNENV, USER_CODE_ROOT, TRIGGER_SRC,
 * PYTHONDONTWRITEBYTECODE, PYTHONPATH, CLASSPATH, NODE_PATH.
 * They also require a key to start with a letter and hold only [A-Za-z0-9_], 2 to 64 characters
 * (SCF 使用限制), checked by envKeyFormatProblem.
 *
 * Injected by the CloudBase runtime and read from process.env by the SDKs this project runs
 * (@cloudbase/node-sdk dist/utils/tcbcontext.js getCloudbaseContext, wx-server-sdk getWXContext):
 * TCB_ENV, TCB_SOURCE, TCB_SEQID, TCB_CONTEXT_KEYS, TCB_CONTEXT_CNFG, TCB_ROUTE_KEY, … (TCB_ prefix);
 * WX_CONTEXT_KEYS, WX_OPENID, WX_APPID, WX_UNIONID, WX_CLIENTIP, WX_API_TOKEN, … (WX_ prefix: a function
 * variable named like these could shadow the caller's identity); _SCF_TCB_LOG, LOGINTYPE,
 * CLOUDBASE_ACCESS_TOKEN_PATH, CLOUDBASE_RUN. @cloudbase/node-sdk signs every database call with
 * TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN, so a function variable of that name breaks the database.
 */

export interface ReservedPrefix {
  prefix: string
  why: string
}

export const reservedEnvPrefixes: readonly ReservedPrefix[] = [
  { prefix: 'TENCENTCLOUD_', why: 'reserved by SCF/CloudBase (the runtime’s own temporary credentials)' },
  { prefix: 'SCF_', why: 'reserved by SCF/CloudBase' },
  { prefix: '_SCF_', why: 'set by the SCF runtime' },
  { prefix: 'QCLOUD_', why: 'reserved by SCF/CloudBase' },
  { prefix: 'TCB_', why: 'injected by the CloudBase runtime and read by the CloudBase SDKs' },
  { prefix: 'WX_', why: 'injected per call by the CloudBase runtime (WX_CONTEXT_KEYS, caller identity)' },
]

export const reservedEnvNames: ReadonlyMap<string, string> = new Map([
  ['USER_CODE_ROOT', 'set by the SCF runtime'],
  ['TRIGGER_SRC', 'set by the SCF runtime'],
  ['NODE_PATH', 'set by the SCF runtime'],
  ['PYTHONPATH', 'set by the SCF runtime'],
  ['PYTHONDONTWRITEBYTECODE', 'set by the SCF runtime'],
  ['CLASSPATH', 'set by the SCF runtime'],
  ['LOGINTYPE', 'read by @cloudbase/node-sdk from the runtime context'],
  ['CLOUDBASE_ACCESS_TOKEN_PATH', 'read by @cloudbase/node-sdk from the runtime'],
  ['CLOUDBASE_RUN', 'read by @cloudbase/node-sdk from the runtime'],
])

/** Why `name` is reserved and cannot be a function's own variable, or null when it is not. */
export function reservedEnvReason(name: string): string | null {
  const exact = reservedEnvNames.get(name)
  if (exact) return `${name} is ${exact}`
  const prefixed = reservedEnvPrefixes.find(({ prefix }) => name.startsWith(prefix))
  if (prefixed) return `${name}: the ${prefixed.prefix} prefix is ${prefixed.why}`
  return null
}

export function isReservedEnvName(name: string): boolean {
  return reservedEnvReason(name) !== null
}

/** Why `name` is not a valid function variable key (documented format), or null. */
export function envKeyFormatProblem(name: string): string | null {
  return /^[A-Za-z][A-Za-z0-9_]{1,63}$/.test(name)
    ? null
    : `${name}: a key must start with a letter and hold 2 to 64 characters of [A-Za-z0-9_]`
}
