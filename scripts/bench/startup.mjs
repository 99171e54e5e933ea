// Table 2: start-up. Wall time, spawn to exit, of the committed bundle under Node 24 for a job that is
// already complete at the first poll, beside `node -e 0` and the toolkit floor, all run the same way
// (spawn-action.mjs) against the fake Cekura server. Rounds are interleaved so that any drift in the
// machine's load touches all three alike; the first rounds warm the file cache and are not counted.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { runTimed } from './spawn-action.mjs'
import { median, percentile } from './util.mjs'

export const WARMUP_ROUNDS = 3
/** The target: the bundle's median at most this many times the toolkit floor's. */
export const STARTUP_TARGET = 1.15

/**
 * @param {{ node: string, bundle: string, bundleName: string, floorBundle: string, inputs: Record<string, string>, rounds: number }} options
 */
export async function measureStartup({ node, bundle, bundleName, floorBundle, inputs, rounds }) {
  const programs = [
    { name: '`node -e 0`', args: ['-e', '0'], expect: undefined },
    { name: 'toolkit floor', args: [floorBundle], expect: 'completed' },
    { name: `action bundle (${bundleName})`, args: [bundle], expect: 'completed' }
  ]
  /** @type {number[][]} */
  const times = programs.map(() => [])
  for (let round = 0; round < WARMUP_ROUNDS + rounds; round++) {
    // Rotate the order each round, so that none always runs right after another.
    for (let k = 0; k < programs.length; k++) {
      const index = (round + k) % programs.length
      const program = /** @type {typeof programs[number]} */ (programs[index])
      const run = await runTimed(node, program.args, inputs)
      if (run.code !== 0 || (program.expect !== undefined && run.outputs.status !== program.expect)) {
        throw new Error(`${program.name} did not complete (exit ${run.code}, status ${run.outputs.status}):\n${run.stdout}${run.stderr}`)
      }
      if (round >= WARMUP_ROUNDS) times[index]?.push(run.wallMs)
    }
  }
  return programs.map((program, index) => {
    const wall = /** @type {number[]} */ (times[index])
    return { name: program.name, runs: wall.length, medianMs: median(wall), minMs: Math.min(...wall), p90Ms: percentile(wall, 90), wall }
  })
}

/**
 * The files of a bundle folder and their sizes: code (.js, .cjs), source maps, the rest.
 * @param {string} dir
 */
export function bundleSize(dir) {
  let code = 0
  let maps = 0
  let other = 0
  const chunks = []
  for (const name of readdirSync(dir)) {
    const bytes = statSync(join(dir, name)).size
    if (name.endsWith('.map')) maps += bytes
    else if (name.endsWith('.js') || name.endsWith('.cjs')) {
      code += bytes
      if (name !== 'index.js' && name !== 'sourcemap-register.cjs') chunks.push(name)
    } else other += bytes
  }
  return { entry: statSync(join(dir, 'index.js')).size, code, maps, other, total: code + maps + other, chunks }
}

/**
 * Which of the bundle's lazily loaded chunks (dist/<n>.index.js) a run loads, recorded by the test
 * suite's module-recording hook. An empty list means nothing beyond index.js was loaded.
 * @param {{ node: string, bundle: string, inputs: Record<string, string>, recorder: string }} options
 * @returns {Promise<string[]>}
 */
export async function chunksLoaded({ node, bundle, inputs, recorder }) {
  const dir = mkdtempSync(join(tmpdir(), 'cekura-bench-modules-'))
  try {
    const file = join(dir, 'modules.txt')
    const run = await runTimed(node, ['--import', pathToFileURL(recorder).href, bundle], inputs, { env: { RECORD_MODULES_FILE: file } })
    if (run.code !== 0) throw new Error(`the recorded run failed:\n${run.stdout}${run.stderr}`)
    const bundleDir = pathToFileURL(dirname(bundle)).href
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(url => url.startsWith(`${bundleDir}/`))
      .map(url => basename(new URL(url).pathname))
      .filter(name => name !== basename(bundle) && name.endsWith('.js'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Where a bundle spends its CPU time at start, from V8 CPU profiles of a few runs: the lines of the
 * bundle's own files with the most self time, with their text and, through the bundle's source maps,
 * the source file and line they come from. Used to explain a missed target.
 * @param {{ node: string, bundle: string, inputs: Record<string, string>, runs?: number, top?: number }} options
 * @returns {Promise<Array<{ ms: number, file: string, line: number, text: string, source: string }>>}
 */
export async function hotLines({ node, bundle, inputs, runs = 6, top = 6 }) {
  const dir = mkdtempSync(join(tmpdir(), 'cekura-bench-prof-'))
  try {
    for (let i = 0; i < runs; i++) {
      await runTimed(node, ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', dir, bundle], inputs)
    }
    const bundleDir = pathToFileURL(dirname(bundle)).href
    /** @type {Map<string, number>} */
    const ms = new Map()
    for (const name of readdirSync(dir)) {
      /** @type {{ nodes: Array<{ callFrame: { url: string }, positionTicks?: Array<{ line: number, ticks: number }> }>, startTime: number, endTime: number, samples: number[] }} */
      const profile = JSON.parse(readFileSync(join(dir, name), 'utf8'))
      const msPerTick = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length)
      for (const node of profile.nodes) {
        if (!node.callFrame.url.startsWith(`${bundleDir}/`)) continue
        for (const { line, ticks } of node.positionTicks ?? []) {
          const key = `${node.callFrame.url}\n${line}`
          ms.set(key, (ms.get(key) ?? 0) + (ticks * msPerTick) / runs)
        }
      }
    }
    /** @type {Map<string, string[]>} */
    const sources = new Map()
    return [...ms.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, spent]) => {
        const [url = '', line = '0'] = key.split('\n')
        const path = new URL(url).pathname
        if (!sources.has(path)) sources.set(path, readFileSync(path, 'utf8').split('\n'))
        const whole = sources.get(path)?.[Number(line) - 1] ?? ''
        const text = whole.trim()
        const column = whole.length - whole.trimStart().length
        return {
          ms: spent,
          file: basename(path),
          line: Number(line),
          text: text.length > 100 ? `${text.slice(0, 100)}…` : text,
          source: originalPosition(path, Number(line), column)
        }
      })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** @type {Map<string, SourceMap | undefined>} */
const maps = new Map()

/**
 * `src/report/comment.ts:21` for a line of a bundle file, from its source map; '' when there is none.
 * @param {string} file @param {number} line 1-based @param {number} column 0-based
 */
function originalPosition(file, line, column) {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined)
  }
  const entry = maps.get(file)?.findEntry(line - 1, column)
  if (!entry || !('originalSource' in entry) || !entry.originalSource) return ''
  // ncc names sources like ".././src/report/comment.ts" or "../node_modules/undici/lib/…": repository paths
  // behind some leading ../ and ./ segments.
  const shown = entry.originalSource.replace(/^webpack:\/\/[^/]*\//, '').replace(/^(\.\.?\/)+/, '')
  return `${shown}:${entry.originalLine + 1}`
}
