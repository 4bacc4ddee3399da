import { randomUUID } from 'node:crypto'
import type { Clock } from '../../ports/clock'
import type { Mail, MailMessage } from '../../ports/mail'
import type { Store } from '../../ports/store'
import { outboxCollection, type OutboxMessage } from './outboxSms'

/**
 * Local e-mail: nothing leaves the machine; the message lands in the developer's outbox (the same
 * devOutbox and /dev/outbox page as SMS), with the recipient in `phone`, the attachments named.
 */
export class OutboxMail implements Mail {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const sentAt = this.clock.now().toISOString()
    const id = `${sentAt}-${randomUUID()}`
    const attached = message.attachments
      .map((a) => `${a.fileName}（${a.content.byteLength} 字节）`)
      .join('、')
    const doc: OutboxMessage & { channel: 'mail'; subject: string } = {
      id,
      channel: 'mail',
      phone: message.to,
      code: '',
      subject: message.subject,
      text: `【邮件】${message.subject}\n${message.text}${attached ? `\n附件：${attached}` : ''}`,
      sentAt,
    }
    await this.store.set(outboxCollection, id, { ...doc })
  }
}

export function createOutboxMail(store: Store, clock: Clock): Mail {
  return new OutboxMail(store, clock)
}
