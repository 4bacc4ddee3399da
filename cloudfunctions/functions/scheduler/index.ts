import cloud from 'wx-server-sdk'
import { AlipayPaymentGateway } from '../../adapters/alipay/alipayPay'
import { createCloudbaseFiles, type CloudStorageApi } from '../../adapters/cloudbase/files'
import { createCloudbaseStore, type CloudbaseDatabase } from '../../adapters/cloudbase/cloudbaseStore'
import type { CloudPayApi } from '../../adapters/wechatPay/cloudPayApi'
import { systemClock } from '../../ports/clock'
import { alipayPayConfigFromEnv } from '../shared/alipayPayFromEnv'
import { cloudbaseEnvId, ConfigurationError, fromEnv } from '../shared/configuration'
import { wechatPayFromEnv } from '../shared/wechatPayFromEnv'
import { createScheduler, type Scheduler, type SchedulerRun } from './handler'

/**
 * The scheduler cloud function, called by its timer trigger (cloudbaserc.json): closes expired
 * orders, reconciles the providers' statements, pays refunds owed, writes and expires export files (jobs.ts). The payment gateways
 * come from the same variables as the api's: WeChat Pay when WECHAT_PAY_SUB_MCH_ID is set, Alipay
 * when ALIPAY_SELLER_ID is (with its app id and keys). alipay-sdk loads on the first Alipay call.
 */

let scheduler: Scheduler | null = null

function getScheduler(): Scheduler {
  if (scheduler) return scheduler
  cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })
  const cloudPay = (cloud as unknown as { cloudPay: CloudPayApi }).cloudPay
  // a timer trigger has no caller context: the environment comes from the runtime (TCB_ENV)
  const wechat = fromEnv(() => wechatPayFromEnv(cloudPay, () => cloudbaseEnvId(cloud.getWXContext().ENV)))
  const alipay = fromEnv(() => alipayPayConfigFromEnv(process.env, { notifyUrl: 'optional' }))
  // A missing document reads as null (the Store port's get); the SDK's typings omit the option.
  const databaseConfig = { throwOnNotFound: false } as Parameters<typeof cloud.database>[0]
  const store = createCloudbaseStore(cloud.database(databaseConfig) as unknown as CloudbaseDatabase)
  scheduler = createScheduler({
    store,
    clock: systemClock,
    gateways: {
      ...(wechat ? { wechat: wechat.gateway } : {}),
      // a bill download may not eat the run: 15 s, not the adapter's 30 s (a failed one is retried next run)
      ...(alipay ? { alipay: new AlipayPaymentGateway({ ...alipay, downloadTimeoutMs: 15_000 }) } : {}),
    },
    files: createCloudbaseFiles(cloud as unknown as CloudStorageApi),
    log: (line) => console.log(line),
  })
  return scheduler
}

export async function main(_event: unknown, _context: unknown): Promise<SchedulerRun | { error: string }> {
  try {
    const run = await getScheduler().run(systemClock.now())
    console.log(JSON.stringify({ type: 'scheduler', ...run }))
    return run
  } catch (error) {
    const configuration = error instanceof ConfigurationError
    console.error('[scheduler] entry failure', configuration ? error.message : error)
    return { error: configuration ? error.message : 'INTERNAL' }
  }
}
