// `npm run bench`: how soon the action notices a finished job, what it spends, how fast it starts.
// Prints four tables (the README's Performance section explains them):
//   1. polling efficiency: the real poll loop on a virtual clock against simulated jobs, our default
//      schedule beside fixed 2/5/10/30 s pollers, for jobs of random age (1a) and for jobs that begin
//      at the first poll (1b);
//   2. start-up: the committed bundle under Node 24 beside `node -e 0` and a toolkit-only bundle;
//   3. reality check: real-time runs of the bundle against the fake server, beside the simulation;
//   4. batches: the real batch runner on a virtual clock, 20 jobs of about 10 s at concurrency 1 to 10.
//
//   node scripts/bench.mjs [--runs 10000] [--startup-runs 21] [--reality-runs 3] [--batch-runs 200] [--only 1,2,3,4]
//                          [--poll-interval 2.5s --max-poll-interval 25s] [--seed 20261129]
//                          [--bundle dist/index.js] [--phase 2s]
//
// The schedule under test is the action.yml defaults unless --poll-interval / --max-poll-interval say
// otherwise; --bundle times another build (e.g. `node scripts/build.mjs .bench/candidate` before
// committing dist); --phase replaces table 1a's phase model with a constant 0–N head start, to show how
// much the comparison depends on it. Builds into the git-ignored .bench/ folder; needs only `npm ci`.

import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { startFakeCekura, DEFAULT_API_KEY } from '../__tests__/support/fake-cekura.mjs'
import { actionDefaults, resolveNode24 } from '../__tests__/support/run-action.mjs'
import { BATCH_TARGET, batchTable, JOB_MS, JOBS, SPREAD } from './bench/batch.mjs'
import { compile } from './bench/compile.mjs'
import { observeOnce } from './bench/reality.mjs'
import {
  BEGINS_AT_FIRST_POLL,
  DEFAULT_PHASE,
  fixedPhase,
  loadSimulation,
  pollingTable,
  predict,
  randomAge,
  REQUEST_COST_S
} from './bench/simulate.mjs'
import { bundleSize, chunksLoaded, hotLines, measureStartup, STARTUP_TARGET, WARMUP_ROUNDS } from './bench/startup.mjs'
import { durationLabel, markdownTable, mean, median, percentile, seconds, size } from './bench/util.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RATIO_TARGET = 1.35
/** @type {Array<{ durationMs: number, mode: 'poll' | 'generate' }>} */
const REALITY_JOBS = [
  { durationMs: 3000, mode: 'poll' },
  { durationMs: 12_000, mode: 'poll' },
  { durationMs: 3000, mode: 'generate' }
]

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    'startup-runs': { type: 'string', default: '21' },
    'reality-runs': { type: 'string', default: '3' },
    'batch-runs': { type: 'string', default: '200' },
    only: { type: 'string', default: '1,2,3,4' },
    'poll-interval': { type: 'string' },
    'max-poll-interval': { type: 'string' },
    seed: { type: 'string', default: '20261129' },
    bundle: { type: 'string', default: 'dist/index.js' },
    phase: { type: 'string' }
  }
})
const runs = atLeast('runs', 200)
const startupRuns = atLeast('startup-runs', 15)
const realityRuns = atLeast('reality-runs', 1)
const batchRuns = atLeast('batch-runs', 20)
const seed = Number(args.seed)
const only = new Set((args.only ?? '').split(',').map(s => s.trim()))
const bundle = resolve(root, args.bundle ?? 'dist/index.js')
const bundleName = relative(root, bundle)

/** @param {'runs' | 'startup-runs' | 'reality-runs' | 'batch-runs'} name @param {number} min */
function atLeast(name, min) {
  const n = Number(args[name])
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min}`)
    process.exit(2)
  }
  return n
}

const began = performance.now()
console.log('# Cekura Scenario Instructions: benchmark\n')
const cpu = cpus()
console.log(
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; load average ${loadavg()
    .map(l => l.toFixed(2))
    .join(', ')}.`
)
console.log(`Simulation under Node ${process.version}.`)

const built = compile(root)
const sim = await loadSimulation(built.simDir)

const defaults = actionDefaults()
const pollIntervalText = args['poll-interval'] ?? defaults['poll-interval'] ?? ''
const maxPollIntervalText = args['max-poll-interval'] ?? defaults['max-poll-interval'] ?? ''
const schedule = {
  pollIntervalMs: durationInput('poll-interval', pollIntervalText),
  maxPollIntervalMs: durationInput('max-poll-interval', maxPollIntervalText)
}
const scheduleSource = args['poll-interval'] || args['max-poll-interval'] ? 'given on the command line' : 'the action.yml defaults'
const ourName = `ours (${pollIntervalText} → ${maxPollIntervalText})`

const phase = args.phase === undefined ? DEFAULT_PHASE : fixedPhase(durationInput('phase', args.phase))

/** @param {string} name @param {string} text */
function durationInput(name, text) {
  const ms = sim.parseDuration(text)
  if (ms === undefined) throw new Error(`${name} '${text}' is not a duration`)
  return ms
}

console.log(
  `Schedule under test (${scheduleSource}): poll-interval ${pollIntervalText}, max-poll-interval ${maxPollIntervalText}; ` +
    `growth and jitter as src/wait/schedule.ts has them (GROWTH_SECONDS ${sim.GROWTH_SECONDS}, JITTER ±${Math.round(sim.JITTER * 100)} %).`
)

/** @type {string[]} */
const verdicts = []

if (only.has('1')) await tableOne()

let node24
if (only.has('2') || only.has('3')) {
  try {
    node24 = resolveNode24()
  } catch (error) {
    console.log(`\n## 2 and 3 skipped: no Node 24 or newer\n\n${error instanceof Error ? error.message : String(error)}`)
    verdicts.push('Start-up: NOT MEASURED (no Node 24 or newer)')
  }
}
if (node24) {
  const fake = await startFakeCekura()
  try {
    const inputs = { ...defaults, 'api-key': DEFAULT_API_KEY, 'api-url': fake.url, 'progress-id': 'complete-after-1' }
    if (only.has('2')) await tableTwo(node24, inputs)
    if (only.has('3')) await tableThree(node24, fake, inputs)
  } finally {
    await fake.close()
  }
}

if (only.has('4')) await tableFour()

console.log(`\n## Verdict\n\n${verdicts.map(v => `- ${v}`).join('\n')}`)
console.log(`\nBenchmark took ${seconds(performance.now() - began, 0)} s.`)

// ---------------------------------------------------------------------------------------------------

async function tableOne() {
  console.log(`\n## 1. Polling efficiency (simulated: ${runs} runs per job duration and table)\n`)
  console.log(
    `The real poll loop (pollUntilDone, src/wait/poll.ts) on a virtual clock against a simulated job. A job of duration D; ${phase.text}; requests take no time. ` +
      `Overshoot: from the job's end to the poll that sees it. Cost = mean overshoot s + ${REQUEST_COST_S} s × mean requests. ` +
      "Ratio: cost ÷ the cheapest fixed poller's cost at that duration (marked *), ± one standard error. " +
      'Fixed pollers have no jitter; ours has its own. Two job models, one table each; the target holds for both.'
  )
  await pollingSection('1a. Jobs of random age', `The job started before the action: ${phase.text}.`, randomAge(phase), seed)
  await pollingSection(
    '1b. Jobs that begin at the first poll',
    `The action started the job (generate, improve), or the step before it did a moment earlier: ${BEGINS_AT_FIRST_POLL.text}.`,
    BEGINS_AT_FIRST_POLL,
    seed + 1
  )
}

/**
 * @param {string} title
 * @param {string} model  how the job is modelled, one sentence
 * @param {import('./bench/simulate.mjs').JobModel} jobModel
 * @param {number} tableSeed
 */
async function pollingSection(title, model, jobModel, tableSeed) {
  console.log(`\n### ${title}\n\n${model}\n`)
  const table = await pollingTable(sim.pollUntilDone, { name: ourName, ...schedule }, runs, tableSeed, jobModel)
  const rows = []
  for (const row of table) {
    for (const cell of row) {
      rows.push([
        durationLabel(cell.durationMs),
        `${cell.name}${cell.best ? ' *' : ''}`,
        cell.meanOvershootS.toFixed(2),
        cell.p95OvershootS.toFixed(2),
        cell.meanRequests.toFixed(1),
        cell.cost.toFixed(2),
        cell.best ? '1.00' : `${cell.ratio?.toFixed(2)}${cell.fixed ? '' : ` ±${cell.ratioError?.toFixed(3)}`}`
      ])
    }
  }
  console.log(markdownTable(['Job', 'Schedule', 'Mean overshoot s', 'p95 overshoot s', 'Mean requests', 'Cost', 'Ratio'], rows, ['l', 'l']))

  const names = (table[0] ?? []).map(cell => cell.name)
  const worst = names.map((name, k) => {
    const cells = table.map(row => /** @type {import('./bench/simulate.mjs').Cell} */ (row[k]))
    const w = cells.reduce((a, b) => ((b.ratio ?? 0) > (a.ratio ?? 0) ? b : a))
    return { name, ratio: w.ratio ?? 0, at: durationLabel(w.durationMs), error: w.ratioError ?? 0 }
  })
  console.log('\nWorst ratio over the table:')
  console.log(
    markdownTable(
      ['Schedule', 'Worst ratio', 'At'],
      worst.map(w => [w.name, w.ratio.toFixed(2), w.at]),
      ['l']
    )
  )
  const ours = worst[0]
  if (ours) {
    const met = ours.ratio <= RATIO_TARGET
    verdicts.push(
      `Polling, ${title.replace(/^\S+ /, '').toLowerCase()}: our worst cost ratio is ${ours.ratio.toFixed(3)} ±${ours.error.toFixed(3)} (at ${ours.at}); target ≤ ${RATIO_TARGET}: ${met ? 'met' : 'MISSED'}.`
    )
  }
}

/**
 * @param {string} node
 * @param {Record<string, string>} inputs
 */
async function tableTwo(node, inputs) {
  console.log(`\n## 2. Start-up (median of ${startupRuns} runs each)\n`)
  console.log(
    `Node 24 (${node24Version(node)}). Wall time from spawn to exit, with the runner's environment (INPUT_* variables, ` +
      'GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP) and the action.yml defaults, for a job that is already complete at the ' +
      `first poll (fake server on 127.0.0.1). Rounds interleave the three programs; the first ${WARMUP_ROUNDS} are warm-up. The toolkit ` +
      'floor is scripts/bench/toolkit-floor.js bundled with ncc like the action: it imports @actions/core and ' +
      '@actions/http-client, makes one request and sets one output.\n'
  )
  const results = await measureStartup({ node, bundle, bundleName, floorBundle: built.floorBundle, inputs, rounds: startupRuns })
  const [bare, floor, ours] = results
  if (!bare || !floor || !ours) throw new Error('start-up measurement incomplete')
  const sizes = [undefined, bundleSize(built.floorDir), bundleSize(dirname(bundle))]
  console.log(
    markdownTable(
      ['Program', 'Median ms', 'Min ms', 'p90 ms', '× toolkit floor', 'Code on disk', 'With source maps'],
      results.map((r, i) => {
        const s = sizes[i]
        return [
          r.name,
          r.medianMs.toFixed(0),
          r.minMs.toFixed(0),
          r.p90Ms.toFixed(0),
          (r.medianMs / floor.medianMs).toFixed(2),
          s ? `${size(s.code)} (index.js ${size(s.entry)})` : '–',
          s ? size(s.total) : '–'
        ]
      }),
      ['l']
    )
  )
  const distSize = /** @type {ReturnType<typeof bundleSize>} */ (sizes[2])
  console.log(
    `\nNode itself: ${bare.medianMs.toFixed(0)} ms. The toolkit adds ${(floor.medianMs - bare.medianMs).toFixed(0)} ms; ` +
      `our own code and every other dependency add ${(ours.medianMs - floor.medianMs).toFixed(0)} ms more.`
  )
  // The same round's runs of the floor and the bundle ran back to back, under the same load: their
  // ratio per round shows how much the verdict could move with the machine's noise.
  const paired = ours.wall.map((ms, i) => ms / /** @type {number} */ (floor.wall[i]))
  console.log(
    `Bundle ÷ floor within each round: median ${median(paired).toFixed(2)}, middle half ${percentile(paired, 25).toFixed(2)}–${percentile(paired, 75).toFixed(2)} ` +
      `(load average now ${loadavg()
        .map(l => l.toFixed(2))
        .join(', ')}).`
  )
  const chunks = await chunksLoaded({ node, bundle, inputs, recorder: join(root, '__tests__', 'support', 'record-modules.mjs') })
  console.log(
    `Chunks that the bundle loads only when needed (${distSize.chunks.join(', ') || 'none'}; @actions/github and the pull-request code): ` +
      `loaded by this run, which writes no comment: ${chunks.join(', ') || 'none'}.`
  )
  const ratio = ours.medianMs / floor.medianMs
  const met = ratio <= STARTUP_TARGET
  verdicts.push(
    `Start-up: the bundle's median is ${ratio.toFixed(2)} × the toolkit floor; target ≤ ${STARTUP_TARGET}: ${met ? 'met' : 'MISSED'}.`
  )
  if (!met) {
    console.log('\nTarget missed. Where the bundle spends CPU time at start (V8 CPU profiles, self time per line of the bundle):\n')
    const hot = await hotLines({ node, bundle, inputs })
    console.log(
      markdownTable(
        ['ms per run', 'Bundle line', 'Source', 'Code'],
        hot.map(h => [h.ms.toFixed(1), `${h.file}:${h.line}`, h.source || '–', `\`\` ${h.text.replace(/\|/g, '\\|')} \`\``]),
        ['r', 'l', 'l', 'l']
      )
    )
  }
}

/**
 * @param {string} node
 * @param {import('../__tests__/support/fake-cekura.mjs').FakeCekura} fake
 * @param {Record<string, string>} inputs
 */
async function tableThree(node, fake, inputs) {
  console.log(`\n## 3. Reality check (${realityRuns} real-time runs per job)\n`)
  console.log(
    `The bundle (${bundleName}) under Node 24 against the fake server, whose job completes a set time after its first poll ` +
      '(a job the action follows in mode poll, or one it starts itself in mode generate); ' +
      `poll-interval ${pollIntervalText}, max-poll-interval ${maxPollIntervalText}. Overshoot: from the job's end to the arrival of the ` +
      'request that saw it completed. Predicted: the simulation for a job that ends exactly that long after the first poll ' +
      '(no phase), 4000 jitter draws: mean (range) of polls, mean (5–95 %) of overshoot.\n'
  )
  if (!bundleHasSourceSchedule(bundle)) {
    console.log(
      `**${bundleName} is stale: it was built from another src/wait/schedule.ts than the one simulated.** ` +
        "The runs below follow the bundle's schedule, the predictions the source's; rebuild (npm run build) to compare like with like.\n"
    )
    verdicts.push(
      `Reality check: ${bundleName} does not hold src/wait/schedule.ts's schedule (stale bundle); its figures do not test the simulation.`
    )
  }
  const runInputs = { ...inputs, 'poll-interval': pollIntervalText, 'max-poll-interval': maxPollIntervalText }
  const rows = []
  for (const { durationMs, mode } of REALITY_JOBS) {
    const seen = []
    for (let i = 1; i <= realityRuns; i++) {
      seen.push(await observeOnce({ node, bundle, fake, inputs: runInputs, durationMs, mode, label: `${mode}-${durationMs}ms-${i}` }))
    }
    for (const o of seen) {
      if (o.polls !== o.requests) throw new Error(`the polls output (${o.polls}) differs from the requests the fake saw (${o.requests})`)
    }
    const p = await predict(sim.pollUntilDone, schedule, durationMs, 4000, seed)
    rows.push([
      `${durationLabel(durationMs)}, ${mode === 'generate' ? 'started by the action (generate)' : 'followed (poll)'}`,
      seen.map(o => o.polls).join(', '),
      seen.map(o => o.overshootS.toFixed(2)).join(', '),
      `${mean(seen.map(o => o.overshootS)).toFixed(2)}`,
      `${p.meanPolls.toFixed(1)} (${p.minPolls}–${p.maxPolls})`,
      `${p.meanOvershootS.toFixed(2)} (${p.p5OvershootS.toFixed(2)}–${p.p95OvershootS.toFixed(2)})`
    ])
  }
  console.log(
    markdownTable(['Job', 'Polls seen', 'Overshoot seen s', 'Mean seen s', 'Predicted polls', 'Predicted overshoot s'], rows, ['l'])
  )
}

async function tableFour() {
  console.log(`\n## 4. Batches (simulated: ${batchRuns} batches per concurrency)\n`)
  console.log(
    `The real batch runner (runBatch, src/job/batch.ts: a pool of runJob, each with the real poll loop) on a virtual clock against a simulated Cekura. ` +
      `A batch of ${JOBS} improve jobs (read the scenario, start, poll; no apply), each taking ${JOB_MS / 1000} s ±${SPREAD * 100} % (uniform), ` +
      `in random order; schedule ${pollIntervalText} → ${maxPollIntervalText}; requests take no time. ` +
      'Ideal: ceil(jobs ÷ concurrency) × job length, as if every job took exactly that and were noticed at once. ' +
      'Bound: the same jobs in a perfect pool that notices every end at once (what the spread of the jobs alone costs). ' +
      'Wall: from the batch start to its end, mean (p95). Requests: all kinds, per batch. Peak: the most jobs running at once in any run.\n'
  )
  const rows = await batchTable(sim.runBatch, schedule, batchRuns, seed)
  console.log(
    markdownTable(
      [
        'Concurrency',
        'Ideal s',
        'Bound s',
        'Wall s',
        'p95 wall s',
        'Wall ÷ ideal',
        'p95 ÷ ideal',
        'Wall ÷ bound',
        'Requests',
        'Polls',
        'Peak'
      ],
      rows.map(row => [
        row.concurrency,
        row.idealS.toFixed(0),
        row.boundS.toFixed(1),
        row.wallS.toFixed(1),
        row.p95WallS.toFixed(1),
        row.ratio.toFixed(3),
        row.p95Ratio.toFixed(3),
        row.overBound.toFixed(3),
        row.requests.toFixed(1),
        row.polls.toFixed(1),
        row.peak
      ])
    )
  )
  const worst = rows.reduce((a, b) => (b.ratio > a.ratio ? b : a))
  const overPeak = rows.filter(row => row.peak > row.concurrency)
  verdicts.push(
    `Batches: the worst mean wall time is ${worst.ratio.toFixed(3)} × the ideal (concurrency ${worst.concurrency}); target ≤ ${BATCH_TARGET}: ` +
      `${worst.ratio <= BATCH_TARGET ? 'met' : 'MISSED'}${overPeak.length > 0 ? `; MORE jobs at once than the concurrency at ${overPeak.map(row => row.concurrency).join(', ')}` : ''}.`
  )
}

/**
 * Whether the bundle holds the schedule that table 1 simulates: the constants and the nextPollDelay
 * function of the compiled src/wait/schedule.ts, whitespace aside. False means the bundle is stale.
 * @param {string} bundlePath
 */
function bundleHasSourceSchedule(bundlePath) {
  const squeeze = (/** @type {string} */ text) => text.replace(/\s+/g, ' ')
  const compiled = readFileSync(join(built.simDir, 'wait', 'schedule.js'), 'utf8')
  const pieces = [
    /const GROWTH_SECONDS = [^;]+;/.exec(compiled)?.[0],
    /const JITTER = [^;]+;/.exec(compiled)?.[0],
    /function nextPollDelay\([\s\S]*?\n\}/.exec(compiled)?.[0]
  ]
  const text = squeeze(readFileSync(bundlePath, 'utf8'))
  return pieces.every(piece => piece !== undefined && text.includes(squeeze(piece)))
}

/** @param {string} node */
function node24Version(node) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
  return `${version}, ${node.startsWith(root) ? node.slice(root.length + 1) : node}`
}
