// Shared expectations for the end-to-end tests in __tests__/e2e.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { DEFAULT_API_KEY, startFakeCekura, type FakeCekura, type FakeCekuraOptions, type RecordedRequest } from './fake-cekura.mjs'
import { findLeaks } from './leaks.mjs'
import { cleanupAll, createLogView, repoRoot, runAction, type RunOptions, type RunResult } from './run-action.mjs'

export const KEY = DEFAULT_API_KEY

const action = parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { outputs: Record<string, unknown> }
export const DECLARED_OUTPUTS = Object.keys(action.outputs).sort()

/** Short waits so that the suite is fast; a test overrides what it needs. */
export function fastInputs(
  fake: FakeCekura,
  progressId: string,
  extra: Record<string, string | undefined> = {}
): Record<string, string | undefined> {
  return {
    'api-key': KEY,
    'progress-id': progressId,
    'api-url': fake.url,
    'poll-interval': '100ms',
    'max-poll-interval': '300ms',
    timeout: '10s',
    ...extra
  }
}

/**
 * One fake server per test, and cleanup of the servers and temp dirs after it. Call at the top of a
 * describe block; use `ctx.fake` inside tests.
 */
export function useFake(options: FakeCekuraOptions = {}): { fake: FakeCekura } {
  const ctx = {} as { fake: FakeCekura }
  beforeEach(async () => {
    ctx.fake = await startFakeCekura(options)
  })
  afterEach(async () => {
    await ctx.fake.close()
    cleanupAll()
    // A test that set a limit on the jobs running at once (maxRunningJobs) fails when a POST broke it.
    expect(ctx.fake.overLimit).toEqual([])
  })
  return ctx
}

export async function run(options: RunOptions): Promise<RunResult> {
  return runAction({ timeoutMs: 40_000, ...options })
}

/** Requests to the real (not redirect-target) host. */
export function progressRequests(fake: FakeCekura): RecordedRequest[] {
  return fake.requests.filter(request => request.server === 'main')
}

/** The text of every ::error:: annotation, one per line. */
export function errorText(result: RunResult): string {
  return result.stdout
    .split(/\r?\n/)
    .filter(line => line.startsWith('::error'))
    .map(line =>
      line
        .replace(/^::error[^:]*::/, '')
        .replace(/%0A/g, '\n')
        .replace(/%0D/g, '\r')
        .replace(/%25/g, '%')
    )
    .join('\n')
}

/** The log as a person sees it in the runner (commands consumed, masks applied). */
export function visibleLog(result: RunResult): string[] {
  const view = createLogView()
  return result.stdout
    .split(/\r?\n/)
    .map(view)
    .filter((line): line is string => line !== undefined && line !== '')
}

/**
 * The key never leaks: masked with ::add-mask:: before anything else is printed, and found in no log line
 * (other than that command, which the runner consumes), output, summary or file.
 */
export function expectKeySafe(result: RunResult, key: string = KEY): void {
  const lines = result.stdout.split(/\r?\n/)
  const masked = lines.indexOf(`::add-mask::${key}`)
  expect(masked).toBeGreaterThanOrEqual(0)
  // Only other masks may come before it.
  expect(lines.slice(0, masked).filter(line => !line.startsWith('::add-mask::'))).toEqual([])
  expectNoLeak(result, key)
}

/** The secret is in no log line, output, summary or file, in any form (raw, escaped, encoded, base64). */
export function expectNoLeak(result: RunResult, secret: string): void {
  expect(findLeaks(result, secret)).toEqual([])
}

/** Every output action.yml declares is set, and nothing undeclared; polls and elapsed-seconds are well-formed. */
export function expectAllOutputs(result: RunResult): void {
  expect(Object.keys(result.outputs).sort()).toEqual(DECLARED_OUTPUTS)
  expect(result.outputs.polls).toMatch(/^\d+$/)
  expect(result.outputs['elapsed-seconds']).toMatch(/^\d+\.\d$/)
  // The wait is part of the process's life, so it cannot be longer than it (0.05 s for rounding).
  expect(Number(result.outputs['elapsed-seconds'])).toBeLessThanOrEqual(result.durationMs / 1000 + 0.05)
}

/** The outputs of any ending other than completed. */
export function expectNotCompletedOutputs(result: RunResult, status: 'failed' | 'timed-out' | 'cancelled'): void {
  expectAllOutputs(result)
  expect(result.outputs.status).toBe(status)
  expect(result.outputs.instructions).toBe('')
  expect(result.outputs.error).not.toBe('')
  expect(result.outputs.error).not.toContain('\n')
  const file = result.outputs['instructions-file'] ?? ''
  expect(file.startsWith(result.paths.runnerTemp)).toBe(true)
  expect(readFileSync(file, 'utf8')).toBe('')
}

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
  '&#039;': "'",
  '&amp;': '&'
}

export function htmlUnescape(text: string): string {
  return text.replace(/&(?:lt|gt|quot|amp|#39|#x27|#039);/g, entity => ENTITIES[entity] ?? entity)
}

/** The raw (still escaped) contents of every <pre> block in the summary, in order. */
export function preBlocks(summary: string): string[] {
  return [...summary.matchAll(/<pre[^>]*>([\s\S]*?)<\/pre>/g)].map(match => match[1] ?? '')
}

/** The summary with every <pre> block cut out. */
export function outsidePre(summary: string): string {
  return summary.replace(/<pre[^>]*>[\s\S]*?<\/pre>/g, '')
}

/** HTML drops one newline right after <pre>; ignore leading/trailing newlines when comparing. */
export function preText(block: string): string {
  return htmlUnescape(block)
    .replace(/^\r?\n/, '')
    .replace(/\r?\n$/, '')
}

/** The summary shows `text` exactly, inside a <pre> block, escaped. */
export function expectShownInPre(summary: string, text: string): void {
  expect(preBlocks(summary).map(preText)).toContain(text)
}

/** The status as the summary's heading shows it. */
const SUMMARY_HEADING: Record<string, string> = {
  completed: '✅ completed',
  failed: '❌ failed',
  'timed-out': '⏱️ timed out',
  cancelled: '🚫 cancelled'
}

/** The escaped text of the <pre> block under a `### <title>` heading, or undefined when there is none. */
export function summarySection(summary: string, title: string): string | undefined {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`^### ${escaped}\\n[\\s\\S]*?<pre[^>]*>([\\s\\S]*?)<\\/pre>`, 'm').exec(summary)
  return match ? preText(match[1] ?? '') : undefined
}

/**
 * The job summary agrees with the outputs: the heading and the table's status, the polls count, and
 * then the error section for an ending other than completed (the same text as the `error` output,
 * which is that text on one line), or the instructions (and no error) for a completed one.
 */
export function expectSummaryOf(result: RunResult, status: 'completed' | 'failed' | 'timed-out' | 'cancelled', polls: number): void {
  const summary = result.summary
  expect(summary).toMatch(new RegExp(`^## Cekura scenario instructions: ${SUMMARY_HEADING[status]}$`, 'm'))
  expect(summary).toMatch(new RegExp(`^\\| Status \\| ${status} \\|$`, 'm'))
  expect(summary).toMatch(new RegExp(`^\\| Polls \\| ${polls} \\|$`, 'm'))
  expect(result.outputs.polls).toBe(String(polls))
  if (status === 'completed') {
    expect(summary).not.toMatch(/^### Error$/m)
    expect(result.outputs.instructions).not.toBe('')
    expect(summary).toMatch(/^### Instructions$/m)
    expectShownInPre(summary, result.outputs.instructions ?? '')
  } else {
    expect(summary).not.toMatch(/^### Instructions$/m)
    const error = summarySection(summary, 'Error')
    expect(error).toBeDefined()
    const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim()
    expect(oneLine(error ?? '')).toBe(oneLine(result.outputs.error ?? ''))
    expect(result.outputs.error).not.toBe('')
  }
}

/**
 * The run ended at its deadline: not before `timeoutMs`, and less than 1 s after it. Lateness is measured
 * from the action's first log bytes (it prints ::add-mask:: first thing), where its clock starts, so
 * that Node's start-up on a busy machine is not counted against it.
 */
export function expectEndsAtDeadline(result: RunResult, timeoutMs: number): void {
  expect(result.firstOutputAt).toBeDefined()
  expect(result.durationMs).toBeGreaterThanOrEqual(timeoutMs)
  expect(result.exitedAt - (result.firstOutputAt ?? 0)).toBeLessThan(timeoutMs + 1000)
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = performance.now() + timeoutMs
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
