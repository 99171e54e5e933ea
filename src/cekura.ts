import type { Agent } from 'node:http'
import { HttpClient } from '@actions/http-client'
import { NetworkError, RedirectError, request } from './http.js'
import { classifyAnswer, classifyNetworkError, type Verdict } from './retry.js'
import { USER_AGENT } from './version.js'

export const PROGRESS_PATH = '/test_framework/v1/scenarios/instructions-progress/'

export interface CallOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/** The one call the poll loop needs; tests and the benchmark give their own. */
export interface ProgressSource {
  getProgress(progressId: string, options: CallOptions): Promise<Verdict>
}

export interface ClientOptions {
  apiUrl: string
  apiKey: string
  debug?: (line: string) => void
}

/** Talks to the Cekura API over HTTP, through the runner's proxy settings when there are any. */
export class CekuraClient implements ProgressSource {
  private readonly agents = new HttpClient(USER_AGENT, [], { keepAlive: true })

  constructor(private readonly options: ClientOptions) {}

  progressUrl(progressId: string): URL {
    const url = new URL(`${this.options.apiUrl}${PROGRESS_PATH}`)
    url.searchParams.set('progress_id', progressId)
    return url
  }

  async getProgress(progressId: string, options: CallOptions): Promise<Verdict> {
    const url = this.progressUrl(progressId)
    this.options.debug?.(`GET ${url.href} (timeout ${options.timeoutMs}ms)`)
    try {
      const answer = await request(url, {
        method: 'GET',
        headers: {
          'X-CEKURA-API-KEY': this.options.apiKey,
          Accept: 'application/json',
          'User-Agent': USER_AGENT
        },
        timeoutMs: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        agentFor: target => this.agents.getAgent(target.href) as Agent
      })
      this.options.debug?.(`HTTP ${answer.status}: ${answer.body.slice(0, 2000)}`)
      return classifyAnswer(answer, Date.now())
    } catch (error) {
      if (error instanceof RedirectError) return { kind: 'fatal', message: error.message }
      this.options.debug?.(`request failed: ${error instanceof Error ? error.message : String(error)}`)
      if (error instanceof NetworkError || error instanceof Error) return classifyNetworkError(error)
      throw error
    }
  }

  /** Closes kept-alive sockets so nothing holds the process open. */
  close(): void {
    this.agents.dispose()
  }
}
