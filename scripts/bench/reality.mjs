// Table 3: reality check. Real-time runs of the committed bundle against the fake Cekura server with
// jobs that complete a set time after their first poll, next to what the simulation predicts for a job
// that ends exactly that long after the first poll.

import { jobs } from '../../__tests__/support/fake-cekura.mjs'
import { runTimed } from './spawn-action.mjs'

/**
 * @typedef {object} Observed
 * @property {number} polls        the action's `polls` output
 * @property {number} requests     progress requests the fake received
 * @property {number} overshootS   completing request's arrival − (first request's arrival + duration)
 * @property {number} wallS        spawn to exit
 */

/**
 * @param {{ node: string, bundle: string, fake: import('../../__tests__/support/fake-cekura.mjs').FakeCekura,
 *   inputs: Record<string, string>, durationMs: number, label: string }} options
 * @returns {Promise<Observed>}
 */
export async function observeOnce({ node, bundle, fake, inputs, durationMs, label }) {
  const id = `bench-${label}`
  fake.setJob(id, jobs.completeAfterMs(durationMs))
  const run = await runTimed(node, [bundle], { ...inputs, 'progress-id': id }, { timeoutMs: durationMs + 120_000 })
  if (run.code !== 0 || run.outputs.status !== 'completed') {
    throw new Error(`the ${label} run did not complete (exit ${run.code}, status ${run.outputs.status}):\n${run.stdout}${run.stderr}`)
  }
  const requests = fake.requests.filter(request => request.progressId === id)
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
