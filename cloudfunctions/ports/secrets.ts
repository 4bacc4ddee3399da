/**
 * Keys the functions need. In production they come from CloudBase environment variables;
 * the local server generates demo keys on first start. Never committed.
 */
export interface Secrets {
  /** HS256 key for session tokens (Alipay and H5). */
  sessionKey: Uint8Array
  /** AES-256-GCM key for personal data at rest (phones, ID numbers). */
  dataKey: Buffer
  /** HMAC-SHA256 key for the lookup hashes of personal data. */
  lookupKey: Buffer
}
