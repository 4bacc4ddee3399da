/**
 * What every function entry shares about its deployment: the configuration error (a missing or
 * malformed environment variable, reported in Chinese to the function's log) and the CloudBase
 * environment the function runs in. No SDK is imported here: each entry passes what it has.
 */

/** A deployment mistake: the function answers a generic failure and logs this message. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigurationError'
  }
}

/** Runs an adapter's env reader; whatever it throws becomes a ConfigurationError with its message. */
export function fromEnv<T>(read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof ConfigurationError) throw error
    throw new ConfigurationError(error instanceof Error ? error.message : String(error))
  }
}

/**
 * The CloudBase environment id of the running function: getWXContext().ENV (pass it in), else what
 * the runtime sets (TCB_ENV, or SCF_NAMESPACE on CloudBase's SCF). cloudPay.unifiedOrder needs it
 * to name the environment of the payment callback function.
 */
export function cloudbaseEnvId(contextEnv: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const id = contextEnv || env.TCB_ENV || env.SCF_NAMESPACE
  if (!id) throw new ConfigurationError('无法确定云开发环境 ID（getWXContext().ENV、TCB_ENV 均为空）')
  return id
}
