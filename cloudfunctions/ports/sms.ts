/** Sending a text message. Locally the outbox; in production Tencent Cloud SMS. */
export interface SmsMessage {
  phone: string
  /** The template's parameters, e.g. the code; the adapter renders or forwards them. */
  code: string
  text: string
}

export interface Sms {
  send(message: SmsMessage): Promise<void>
}
