/**
 * A local Tencent Cloud API 3.0 endpoint for integration tests: plain HTTP on 127.0.0.1, every
 * request's TC3-HMAC-SHA256 signature recomputed from what arrived the way Tencent Cloud documents
 * it (https://cloud.tencent.com/document/api/213/30654), answers in the documented JSON format:
 * `{ Response: { ...fields, RequestId } }`, errors as `{ Response: { Error: { Code, Message }, RequestId } }`,
 * always HTTP 200 as the real API does. A request that fails verification never reaches the handler.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import { Agent, createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, LookupFunction } from 'node:net'

export interface Tc3Credentials {
  secretId: string
  secretKey: string
}

export interface Tc3Request {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: Buffer
  /** X-TC-Action and X-TC-Version as sent. */
  action: string
  version: string
  verified: boolean
  /** Why verification failed (absent when it passed). */
  failure?: string
}

/** What a handler answers: the action's output fields, or an error. RequestId is added. */
export type Tc3Answer = Record<string, unknown> | { Error: { Code: string; Message: string } }

export interface Tc3EndpointOptions extends Tc3Credentials {
  /** The service name the signature must be scoped to (the credential scope's second part), e.g. `sms`, `tcb`. */
  service: string
  /** Answers a verified request; a thrown error becomes an InternalError answer. */
  handle(request: Tc3Request, input: Record<string, unknown>): Tc3Answer
  /** Allowed clock skew in seconds; Tencent Cloud allows 5 minutes. */
  maxSkewSeconds?: number
}

export interface Tc3Endpoint {
  port: number
  /** `http://127.0.0.1:<port>` */
  url: string
  /** Every request that arrived, verified or not, in order. */
  received: Tc3Request[]
  close(): Promise<void>
}

export const signatureFailure = {
  Code: 'AuthFailure.SignatureFailure',
  Message: 'The provided credentials could not be validated. Please check your signature is correct.',
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/**
 * Tencent Cloud API 3.0 signature v3, recomputed from what arrived. Returns why it fails, or null.
 * SDKs sign the host name without the port (the real endpoints have none), so the port is dropped.
 */
export function checkTc3(
  expected: Tc3Credentials & { service: string; maxSkewSeconds?: number },
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): string | null {
  const auth = headers.authorization ?? ''
  const match =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    )
  if (!match) return 'malformed Authorization'
  const [, id, date, service, signedHeaders, signature] = match
  if (id !== expected.secretId) return 'unknown SecretId'
  if (service !== expected.service) return `wrong service ${service}`
  const timestamp = Number(headers['x-tc-timestamp'])
  if (
    !Number.isInteger(timestamp) ||
    Math.abs(Date.now() / 1000 - timestamp) > (expected.maxSkewSeconds ?? 300)
  )
    return 'stale timestamp'
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return 'date does not match timestamp'
  const names = signedHeaders.split(';')
  if (!names.includes('content-type') || !names.includes('host'))
    return 'content-type and host must be signed'
  const canonicalHeaders = names
    .map((name) => {
      let value = String(headers[name] ?? '').trim()
      if (name === 'host') value = value.replace(/:\d+$/, '')
      return `${name}:${value.toLowerCase()}\n`
    })
    .join('')
  const [path, query = ''] = url.split('?')
  const canonicalRequest = [method, path, query, canonicalHeaders, signedHeaders, sha256Hex(body)].join('\n')
  const stringToSign = [
    'TC3-HMAC-SHA256',
    String(timestamp),
    `${date}/${service}/tc3_request`,
    sha256Hex(canonicalRequest),
  ].join('\n')
  const kDate = hmac(`TC3${expected.secretKey}`, date)
  const kService = hmac(kDate, service)
  const kSigning = hmac(kService, 'tc3_request')
  const computed = createHmac('sha256', kSigning).update(stringToSign).digest()
  const given = Buffer.from(signature, 'hex')
  return given.length === computed.length && timingSafeEqual(given, computed) ? null : 'signature mismatch'
}

function answer(res: ServerResponse, response: Tc3Answer): void {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ Response: { ...response, RequestId: randomUUID() } }))
}

/** Starts the endpoint on an ephemeral port of 127.0.0.1. */
export async function startTc3Endpoint(options: Tc3EndpointOptions): Promise<Tc3Endpoint> {
  const received: Tc3Request[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const failure = checkTc3(options, req.method ?? '', req.url ?? '', req.headers, body)
      const request: Tc3Request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        action: String(req.headers['x-tc-action'] ?? ''),
        version: String(req.headers['x-tc-version'] ?? ''),
        verified: failure === null,
        ...(failure ? { failure } : {}),
      }
      received.push(request)
      if (failure) {
        answer(res, { Error: signatureFailure })
        return
      }
      let input: Record<string, unknown>
      try {
        input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}
      } catch {
        answer(res, { Error: { Code: 'InvalidParameter', Message: 'the request body is not JSON' } })
        return
      }
      try {
        answer(res, options.handle(request, input))
      } catch (error) {
        answer(res, { Error: { Code: 'InternalError', Message: String(error) } })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** An agent that sends every connection to 127.0.0.1, whatever host name the SDK asks for. */
export function loopbackAgent(): Agent {
  const loopbackOnly: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
    else callback(null, '127.0.0.1', 4)
  }
  return new Agent({ lookup: loopbackOnly } as ConstructorParameters<typeof Agent>[0])
}
