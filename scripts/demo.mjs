// npm run demo [-- --job <progress-id>] [-- --debug]
//
// Tries the action without a Cekura account: starts the fake Cekura server on 127.0.0.1, runs the
// committed dist/index.js against it the way the GitHub runner would (Node 24, INPUT_* variables, real
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), shows the log as the runner shows it, then the outputs
// and the rendered job summary. Builds nothing. Exits with the action's exit code.
//
// --job picks another of the fake's named progress ids (listed at the top of
// __tests__/support/fake-cekura.mjs), e.g. demo-fail, flaky-5xx, rate-limited, never.

import { startFakeCekura } from '../__tests__/support/fake-cekura.mjs'
import { createLogView, runAction } from '../__tests__/support/run-action.mjs'

const usage = 'usage: npm run demo [-- --job <progress-id>] [--timeout <duration>] [--debug]'

function parseArgs (argv) {
  const args = { job: 'demo-complete', timeout: '1m', debug: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      const next = argv[++i]
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value\n${usage}`)
      return next
    }
    if (arg === '--job') args.job = value()
    else if (arg === '--timeout') args.timeout = value()
    else if (arg === '--debug') args.debug = true
    else if (arg === '--help' || arg === '-h') {
      console.log(usage)
      process.exit(0)
    } else throw new Error(`unknown argument ${arg}\n${usage}`)
  }
  return args
}

function section (title) {
  const line = '─'.repeat(Math.max(8, 72 - title.length - 4))
  console.log(`\n── ${title} ${line}`)
}

/** Prints a possibly multi-line value indented under its name. */
function printOutput (name, value) {
  if (!value.includes('\n')) {
    console.log(`${name}: ${value}`)
    return
  }
  console.log(`${name}:`)
  for (const line of value.split('\n')) console.log(`    ${line}`)
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const apiKey = 'demo-key'
  const fake = await startFakeCekura({ apiKey })
  const inputs = {
    'api-key': apiKey,
    'progress-id': args.job,
    'api-url': fake.url,
    timeout: args.timeout,
    'poll-interval': '500ms',
    'max-poll-interval': '2s'
  }

  section('Demo')
  console.log(`Fake Cekura at ${fake.url} (no real Cekura account needed).`)
  console.log('Running the committed dist/index.js under Node 24 as the runner would, with:')
  for (const [name, value] of Object.entries(inputs)) {
    console.log(`  ${name}: ${name === 'api-key' ? '*** (a dummy key the fake accepts)' : value}`)
  }

  section('Action log')
  const view = createLogView({ debug: args.debug })
  let pending = ''
  const show = (line) => {
    const shown = view(line)
    if (shown !== undefined) console.log(shown)
  }

  let result
  try {
    result = await runAction({
      inputs,
      debug: args.debug,
      timeoutMs: 15 * 60 * 1000,
      onSpawn (child) {
        child.stdout.on('data', (chunk) => {
          pending += chunk
          const lines = pending.split(/\r?\n/)
          pending = lines.pop() ?? ''
          lines.forEach(show)
        })
        child.stderr.on('data', (chunk) => process.stderr.write(chunk))
        // Ctrl-C cancels the action the way the runner does, and the demo then shows how it ended.
        process.on('SIGINT', () => child.kill('SIGINT'))
      }
    })
  } finally {
    await fake.close()
  }
  if (pending) show(pending)

  section(`Outputs (exit code ${result.code ?? `signal ${result.signal}`})`)
  for (const [name, value] of Object.entries(result.outputs)) printOutput(name, value)

  section('Job summary (Markdown, as written to GITHUB_STEP_SUMMARY)')
  console.log(result.summary === '' ? '(none written)' : result.summary.trimEnd())

  section('Fake Cekura saw')
  const requests = fake.requests.filter((request) => request.server === 'main')
  console.log(`${requests.length} request(s): ${requests.map((request) => request.response?.status ?? 'no answer').join(', ')}`)
  console.log(`${(result.durationMs / 1000).toFixed(1)} s from start to exit`)
  console.log('(The run\'s temporary RUNNER_TEMP, output and summary files are removed now.)')

  result.cleanup()
  process.exitCode = result.code ?? 1
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
