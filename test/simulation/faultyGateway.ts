/**
 * The network between a cloud function and a payment provider, as the simulation breaks it: the
 * Nth call of an operation never reaches the provider ('down'), or reaches it, is carried out,
 * and its answer is lost on the way back ('lostAnswer'). Either way the caller sees the
 * provider's 'unavailable' error, as the real adapters report a timeout.
 */
import {
  PaymentProviderError,
  type CreatePayment,
  type PaymentGateway,
  type RefundRequest,
} from '../../cloudfunctions/ports/payments'

export type ProviderFaultMode = 'down' | 'lostAnswer'

export interface ProviderFault {
  /** The `at`-th provider call of the operation (1-based). */
  at: number
  mode: ProviderFaultMode
}

export interface FaultyGateway extends PaymentGateway {
  /** Arms a fault for the operation that follows (null: none), and optionally a race: `beforeClose`
   * runs just before a close reaches the provider (the payer paying at that very moment). */
  arm(fault: ProviderFault | null, beforeClose?: (orderNo: string) => void): void
  /** The call the fault hit since the last `arm`, e.g. 'close'. */
  readonly hit: string | null
}

export function faultyGateway(inner: PaymentGateway): FaultyGateway {
  let fault: ProviderFault | null = null
  let calls = 0
  let hit: string | null = null
  let race: ((orderNo: string) => void) | null = null

  async function call<R>(name: string, run: () => Promise<R>): Promise<R> {
    calls += 1
    const mode = fault && !hit && calls === fault.at ? fault.mode : null
    if (!mode) return run()
    hit = name
    const timeout = new PaymentProviderError(inner.provider, 'unavailable', `simulated timeout of ${name}`)
    if (mode === 'down') throw timeout
    await run()
    throw timeout
  }

  return {
    provider: inner.provider,
    merchantId: inner.merchantId,
    arm(next, beforeClose) {
      fault = next
      calls = 0
      hit = null
      race = beforeClose ?? null
    },
    get hit() {
      return hit
    },
    create: (request: CreatePayment) => call('create', () => inner.create(request)),
    query: (orderNo: string) => call('query', () => inner.query(orderNo)),
    close: (orderNo: string) =>
      call('close', () => {
        const racing = race
        race = null
        racing?.(orderNo)
        return inner.close(orderNo)
      }),
    refund: (request: RefundRequest) => call('refund', () => inner.refund(request)),
    statement: (day: string) => call('statement', () => inner.statement(day)),
  }
}
