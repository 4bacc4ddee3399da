import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { envKeyFormatProblem, isReservedEnvName, reservedEnvReason } from './reservedEnv'

interface CloudbaseRc {
  functions?: Array<{ name: string; envVariables?: Record<string, string> }>
}

const rc = JSON.parse(readFileSync(join(__dirname, '../../cloudbaserc.json'), 'utf8')) as CloudbaseRc
const functions = rc.functions ?? []

test('cloudbaserc.json declares functions with environment variables', () => {
  expect(functions.length).toBeGreaterThan(0)
  expect(functions.some((f) => Object.keys(f.envVariables ?? {}).length > 0)).toBe(true)
})

test.each(functions.map((f) => [f.name, f] as const))(
  'function %s configures no reserved or malformed environment variable name',
  (_name, fn) => {
    const problems = Object.keys(fn.envVariables ?? {})
      .map((key) => reservedEnvReason(key) ?? envKeyFormatProblem(key))
      .filter((problem): problem is string => problem !== null)
    expect(problems).toEqual([])
  },
)

test('the SMS key pair has its own names', () => {
  const api = functions.find((f) => f.name === 'api')
  expect(api?.envVariables).toMatchObject({
    SMS_SECRET_ID: '{{env.SMS_SECRET_ID}}',
    SMS_SECRET_KEY: '{{env.SMS_SECRET_KEY}}',
  })
})

test('the documented prefixes and built-in names are reserved; ordinary names are not', () => {
  for (const name of [
    'TENCENTCLOUD_SECRETID',
    'TENCENTCLOUD_SECRETKEY',
    'TENCENTCLOUD_SESSIONTOKEN',
    'TENCENTCLOUD_REGION',
    'SCF_RUNTIME',
    'SCF_NAMESPACE',
    '_SCF_SERVER_PORT',
    'QCLOUD_APPID',
    'TCB_ENV',
    'TCB_CONTEXT_KEYS',
    'WX_OPENID',
    'WX_CONTEXT_KEYS',
    'USER_CODE_ROOT',
    'NODE_PATH',
    'TRIGGER_SRC',
  ]) {
    expect([name, isReservedEnvName(name)]).toEqual([name, true])
  }
  for (const name of ['SMS_SECRET_ID', 'SESSION_KEY', 'ALIPAY_APP_ID', 'CLOUDBASE_SECRET_ID', 'TZ', 'TCBX']) {
    expect([name, reservedEnvReason(name)]).toEqual([name, null])
  }
  expect(reservedEnvReason('TENCENTCLOUD_SECRETID')).toContain('TENCENTCLOUD_ prefix')
})

test('keys must start with a letter and hold 2 to 64 of [A-Za-z0-9_]', () => {
  expect(envKeyFormatProblem('SMS_SECRET_ID')).toBeNull()
  expect(envKeyFormatProblem('1KEY')).not.toBeNull()
  expect(envKeyFormatProblem('A')).not.toBeNull()
  expect(envKeyFormatProblem('KEY-NAME')).not.toBeNull()
  expect(envKeyFormatProblem(`K${'X'.repeat(64)}`)).not.toBeNull()
})
