// Table 3: reality check. Real-time runs of the committed bundle against the fake Cekura server with
// jobs that complete a set time after their first poll (followed in mode poll, or started by the action
// in mode generate), next to what the simulation predicts for a job that ends exactly that long after
// the first poll.

import { DEFAULT_START_JOB, DEMO_AGENT_ID, jobs } from '../../__tests__/support/fake-cekura.mjs'
import { runTimed } from './spawn-action.mjs'

/**
 * @typedef {object} Observed
 * @property {number} polls        the action's `polls` output
 * @property {number} requests     progress requests the fake received
 * @property {number} overshootS   completing request's arrival − (first request's arrival + duration)
 * @property {number} wallS        spawn to exit
 */

/**
 * One real-time run. In mode poll the action follows a job the fake already holds; in mode generate it
 * starts the job itself, and the job runs from the action's first poll, as a job Cekura starts on the
 * POST does.
 * @param {{ node: string, bundle: string, fake: import('../../__tests__/support/fake-cekura.mjs').FakeCekura,
 *   inputs: Record<string, string>, durationMs: number, label: string, mode?: 'poll' | 'generate' }} options
 * @returns {Promise<Observed>}
 */
export async function observeOnce({ node, bundle, fake, inputs, durationMs, label, mode = 'poll' }) {
  /** @type {Record<string, string>} */
  let runInputs
  if (mode === 'generate') {
    fake.setStartJob(`answer-in-${durationMs}ms`)
    const { 'progress-id': _followed, ...rest } = inputs
    runInputs = { ...rest, mode: 'generate', 'agent-id': String(DEMO_AGENT_ID), 'extra-instructions': 'Make the caller impatient.' }
  } else {
    fake.setJob(`bench-${label}`, jobs.completeAfterMs(durationMs))
    runInputs = { ...inputs, 'progress-id': `bench-${label}` }
  }
  const startedBefore = fake.started.length
  let run
  try {
    run = await runTimed(node, [bundle], runInputs, { timeoutMs: durationMs + 120_000 })
  } finally {
    if (mode === 'generate') fake.setStartJob(DEFAULT_START_JOB)
  }
  if (run.code !== 0 || run.outputs.status !== 'completed') {
    throw new Error(`the ${label} run did not complete (exit ${run.code}, status ${run.outputs.status}):\n${run.stdout}${run.stderr}`)
  }
  const id = mode === 'generate' ? fake.started[startedBefore]?.progressId : `bench-${label}`
  const requests = fake.requests.filter(request => request.progressId !== undefined && request.progressId === id)
  const first = requests[0]
  const done = requests.find(request => request.response !== undefined && /"status":"completed"/.test(request.response.body))
  if (!first || !done) throw new Error(`the fake saw no completing request for ${id}`)
  return {
    polls: Number(run.outputs.polls),
    requests: requests.length,
    overshootS: (done.at - (first.at + durationMs)) / 1000,
    wallS: run.wallMs / 1000
  }
}
