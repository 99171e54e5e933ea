// `npm run soak`: runs the committed bundle many times (Node 24, as the runner does) against a fake
// Cekura that mixes faults at random, and checks every run from the outside:
//
//   - it ended, with every declared output, a summary, and an exit code that fits its status;
//   - it ended on time: no later than 1 s past its timeout (measured from its first log bytes, where
//     its clock starts), and within 1 s of a cancel signal;
//   - the API key is in no log line, output, summary or file, in any form (raw, HTML-, JSON- or
//     URL-escaped in any spelling, base64 at any offset);
//   - its stdout holds no workflow command but the ones the action writes itself (read as the runner
//     reads it: `::` at a line start, `##[` anywhere).
//
// Faults, drawn per run: connection resets, 5xx (JSON or HTML), 429 with and without Retry-After,
// slow headers, slow (trickled) bodies, hung requests, garbage bytes, truncated JSON, answers over the
// 16 MiB cap, unreadable redirects, key echoes in every form, hostile text (workflow commands,
// Markdown, line breaks of every kind) and JSON nested thousands deep; then the job completes, fails
// or never ends. Timeouts are drawn from 2 s to 20 s, and some runs are cancelled with SIGTERM.
//
//   node scripts/soak.mjs [--runs 200] [--concurrency 10] [--seed N] [--verbose]
//
// --verbose prints one line per run: how it ended and its error output.
//
// Prints a Markdown table (docs/reliability.md keeps the figures) and exits non-zero when any check
// failed. Everything runs on 127.0.0.1; needs only `npm ci` and the committed dist/.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { replies, startFakeCekura } from '../__tests__/support/fake-cekura.mjs'
import { findLeaks } from '../__tests__/support/leaks.mjs'
import { parse as parseYaml } from 'yaml'
import { HARNESS_GITHUB_TOKEN, repoRoot, runAction } from '../__tests__/support/run-action.mjs'
import { foreignCommands } from '../__tests__/support/runner-commands.mjs'

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    verbose: { type: 'boolean', default: false }
  }
})
const RUNS = Number(args.runs)
const CONCURRENCY = Number(args.concurrency)
const SEED = Number(args.seed)
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || !Number.isInteger(SEED)) {
  console.error('usage: node scripts/soak.mjs [--runs 200] [--concurrency 10] [--seed N] (whole numbers)')
  process.exit(2)
}

/** A key with characters that JSON, URLs and base64 each spell their own way. */
const KEY = 'sk_soak/Key+7="q\\z'
const CANARY = 'PWNED'
const DECLARED_OUTPUTS = Object.keys(parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8')).outputs).sort()

/** mulberry32: a small seeded generator, so that a failing soak can be run again as it was. */
function generator(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const random = generator(SEED)
const between = (low, high) => low + random() * (high - low)
const pick = list => list[Math.floor(random() * list.length)]
/** Picks from [weight, value] pairs. */
function weighted(pairs) {
  const total = pairs.reduce((sum, [weight]) => sum + weight, 0)
  let point = random() * total
  for (const [weight, value] of pairs) {
    point -= weight
    if (point < 0) return value
  }
  return pairs[pairs.length - 1][1]
}

/** The key as a misbehaving server might echo it. */
function keyEcho() {
  return pick([
    () => KEY,
    () => Array.from(KEY, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    () => JSON.stringify(KEY).slice(1, -1).replace(/\//g, '\\/'),
    () => encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, code => code.toLowerCase()),
    () => Array.from(Buffer.from(KEY), byte => `%${byte.toString(16)}`).join(''),
    () => Buffer.from(`user:${KEY}`).toString('base64'),
    () => Buffer.from(`${KEY}`).toString('base64url')
  ])()
}

/** Text that would be a command, live Markdown or a broken line if it were not handled as data. */
function hostileText() {
  return pick([
    `x\n::warning::${CANARY} annotation`,
    `x\r::error file=a,line=1::${CANARY} error`,
    `  ::add-mask::${CANARY}`,
    `y\u2028::stop-commands::${CANARY}`,
    `##[set-output name=status]${CANARY}`,
    `z\u0085##[error]${CANARY} legacy`,
    `![t](https://x.test/${CANARY}.png)[click](https://x.test) @octocat #1`,
    `</pre><img src=x onerror=alert(1)>${CANARY}`,
    `\u001b[2K${CANARY} repainted`,
    'S'.repeat(200_000)
  ])
}

/** A reply body as raw text, so that escapes stay as the server spelled them. */
function raw(text, status = 200, headers = {}) {
  return { status, text, headers, contentType: 'application/json' }
}

function deepValue(depth) {
  return `${'['.repeat(depth)}"${'d'.repeat(1000)}"${']'.repeat(depth)}`
}

/** One fault reply, drawn. */
function fault() {
  return weighted([
    [4, replies.reset],
    [3, replies.http(500, { detail: 'A server error occurred.' })],
    [2, replies.htmlBadGateway],
    [2, replies.http(503, { detail: 'Service temporarily unavailable.' })],
    [2, replies.retryAfter(Math.ceil(between(0, 2)))],
    [2, replies.http(429, { detail: 'Request was throttled.' })],
    [2, { ...raw('{"status":"in_progress","stage":"slow headers"}'), delayMs: Math.round(between(200, 2500)) }],
    [
      2,
      {
        ...raw(`{"status":"in_progress","stage":"slow body","pad":"${'p'.repeat(2000)}"}`),
        trickle: { pieces: 6, intervalMs: Math.round(between(100, 700)) }
      }
    ],
    [1, replies.hang],
    [2, { status: 200, bytes: Uint8Array.from({ length: 300 }, () => Math.floor(random() * 256)) }],
    [2, replies.malformedJson],
    [1, { stream: { bytes: 20 * 1024 * 1024 } }],
    [1, { redirectTo: 'http://[broken' }],
    [3, raw(`{"status":"in_progress","stage":${JSON.stringify(hostileText())}}`)],
    [3, raw(`{"status":"in_progress","stage":"key ${keyEcho()}","message":"${keyEcho()}"}`)],
    [1, raw(`{"status":"in_progress","extra":${deepValue(4000)}}`)]
  ])
}

/** How the job ends after its faults, drawn. */
function ending() {
  return weighted([
    [5, replies.completed({ instructions: `Call and ask for a refund. ${hostileText().slice(0, 300)} ${keyEcho()}` })],
    [2, raw(`{"status":"completed","instructions":"Deep, but done.","extra":${deepValue(6000)}}`)],
    [2, raw(`{"status":"failed","error":"quota for ${keyEcho()} ${JSON.stringify(hostileText().slice(0, 200)).slice(1, -1)}"}`)],
    [1, raw(`{"status":"failed","error":${deepValue(20_000)}}`)],
    [1, raw(`{"detail":"bad id ${keyEcho()}\\n::error::${CANARY}"}`, 400)],
    [2, replies.inProgress('never ends', 42)],
    [1, replies.hang]
  ])
}

/** One run's plan: its job, its inputs and whether it is cancelled. */
function plan(index) {
  const id = `soak-${index}`
  const faults = Array.from({ length: Math.floor(between(0, 6)) }, () => ({ reply: fault(), times: 1 }))
  const job = { phases: [...faults, { reply: ending() }] }
  const timeoutMs = Math.round(between(2000, 20_000) / 100) * 100
  const mode = random() < 0.25 ? 'generate' : 'poll'
  const cancelAtMs = random() < 0.08 ? Math.round(between(300, timeoutMs)) : undefined
  const inputs = {
    'api-key': KEY,
    'api-url': fake.url,
    'poll-interval': `${Math.round(between(100, 600))}ms`,
    'max-poll-interval': `${Math.round(between(1000, 3000))}ms`,
    timeout: `${timeoutMs}ms`,
    'fail-on-error': random() < 0.5 ? 'true' : 'false',
    ...(mode === 'poll'
      ? {
          'progress-id':
            random() < 0.1
              ? `${id} ${hostileText()
                  .slice(0, 100)
                  .replace(/[\r\n]/g, ' ')}`
              : id
        }
      : { 'agent-id': '1234', 'extra-instructions': id })
  }
  return { index, id, job, timeoutMs, mode, cancelAtMs, inputs }
}

const fake = await startFakeCekura({
  apiKey: KEY,
  // A generate run's job is found by the request that started it.
  startJob: ctx => planned.get(String(ctx.body.extra_instructions))?.job ?? 'complete-after-1'
})
const planned = new Map()
const rssDir = mkdtempSync(join(tmpdir(), 'cekura-soak-'))
const rssPreload = join(rssDir, 'rss.mjs')
writeFileSync(
  rssPreload,
  "import { writeFileSync } from 'node:fs'\nprocess.on('exit', () => { try { writeFileSync(process.env.SOAK_RSS_FILE, String(process.resourceUsage().maxRSS)) } catch {} })\n"
)

/** Runs one plan and checks it; returns what the table needs. */
async function soakOne(run) {
  const rssFile = join(rssDir, `rss-${run.index}`)
  let signalledAt
  const result = await runAction({
    inputs: run.inputs,
    env: { NODE_OPTIONS: `--import=${rssPreload}`, SOAK_RSS_FILE: rssFile },
    timeoutMs: run.timeoutMs + 15_000,
    allowForeignCommands: true,
    onSpawn: child => {
      if (run.cancelAtMs === undefined) return
      setTimeout(() => {
        signalledAt = performance.now()
        child.kill('SIGTERM')
      }, run.cancelAtMs).unref()
    }
  })
  const problems = []
  const status = result.outputs.status ?? '(none)'
  if (result.harnessKilled) problems.push('killed by the harness: it did not end by itself')
  if (result.signal) problems.push(`ended by ${result.signal}`)
  const outputs = Object.keys(result.outputs).sort()
  if (JSON.stringify(outputs) !== JSON.stringify(DECLARED_OUTPUTS)) problems.push(`outputs ${outputs.join(',')}`)
  if (!/^## Cekura scenario instructions: /m.test(result.summary)) problems.push('no summary')
  const clean = status === 'completed' && result.outputs.error === ''
  const cancelled = signalledAt !== undefined && signalledAt < result.exitedAt
  if (clean && result.code !== 0) problems.push(`completed but exit ${result.code}`)
  if (!clean && run.inputs['fail-on-error'] === 'true' && result.code === 0) problems.push(`${status} but exit 0`)
  if (cancelled && result.code === 0) problems.push('cancelled but exit 0')
  const pastTimeoutMs = result.firstOutputAt === undefined ? Number.NaN : result.exitedAt - result.firstOutputAt - run.timeoutMs
  if (pastTimeoutMs > 1000) problems.push(`ended ${Math.round(pastTimeoutMs)} ms past its timeout`)
  const afterSignalMs = cancelled ? result.exitedAt - signalledAt : undefined
  if (afterSignalMs !== undefined && afterSignalMs > 1000) problems.push(`ended ${Math.round(afterSignalMs)} ms after SIGTERM`)
  const leaks = findLeaks(result, KEY)
  const foreign = [
    ...foreignCommands(result.commands, { secrets: [KEY, HARNESS_GITHUB_TOKEN] }),
    ...result.commands.filter(command => command.data.startsWith(CANARY))
  ]
  let rssKb = Number.NaN
  try {
    rssKb = Number(readFileSync(rssFile, 'utf8'))
  } catch {
    // killed before it could say
  }
  if (args.verbose) {
    process.stderr.write(
      `run ${run.index} ${run.mode} timeout ${run.timeoutMs}: ${status} exit ${result.code}: ${(result.outputs.error ?? '').slice(0, 300)}\n`
    )
  }
  result.cleanup()
  return { run, status, code: result.code, pastTimeoutMs, afterSignalMs, leaks, foreign, rssKb, problems, cancelled }
}

const started = performance.now()
const plans = Array.from({ length: RUNS }, (_, index) => plan(index + 1))
for (const run of plans) {
  if (run.mode === 'poll') fake.setJob(run.inputs['progress-id'], run.job)
  else planned.set(run.id, run)
}
const results = []
let next = 0
await Promise.all(
  Array.from({ length: Math.min(CONCURRENCY, RUNS) }, async () => {
    while (next < plans.length) {
      const run = plans[next++]
      const outcome = await soakOne(run)
      results.push(outcome)
      if (results.length % 25 === 0) process.stderr.write(`soak: ${results.length} of ${RUNS} runs\n`)
    }
  })
)
const wallMs = performance.now() - started
await fake.close()
rmSync(rssDir, { recursive: true, force: true })

const count = predicate => results.filter(predicate).length
const endings = ['completed', 'failed', 'timed-out', 'cancelled']
  .map(status => `${status} ${count(r => r.status === status)}`)
  .concat(
    count(r => !['completed', 'failed', 'timed-out', 'cancelled'].includes(r.status)) ? [`none ${count(r => r.status === '(none)')}`] : []
  )
  .join(', ')
const exits = [...new Set(results.map(r => String(r.code)))]
  .sort()
  .map(code => `${code}: ${count(r => String(r.code) === code)}`)
  .join(', ')
const worstPast = Math.max(...results.map(r => r.pastTimeoutMs).filter(Number.isFinite))
const cancels = results.filter(r => r.afterSignalMs !== undefined)
const worstSignal = cancels.length > 0 ? Math.max(...cancels.map(r => r.afterSignalMs)) : undefined
const leakRuns = results.filter(r => r.leaks.length > 0)
const foreignRuns = results.filter(r => r.foreign.length > 0)
const rss = results.map(r => r.rssKb).filter(Number.isFinite)
const failed = results.filter(r => r.problems.length > 0 || r.leaks.length > 0 || r.foreign.length > 0)
const seconds = ms => `${(ms / 1000).toFixed(2)} s`
const minutes = ms => `${Math.floor(ms / 60_000)}m ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`

const rows = [
  [
    'runs',
    `${results.length} (${count(r => r.run.mode === 'poll')} poll, ${count(r => r.run.mode === 'generate')} generate; seed ${SEED})`
  ],
  ['how they ended', endings],
  ['exit codes', exits],
  ['timeouts drawn', `${seconds(Math.min(...plans.map(p => p.timeoutMs)))} to ${seconds(Math.max(...plans.map(p => p.timeoutMs)))}`],
  ['worst time past the timeout', worstPast > 0 ? seconds(worstPast) : `none (earliest end ${seconds(-worstPast)} before it)`],
  [
    'cancelled with SIGTERM',
    `${cancels.length} runs; slowest exit ${worstSignal === undefined ? 'n/a' : seconds(worstSignal)} after the signal`
  ],
  ['leaks found', String(leakRuns.reduce((sum, r) => sum + r.leaks.length, 0))],
  ["commands other than the action's own", String(foreignRuns.reduce((sum, r) => sum + r.foreign.length, 0))],
  ['runs with another problem', String(count(r => r.problems.length > 0))],
  [
    'peak memory (one run, max RSS)',
    rss.length > 0
      ? `${(Math.max(...rss) / 1024).toFixed(0)} MiB (median ${(rss.sort((a, b) => a - b)[Math.floor(rss.length / 2)] / 1024).toFixed(0)} MiB)`
      : 'n/a'
  ],
  ['wall time', `${minutes(wallMs)} with ${CONCURRENCY} runs at a time`]
]
console.log('| soak | result |\n| --- | --- |')
for (const [name, value] of rows) console.log(`| ${name} | ${value} |`)

for (const r of failed.slice(0, 20)) {
  console.error(`\nrun ${r.run.index} (${r.run.mode}, timeout ${r.run.timeoutMs} ms, ended ${r.status}, exit ${r.code}):`)
  for (const problem of r.problems) console.error(`  ${problem}`)
  for (const leak of r.leaks.slice(0, 5)) console.error(`  leak: ${leak}`)
  for (const command of r.foreign.slice(0, 5)) console.error(`  command: ${JSON.stringify(command.line.slice(0, 200))}`)
}
if (wallMs > 5 * 60_000) console.error(`\nsoak: took ${minutes(wallMs)}, more than five minutes`)
process.exit(failed.length > 0 || wallMs > 5 * 60_000 ? 1 : 0)
