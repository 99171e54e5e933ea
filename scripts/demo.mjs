// npm run demo [-- --mode poll|generate|improve] [--job <name>] [--no-apply] [--timeout <duration>] [--debug]
// npm run demo -- --batch [--concurrency <n>] [--no-apply] [--timeout <duration>] [--debug]
//
// Tries the action without a Cekura account: starts the fake Cekura server on 127.0.0.1, runs the
// committed dist/index.js against it the way the GitHub runner would (Node 24 or newer, INPUT_* variables,
// real GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), shows the log as the runner shows it, then the
// outputs, the rendered job summary and what the fake server saw. Builds nothing. Exits with the action's
// exit code.
//
// --mode poll (the default) follows a job started elsewhere, progress id demo-complete.
// --mode generate starts a job that writes instructions for agent 1234.
// --mode improve rewrites the stored scenario 9876 (agent 1234) and, with apply, saves the new text
//   back into it (--no-apply leaves the scenario as it is).
// --job picks another behaviour for the job: in mode poll one of the fake's named progress ids (listed at
// the top of __tests__/support/fake-cekura.mjs), e.g. demo-fail, flaky-5xx, rate-limited, never; in modes
// generate and improve what the started job does, answer-in-3000ms by default, or e.g. demo-fail, never.
// --batch improves six stored scenarios of one agent in one step (scenario-ids), three at once (or
//   --concurrency), with apply: one job fails, the others are saved. Shows the results output, the files of
//   instructions-dir and the batch summary, and how many jobs the fake saw running at once.

import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { CLI_START_JOB, DEMO_AGENT_ID, DEMO_SCENARIO_ID, DEMO_SCENARIOS, jobs, startFakeCekura } from '../__tests__/support/fake-cekura.mjs'
import { createLogView, distBundlePath, repoRoot, resolveNode24, runAction } from '../__tests__/support/run-action.mjs'

const usage =
  'usage: npm run demo [-- --mode poll|generate|improve] [--job <name>] [--no-apply] [--timeout <duration>] [--debug]\n' +
  '       npm run demo -- --batch [--concurrency <n>] [--no-apply] [--timeout <duration>] [--debug]'
const MODES = ['poll', 'generate', 'improve']

const GENERATE_REQUEST = [
  'A caller who wants to move a dental cleaning from Tuesday morning to any afternoon later that week.',
  'They give their date of birth only when asked and ask whether to bring their insurance card.'
].join('\n')
const IMPROVE_REQUEST = 'Make the caller impatient; they have called twice already.'
const BATCH_REQUEST = 'The agent now asks for the booking reference first: have it ready (GD- and six digits) and give it when asked.'

/** Six scenarios of the one demo agent, as a team would have them; the job of FAILING_SCENARIO fails. */
const BATCH_SCENARIOS = {
  9871: [
    'Cancel a cleaning',
    'You are Ana Silva, calling to cancel your cleaning on Friday at 10:00.\nAsk whether there is a cancellation fee.'
  ],
  9872: ['Book a first visit', 'You are Tom Becker, a new patient who wants a first check-up.\nYou can only come on Saturdays.'],
  9873: ['Question a bill', 'You are Lena Park, calling about a bill of 180 euros you think is too high.\nStay calm but firm.'],
  9874: ['Emergency toothache', 'You are Omar Haddad, with a strong toothache since last night.\nAsk for an appointment today.'],
  9875: ['Move a root canal', 'You are Julia Rossi, calling to move your root canal from Monday to Thursday.\nMornings only.'],
  [DEMO_SCENARIO_ID]: [DEMO_SCENARIOS[DEMO_SCENARIO_ID]?.name ?? '', DEMO_SCENARIOS[DEMO_SCENARIO_ID]?.instructions ?? '']
}
const FAILING_SCENARIO = 9873

function parseArgs(argv) {
  const args = { mode: 'poll', job: undefined, apply: true, timeout: '1m', debug: false, batch: false, concurrency: '3' }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value\n${usage}`)
      return next
    }
    if (arg === '--job') args.job = value()
    else if (arg === '--mode') args.mode = value()
    else if (arg === '--no-apply') args.apply = false
    else if (arg === '--timeout') args.timeout = value()
    else if (arg === '--debug') args.debug = true
    else if (arg === '--batch') args.batch = true
    else if (arg === '--concurrency') args.concurrency = value()
    else if (arg === '--help' || arg === '-h') {
      console.log(usage)
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}\n${usage}`)
  }
  if (!MODES.includes(args.mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}, got '${args.mode}'\n${usage}`)
  if (args.batch) {
    if (args.mode !== 'poll' || args.job !== undefined) throw new Error(`--batch takes neither --mode nor --job\n${usage}`)
    args.mode = 'improve'
  } else if (args.concurrency !== '3') {
    throw new Error(`--concurrency is for --batch\n${usage}`)
  }
  if (!args.apply && args.mode !== 'improve') throw new Error(`--no-apply is for --mode improve\n${usage}`)
  return args
}

/** The inputs a workflow would give for each mode (besides key, URL and timings). */
function modeInputs(args) {
  if (args.batch) {
    return {
      'scenario-ids': Object.keys(BATCH_SCENARIOS).join(', '),
      'extra-instructions': BATCH_REQUEST,
      concurrency: args.concurrency,
      apply: String(args.apply)
    }
  }
  if (args.mode === 'generate') {
    return { mode: 'generate', 'agent-id': String(DEMO_AGENT_ID), 'extra-instructions': GENERATE_REQUEST }
  }
  if (args.mode === 'improve') {
    return {
      mode: 'improve',
      'scenario-id': String(DEMO_SCENARIO_ID),
      'extra-instructions': IMPROVE_REQUEST,
      apply: String(args.apply)
    }
  }
  return { 'progress-id': args.job ?? 'demo-complete' }
}

function section(title) {
  const line = '─'.repeat(Math.max(8, 72 - title.length - 4))
  console.log(`\n── ${title} ${line}`)
}

/** Prints a possibly multi-line value indented under its name. */
function printOutput(name, value) {
  if (!value.includes('\n')) {
    console.log(`${name}: ${value}`)
    return
  }
  const indent = name.match(/^\s*/)?.[0] ?? ''
  console.log(`${name}:`)
  for (const line of value.split('\n')) console.log(`${indent}    ${line}`)
}

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const node = resolveNode24()
  const apiKey = 'demo-key'
  const fake = args.batch
    ? await startBatchFake(apiKey, Number(args.concurrency))
    : await startFakeCekura({ apiKey, startJob: args.mode === 'poll' ? CLI_START_JOB : (args.job ?? CLI_START_JOB) })
  const before = fake.scenario(DEMO_SCENARIO_ID)
  const inputs = {
    'api-key': apiKey,
    ...modeInputs(args),
    'api-url': fake.url,
    timeout: args.timeout,
    'poll-interval': '500ms',
    'max-poll-interval': '2s'
  }

  section('Demo')
  console.log(`Fake Cekura at ${fake.url} (no real Cekura account needed).`)
  const nodeName = node === process.execPath ? `the running Node, ${process.version}` : node.replace(repoRoot, '')
  console.log(`Running the committed dist/index.js under Node 24 or newer (${nodeName}) as the runner would, with:`)
  for (const [name, value] of Object.entries(inputs)) {
    if (name === 'api-key') console.log(`  ${name}: *** (a dummy key the fake accepts)`)
    else printOutput(`  ${name}`, value)
  }
  if (args.batch) {
    console.log(`Scenarios stored in the fake before the run (all of agent ${DEMO_AGENT_ID}); the job of ${FAILING_SCENARIO} will fail:`)
    for (const [id, [name]] of Object.entries(BATCH_SCENARIOS)) console.log(`    ${id}: ${name}`)
  } else if (args.mode === 'improve') {
    console.log(`Scenario ${DEMO_SCENARIO_ID} as stored in the fake before the run ("${before?.name}", agent ${before?.agent}):`)
    for (const line of (before?.instructions ?? '').split('\n')) console.log(`    ${line}`)
  }

  section('Action log')
  const view = createLogView({ debug: args.debug })
  let pending = ''
  const show = line => {
    const shown = view(line)
    if (shown !== undefined) console.log(shown)
  }

  let result
  try {
    result = await runAction({
      bundle: distBundlePath,
      inputs,
      debug: args.debug,
      timeoutMs: 15 * 60 * 1000,
      onSpawn(child) {
        child.stdout.on('data', chunk => {
          pending += chunk
          const lines = pending.split(/\r?\n/)
          pending = lines.pop() ?? ''
          lines.forEach(show)
        })
        child.stderr.on('data', chunk => process.stderr.write(chunk))
        // Ctrl-C cancels the action the way the runner does, and the demo then shows how it ended.
        process.on('SIGINT', () => child.kill('SIGINT'))
      }
    })
  } finally {
    await fake.close()
  }
  if (pending) show(pending)

  section(`Outputs (exit code ${result.code ?? `signal ${result.signal}`})`)
  for (const [name, value] of Object.entries(result.outputs)) {
    // The results JSON reads better spread over lines.
    printOutput(name, name === 'results' && value !== '' ? JSON.stringify(JSON.parse(value), null, 2) : value)
  }
  const dir = result.outputs['instructions-dir'] ?? ''
  if (dir !== '') {
    const files = readdirSync(dir).sort()
    console.log(`Files in instructions-dir: ${files.join(', ') || 'none'} (e.g. \`cp "${join(dir, '')}"*.txt scenarios/\`)`)
  }

  section('Job summary (Markdown, as written to GITHUB_STEP_SUMMARY)')
  console.log(result.summary === '' ? '(none written)' : result.summary.trimEnd())

  section('Fake Cekura saw')
  const requests = fake.requests.filter(request => request.server === 'main')
  if (args.batch) {
    const count = endpoint => requests.filter(request => request.endpoint === endpoint).length
    console.log(
      `${requests.length} requests: ${count('scenario-get')} scenario reads, ${count('improve')} improve_instructions POSTs, ` +
        `${count('progress')} progress polls, ${count('scenario-patch')} scenario saves.`
    )
    console.log(`At most ${fake.peakRunning} jobs were running at once (concurrency ${args.concurrency}).`)
    for (const id of Object.keys(BATCH_SCENARIOS)) {
      const saved = fake.scenario(Number(id))?.instructions !== BATCH_SCENARIOS[id]?.[1]
      console.log(`  scenario ${id}: ${saved ? 'new instructions saved' : 'unchanged'}`)
    }
  } else if (args.mode === 'poll') {
    console.log(`${requests.length} request(s): ${requests.map(request => request.response?.status ?? 'no answer').join(', ')}`)
  } else {
    console.log(`${requests.length} request(s):`)
    for (const request of requests) {
      console.log(`  ${request.method.padEnd(5)} ${request.url} -> ${request.response?.status ?? 'no answer'}`)
    }
  }
  for (const request of args.batch ? [] : requests) {
    if (request.method !== 'POST' && request.method !== 'PATCH') continue
    console.log(`${request.method} ${request.path} body (checked against the documented schema):`)
    for (const line of JSON.stringify(request.json, null, 2).split('\n')) console.log(`    ${line}`)
  }
  if (args.mode === 'improve' && !args.batch) {
    const after = fake.scenario(DEMO_SCENARIO_ID)
    const changed = after?.instructions !== before?.instructions
    console.log(`Scenario ${DEMO_SCENARIO_ID} after the run: ${changed ? 'instructions saved by apply' : 'unchanged'}.`)
    if (changed) for (const line of (after?.instructions ?? '').split('\n')) console.log(`    ${line}`)
  }
  console.log(`${(result.durationMs / 1000).toFixed(1)} s from start to exit`)
  console.log("(The run's temporary RUNNER_TEMP, output and summary files are removed now.)")

  result.cleanup()
  process.exitCode = result.code ?? 1
}

/** The fake for --batch: the six scenarios, jobs of 2 to 4.5 s, one that fails; it checks the concurrency. */
async function startBatchFake(apiKey, concurrency) {
  const scenarios = Object.fromEntries(
    Object.entries(BATCH_SCENARIOS).map(([id, [name, instructions]]) => [id, { name, agent: DEMO_AGENT_ID, instructions }])
  )
  const byText = new Map(Object.entries(BATCH_SCENARIOS).map(([id, [, text]]) => [text, Number(id)]))
  return startFakeCekura({
    apiKey,
    scenarios,
    maxRunningJobs: concurrency,
    startJob: ctx => {
      const id = byText.get(String(ctx.body.current_instructions)) ?? 0
      if (id === FAILING_SCENARIO) return jobs.failAfterMs(1500, 'The generator could not keep the caller in character (LLM refusal).')
      return jobs.fromRequest(ctx, { afterMs: 2000 + (id % 6) * 500 })
    }
  })
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
