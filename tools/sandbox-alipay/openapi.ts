/**
 * The OpenAPI v2 gateway's side of Alipay's signatures, for local gateways that the real
 * alipay-sdk talks to: the app's request signature is checked the way Alipay documents it and
 * answers are signed with a locally generated "Alipay" key, so the SDK's verification runs.
 */
import { createSign, createVerify, generateKeyPairSync } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface RsaPair {
  publicKey: string
  privateKey: string
}

/** A fresh RSA-2048 pair (PEM), generated per run: no key is ever committed. */
export function rsaPair(privateType: 'pkcs1' | 'pkcs8'): RsaPair {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: privateType, format: 'pem' },
  })
}

/** The Alipay console hands keys out as bare base64, without PEM armour. */
export const bare = (pem: string): string =>
  pem.replace(/-----(BEGIN|END)[^-]*-----/g, '').replace(/\s+/g, '')

/**
 * Alipay's request check: every parameter except sign, no empty values, sorted by name, k=v
 * joined with '&', SHA256withRSA with the app's public key.
 */
export function verifyAppRequest(params: Record<string, string>, appPublicKey: string): boolean {
  const { sign, ...rest } = params
  if (!sign) return false
  const content = Object.keys(rest)
    .filter((key) => rest[key] !== '')
    .sort()
    .map((key) => `${key}=${rest[key]}`)
    .join('&')
  return createVerify('RSA-SHA256').update(content, 'utf8').verify(appPublicKey, sign, 'base64')
}

export function signAsAlipay(content: string, privateKey: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKey, 'base64')
}

/** Query string and form body together, as the gateway accepts both. */
export async function readParams(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const params: Record<string, string> = {}
  const url = new URL(req.url ?? '/', 'http://gateway')
  url.searchParams.forEach((value, key) => (params[key] = value))
  new URLSearchParams(Buffer.concat(chunks).toString('utf8')).forEach((value, key) => (params[key] = value))
  return params
}

/** `{"<key>":<content>,"sign":"…"}` with the signature over <content> exactly as sent. */
export function signedAnswer(
  res: ServerResponse,
  key: string,
  payload: Record<string, unknown>,
  signingKey: string,
  alter: (content: string) => string = (content) => content,
): void {
  const content = JSON.stringify(payload)
  const sign = signAsAlipay(content, signingKey)
  res.writeHead(200, { 'content-type': 'text/html;charset=utf-8' })
  res.end(`{"${key}":${alter(content)},"sign":"${sign}"}`)
}

/** The answer key the SDK looks for: alipay.trade.query → alipay_trade_query_response. */
export const responseKeyOf = (method: string): string => `${method.replaceAll('.', '_')}_response`
