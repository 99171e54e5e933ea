// A simulated Cekura for the batch runner on a virtual clock (virtual-clock.mjs): the four calls a job
// makes (read the scenario, start, poll, save), answered at once, with each scenario's job finishing a
// set time after it was started. It counts requests and the jobs running at once: a job runs from the
// read of its scenario to the poll that sees it end. Used by the unit tests and the benchmark; plain
// ESM JavaScript, types in sim-cekura.d.mts.

/**
 * @typedef {object} SimJob
 * @property {number} ms       how long after its start the job ends
 * @property {string} [fail]   ends failed with this error instead of completing
 */

/**
 * @param {{ now: () => number }} clock
 * @param {(scenarioId: number) => SimJob} jobOf
 */
export function simulatedCekura(clock, jobOf) {
  /** @type {Map<string, { scenarioId: number, endsAt: number, fail?: string }>} */
  const jobs = new Map()
  const active = new Set()
  const stats = {
    requests: 0,
    reads: 0,
    starts: 0,
    polls: 0,
    saves: 0,
    peakRunning: 0,
    /** @type {number[]} scenario ids in the order their jobs were started */
    startOrder: [],
    /** @type {Map<number, string>} scenario id -> saved text */
    saved: new Map()
  }
  const api = {
    /** @param {number} id */
    async getScenario(id) {
      stats.requests++
      stats.reads++
      active.add(id)
      stats.peakRunning = Math.max(stats.peakRunning, active.size)
      return { id, agent: id, instructions: `Instructions of scenario ${id}.\nBe polite.` }
    },
    /** @param {string} _mode @param {Record<string, unknown>} body */
    async startJob(_mode, body) {
      stats.requests++
      stats.starts++
      const scenarioId = Number(body.agent)
      const job = jobOf(scenarioId)
      const progressId = `sim-${scenarioId}-${stats.starts}`
      jobs.set(progressId, { scenarioId, endsAt: clock.now() + job.ms, ...(job.fail !== undefined ? { fail: job.fail } : {}) })
      stats.startOrder.push(scenarioId)
      return { progressId }
    },
    /** @param {string} progressId */
    async getProgress(progressId) {
      stats.requests++
      stats.polls++
      const job = jobs.get(progressId)
      if (job === undefined) return { kind: 'not-found', reason: 'HTTP 404' }
      if (clock.now() < job.endsAt) return { kind: 'ok', body: { status: 'in_progress' } }
      active.delete(job.scenarioId)
      if (job.fail !== undefined) return { kind: 'ok', body: { status: 'failed', error: job.fail } }
      return { kind: 'ok', body: { status: 'completed', instructions: `New instructions of scenario ${job.scenarioId}.\nBe polite.` } }
    },
    /** @param {number} id @param {Record<string, unknown>} body */
    async patchScenario(id, body) {
      stats.requests++
      stats.saves++
      stats.saved.set(id, String(body.instructions))
    }
  }
  return {
    api,
    stats,
    get running() {
      return active.size
    }
  }
}
