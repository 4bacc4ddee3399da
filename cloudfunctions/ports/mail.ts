/** Sending e-mail (invoice PDFs to the receiving address). Locally the outbox; in production an SMTP relay. */
export interface MailAttachment {
  fileName: string
  contentType: string
  content: Uint8Array
}

export interface MailMessage {
  to: string
  subject: string
  text: string
  attachments: MailAttachment[]
}

export interface Mail {
  send(message: MailMessage): Promise<void>
}
