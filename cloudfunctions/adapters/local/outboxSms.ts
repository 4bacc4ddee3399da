import { randomUUID } from 'node:crypto'
import type { Clock } from '../../ports/clock'
import type { Sms, SmsMessage } from '../../ports/sms'
import type { Store } from '../../ports/store'

export const outboxCollection = 'devOutbox'

/** A text message that was "sent" locally, for the developer's outbox page and tests. */
export interface OutboxMessage {
  id: string
  phone: string
  code: string
  text: string
  sentAt: string
}

/** Local SMS: nothing leaves the machine; the developer reads codes from the outbox. */
export class OutboxSms implements Sms {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const sentAt = this.clock.now().toISOString()
    // sentAt first in the id keeps ties between same-millisecond messages stable.
    const id = `${sentAt}-${randomUUID()}`
    const doc: OutboxMessage = { id, phone: message.phone, code: message.code, text: message.text, sentAt }
    await this.store.set(outboxCollection, id, { ...doc })
  }
}

export function createOutboxSms(store: Store, clock: Clock): OutboxSms {
  return new OutboxSms(store, clock)
}

/** Newest first. */
export async function listOutbox(store: Store, limit: number): Promise<OutboxMessage[]> {
  const page = await store.query<OutboxMessage & { [key: string]: unknown }>(outboxCollection, {
    orderBy: { field: 'sentAt', direction: 'desc' },
    limit,
  })
  return page.items.map(({ id, phone, code, text, sentAt }) => ({ id, phone, code, text, sentAt }))
}
