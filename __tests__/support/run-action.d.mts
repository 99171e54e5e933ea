// Types for run-action.mjs (plain JavaScript so that the demo runs it without a build).
import type { ChildProcess } from 'node:child_process'
import type { RunnerCommand } from './runner-commands.mjs'

export const repoRoot: string
export const bundlePath: string
export const node24Path: string

export function resolveNode24(path?: string): string
export const HARNESS_GITHUB_TOKEN: string
export function actionDefaults(expressions?: Record<string, string>): Record<string, string>
export function inputVariable(name: string): string
export function parseOutputFile(text: string): Record<string, string>
export function cleanupAll(): void

export interface RunOptions {
  /** by input name as in action.yml ('api-key'); undefined means "not given" */
  inputs?: Record<string, string | undefined>
  /** fill inputs not given with action.yml defaults, as the runner does (default true) */
  defaults?: boolean
  /** what a `${{ github.token }}` default evaluates to (default HARNESS_GITHUB_TOKEN) */
  githubToken?: string
  env?: Record<string, string>
  /** RUNNER_DEBUG=1 */
  debug?: boolean
  /** SIGKILL after this long (default 30000) */
  timeoutMs?: number
  onSpawn?: (child: ChildProcess) => void
  /** do not throw when stdout holds workflow commands the action did not mean to write (default false) */
  allowForeignCommands?: boolean
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  files: string[]
  durationMs: number
  /** performance.now() just before spawning */
  startedAt: number
  /** performance.now() when the first stdout bytes arrived (Node start-up and bundle loading done) */
  firstOutputAt: number | undefined
  /** performance.now() at exit */
  exitedAt: number
  harnessKilled: boolean
  /** every workflow command the runner would find in stdout */
  commands: RunnerCommand[]
  child: ChildProcess
  paths: { root: string; runnerTemp: string; workspace: string; outputFile: string; summaryFile: string }
  cleanup(): void
}

export function runAction(options?: RunOptions): Promise<RunResult>

type Scannable = Pick<RunResult, 'stdout' | 'stderr' | 'outputs' | 'summary' | 'files'>
export function findSecret(result: Scannable, secret: string): string[]
export function assertSecretAbsent(result: Scannable, secret: string): void

export function createLogView(options?: { debug?: boolean }): (line: string) => string | undefined
