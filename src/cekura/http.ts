import * as http from 'node:http'
import * as https from 'node:https'
import { errorMessage } from '../base/text.js'

/** One HTTP answer, read whole. */
export interface HttpAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A larger answer is not read: a progress response is a few kilobytes. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024
const MAX_REDIRECTS = 5

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH'
  headers: Record<string, string>
  body?: string
  /** The whole request, connection to last byte, including redirects. */
  timeoutMs: number
  signal?: AbortSignal
  /** Picks the agent for a URL (keep-alive, proxy tunnelling). */
  agentFor?: (url: URL) => http.Agent | undefined
}

/** The code of a request that could not even be built, so was never sent. */
export const NOT_SENT = 'ERR_NOT_SENT'

/** The request gave no answer: network fault, timeout, or abort. `code` follows Node's error codes. */
export class NetworkError extends Error {
  override name = 'NetworkError'
  constructor(
    message: string,
    readonly code: string
  ) {
    super(message)
  }
}

/** An answer that will not be used, however often it is asked for again: retrying cannot help. */
export class RefusedAnswer extends Error {
  override name = 'RefusedAnswer'
}

/** A redirect to another origin (following it would send the API key there), or one that cannot be read. */
export class RedirectError extends RefusedAnswer {
  override name = 'RedirectError'
}

/** An answer over MAX_BODY_BYTES: the download stops at the cap. */
export class TooLargeError extends RefusedAnswer {
  override name = 'TooLargeError'
  constructor() {
    super('Cekura sent an answer too large (over 16 MiB); it was not read.')
  }
}

/**
 * Sends one HTTP request and reads the whole answer. A GET follows redirects within the same origin
 * only; the key must never travel elsewhere.
 */
export async function request(url: URL, options: RequestOptions): Promise<HttpAnswer> {
  const deadline = performance.now() + options.timeoutMs
  let current = url
  for (let hop = 0; ; hop++) {
    const answer = await once(current, options, Math.max(1, deadline - performance.now()))
    // Only reads follow redirects: a request that changes something is never sent a second time.
    const location = options.method === 'GET' && answer.status >= 300 && answer.status < 400 ? headerValue(answer, 'location') : undefined
    if (location === undefined) return answer
    let next: URL
    try {
      next = new URL(location, current)
    } catch {
      throw new RedirectError(
        `Cekura answered with a redirect (HTTP ${answer.status}) whose Location header cannot be read as a URL ` +
          `(${JSON.stringify(location.slice(0, 200))}); it was not followed.`
      )
    }
    if (next.origin !== url.origin) {
      throw new RedirectError(
        `Cekura redirected the request to ${next.origin}, another host than the api-url ${url.origin}; ` +
          'it was not followed so that the API key is not sent there. Check the api-url input.'
      )
    }
    if (hop >= MAX_REDIRECTS) throw new RedirectError(`Too many redirects (more than ${MAX_REDIRECTS}) from ${url.origin}.`)
    current = next
  }
}

/** A header's first value (Node gives repeated headers as a list). */
export function headerValue(answer: HttpAnswer, name: string): string | undefined {
  const value = answer.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function once(url: URL, options: RequestOptions, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new NetworkError('the request was aborted', 'ABORTED'))
      return
    }
    const send = url.protocol === 'https:' ? https.request : http.request
    const headers: Record<string, string> = { ...options.headers }
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body))
    const agent = options.agentFor?.(url)
    let req: http.ClientRequest
    try {
      req = send(url, { method: options.method, headers, ...(agent ? { agent } : {}) })
    } catch (error) {
      // Node refused to build the request (a header it cannot send, say): nothing left this machine.
      reject(new NetworkError(errorMessage(error), NOT_SENT))
      return
    }

    let settled = false
    const finish = (error: Error | undefined, answer?: HttpAnswer): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      if (error) {
        req.destroy()
        reject(error)
      } else {
        resolve(answer as HttpAnswer)
      }
    }
    const timer = setTimeout(
      () => finish(new NetworkError(`no answer within ${(timeoutMs / 1000).toFixed(1)}s`, 'REQUEST_TIMEOUT')),
      timeoutMs
    )
    const onAbort = (): void => finish(new NetworkError('the request was aborted', 'ABORTED'))
    options.signal?.addEventListener('abort', onAbort, { once: true })

    req.on('error', error => {
      const code = (error as NodeJS.ErrnoException).code ?? 'ERR_NETWORK'
      finish(new NetworkError(error.message, code))
    })
    req.on('response', res => {
      const chunks: Buffer[] = []
      let size = 0
      // Stop at the cap: reading on would only fetch what is thrown away, until the timeout.
      if (Number(res.headers['content-length']) > MAX_BODY_BYTES) {
        finish(new TooLargeError())
        return
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY_BYTES) finish(new TooLargeError())
        else chunks.push(chunk)
      })
      res.on('error', error => finish(new NetworkError(error.message, (error as NodeJS.ErrnoException).code ?? 'ECONNRESET')))
      res.on('aborted', () => finish(new NetworkError('the connection closed mid-answer', 'ECONNRESET')))
      res.on('end', () =>
        finish(undefined, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8')
        })
      )
    })
    req.end(options.body)
  })
}
