// Runs a bundle (or `node -e 0`) as a child process the way the GitHub runner runs a node24 action:
// Node 24, inputs as INPUT_* variables, real GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and a
// RUNNER_TEMP directory, and an environment with nothing of the developer's but PATH. The same
// environment for every program, so that start-up times compare like with like. Times spawn to exit.

import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputVariable, parseOutputFile } from '../../__tests__/support/run-action.mjs'

/**
 * @typedef {object} TimedRun
 * @property {number | null} code
 * @property {number} wallMs       spawn to exit
 * @property {number} startedAt    performance.now() just before spawn
 * @property {Record<string, string>} outputs
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * @param {string} node  the Node 24 binary
 * @param {string[]} args  e.g. [bundle] or ['-e', '0']
 * @param {Record<string, string>} inputs  by input name ('api-key')
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<TimedRun>}
 */
export async function runTimed(node, args, inputs, options = {}) {
  const root = mkdtempSync(join(tmpdir(), 'cekura-bench-'))
  try {
    const runnerTemp = join(root, 'runner-temp')
    const workspace = join(root, 'workspace')
    const home = join(root, 'home')
    for (const dir of [runnerTemp, workspace, home]) mkdirSync(dir)
    const outputFile = join(root, 'set_output')
    const summaryFile = join(root, 'step_summary')
    for (const file of [outputFile, summaryFile]) writeFileSync(file, '')

    /** @type {Record<string, string>} */
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: 'example-org/example-repo',
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      RUNNER_TEMP: runnerTemp,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64'
    }
    for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value
    Object.assign(env, options.env)

    const timeoutMs = options.timeoutMs ?? 60_000
    const startedAt = performance.now()
    const child = spawn(node, args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', chunk => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', chunk => {
      stderr += chunk
    })
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const exited = await new Promise((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', code => resolve({ code, at: performance.now() }))
    })
    await new Promise(resolve => (child.stdout.readableEnded ? resolve(undefined) : child.once('close', resolve)))
    clearTimeout(killer)
    return {
      code: exited.code,
      wallMs: exited.at - startedAt,
      startedAt,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      stdout,
      stderr
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
