import type { Job, Outcome, Report } from '../base/types.js'
import type { CekuraApi, Scenario, StartedJob, TenantScope } from '../cekura/client.js'
import { CekuraFailure } from '../cekura/failure.js'
import { INPUT } from '../inputs.js'
import { pollUntilDone, timeoutWords } from '../wait/poll.js'

/** Saving the text may run this far past the timeout: the job is done by then and its text is worth keeping. */
export const APPLY_MIN_MS = 3000

/** One job, as the inputs ask for it. */
export interface JobSpec {
  job: Job
  /** The scenario the job is about; `apply` saves the text into it. */
  scenarioId?: number | undefined
  /** The project-id input: the tenant of the progress requests, unless the start answer names another. */
  projectId?: number | undefined
  apply: boolean
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  /** When the timeout started to run, on the `now` clock; the call's start by default. */
  startedAt?: number
  /** The step's whole timeout, when this job has only the end of it (see PollSettings.wholeTimeoutMs). */
  wholeTimeoutMs?: number | undefined
}

/** Everything runJob reaches outside itself. */
export interface JobPorts {
  client: CekuraApi
  /** Monotonic milliseconds; the clock of the deadline. */
  now: () => number
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
  random: () => number
  /** Aborts the job: the run is being cancelled. */
  cancel: AbortSignal
  log: (line: string) => void
  /** Hides secrets in response text quoted in an error, before it is cut. */
  redact?: (text: string) => string
  /** Hears of the progress id as soon as a started job has one. */
  onStarted?: (progressId: string) => void
  /** Adjusts the wait between polls (see PollDeps.pace); a batch's pace. */
  pace?: (elapsedMs: number, waitMs: number) => number
}

/**
 * Does one job from start to end: reads the scenario when needed, starts the job, follows it and saves
 * the text. Never touches the runner, the environment or files; every ending, whatever went wrong, is
 * one final Report.
 */
export async function runJob(spec: JobSpec, ports: JobPorts): Promise<Report> {
  const startedAt = spec.startedAt ?? ports.now()
  const deadline = startedAt + spec.timeoutMs
  let job = spec.job
  // The finished job being saved, once saving began: a failure then ends in its own words.
  let saving: Outcome | undefined
  let projectId = spec.projectId
  const finish = (ending: Outcome, applied?: boolean): Report => Object.freeze(reportOf(job, spec, ending, applied, projectId))

  try {
    // A cancel that came before the run even started (the signal is caught from the first moment).
    if (ports.cancel.aborted) throw new CekuraFailure('cancelled', 'Nothing was sent to Cekura.')
    job = await fillFromScenario(job, spec.scenarioId, ports, deadline)
    // An agent read from the scenario came from scenario-id, like a text read from it.
    // (A generate job always has its agent; a poll job starts nothing.)
    const agentInput = spec.job.agentId === undefined ? INPUT.scenarioId : INPUT.agentId
    const started = await startJob(job, ports, deadline, agentInput)
    projectId = projectOf(started, spec.projectId, ports.log)
    const scope = tenantScope(projectId, job)
    if (scope) ports.log(`Progress requests name ${scope.param} ${scope.id} as their tenant.`)
    const outcome = await pollUntilDone(
      {
        progressId: started.progressId,
        startedAt,
        timeoutMs: spec.timeoutMs,
        wholeTimeoutMs: spec.wholeTimeoutMs,
        pollIntervalMs: spec.pollIntervalMs,
        maxPollIntervalMs: spec.maxPollIntervalMs,
        scope
      },
      {
        source: ports.client,
        now: ports.now,
        sleep: ports.sleep,
        random: ports.random,
        log: ports.log,
        cancel: ports.cancel,
        ...(ports.redact ? { redact: ports.redact } : {}),
        ...(ports.pace ? { pace: ports.pace } : {})
      }
    )
    if (!spec.apply || spec.scenarioId === undefined) return finish(outcome)
    if (outcome.status !== 'completed') return finish(outcome, false)
    saving = outcome
    await save(spec.scenarioId, outcome, ports, deadline)
    return finish(outcome, true)
  } catch (error) {
    if (!(error instanceof CekuraFailure)) throw error
    return ended(error, saving)
  }

  /** The one place a failure becomes an ending. */
  function ended(failure: CekuraFailure, followed: Outcome | undefined): Report {
    if (followed !== undefined) {
      const problem = `The instructions were produced but not saved: ${failure.message} The text is in the instructions output and the instructions-file.`
      const cancelled = failure.kind === 'cancelled' || ports.cancel.aborted
      return finish(
        cancelled
          ? { ...followed, status: 'cancelled', error: `The run was cancelled while saving. ${problem}` }
          : { ...followed, error: problem },
        false
      )
    }
    const before: Outcome = {
      status: 'failed',
      progressId: '',
      instructions: '',
      expectedOutcome: '',
      error: failure.message,
      lastResponse: null,
      polls: 0,
      elapsedMs: ports.now() - startedAt
    }
    // No job to save: with apply asked for, the report says nothing was saved.
    const applied = spec.apply && spec.scenarioId !== undefined ? false : undefined
    if (failure.kind === 'cancelled' || ports.cancel.aborted) {
      return finish({ ...before, status: 'cancelled', error: `The run was cancelled. ${failure.message}` }, applied)
    }
    if (failure.kind === 'timed-out') {
      return finish(
        {
          ...before,
          status: 'timed-out',
          error: `The timeout (${timeoutWords(spec.timeoutMs, spec.wholeTimeoutMs)}) ran out before the job could be followed. ${failure.message} Raise the timeout input if Cekura needs longer.`
        },
        applied
      )
    }
    return finish(before, applied)
  }
}

function reportOf(job: Job, spec: JobSpec, outcome: Outcome, applied: boolean | undefined, projectId: number | undefined): Report {
  return {
    mode: job.mode,
    outcome,
    ...(spec.scenarioId !== undefined ? { scenarioId: spec.scenarioId } : {}),
    ...(projectId !== undefined ? { projectId } : {}),
    ...(job.mode !== 'poll' ? { extraInstructions: job.extraInstructions } : {}),
    ...(job.agentId !== undefined ? { agentId: job.agentId } : {}),
    ...(job.mode === 'improve' && job.currentInstructions !== undefined ? { currentInstructions: job.currentInstructions } : {}),
    ...(applied !== undefined ? { applied } : {})
  }
}

/** The scenario's agent: an id, or an object holding one. */
function agentOf(scenario: Scenario): number | undefined {
  const agent = scenario.agent
  const id = typeof agent === 'object' && agent !== null ? (agent as Record<string, unknown>).id : agent
  const number = typeof id === 'string' ? Number(id) : id
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined
}

/** Fills what an improve job needs from its scenario, when the inputs left it out. */
async function fillFromScenario(job: Job, scenarioId: number | undefined, ports: JobPorts, deadline: number): Promise<Job> {
  if (job.mode !== 'improve' || scenarioId === undefined) return job
  if (job.agentId !== undefined && job.currentInstructions !== undefined) return job
  const wanted = job.agentId === undefined ? (job.currentInstructions === undefined ? 'agent and instructions' : 'agent') : 'instructions'
  ports.log(`Reading scenario ${scenarioId} for its ${wanted}.`)
  const scenario = await ports.client.getScenario(scenarioId, deadline)
  const agentId = job.agentId ?? agentOf(scenario)
  if (agentId === undefined) {
    throw new CekuraFailure('fatal', `Scenario ${scenarioId} has no agent id that could be read; set the ${INPUT.agentId} input.`)
  }
  const currentInstructions = job.currentInstructions ?? scenario.instructions
  if (typeof currentInstructions !== 'string') {
    throw new CekuraFailure(
      'fatal',
      `Scenario ${scenarioId} has no instructions text to improve; give it with ${INPUT.currentInstructions} or ${INPUT.currentInstructionsFile}.`
    )
  }
  return { ...job, agentId, currentInstructions }
}

/** The project the job runs in: what the answer that started it says, else the project-id input. */
function projectOf(started: StartedJob, given: number | undefined, log: (line: string) => void): number | undefined {
  if (started.projectId !== undefined && given !== undefined && started.projectId !== given) {
    log(`Cekura started the job in project ${started.projectId}, not in project ${given} (${INPUT.projectId}); following it there.`)
  }
  return started.projectId ?? given
}

/**
 * The tenant every progress request names: the project when known, else the agent (generate,
 * improve, or agent-id in poll mode); none otherwise, as keys scoped to one project need none.
 */
export function tenantScope(projectId: number | undefined, job: Job): TenantScope | undefined {
  if (projectId !== undefined) return { param: 'project_id', id: projectId }
  if (job.agentId !== undefined) return { param: 'agent_id', id: job.agentId }
  return undefined
}

/** Starts the job the inputs ask for and returns what Cekura answered; `onStarted` hears of the progress id at once. */
async function startJob(job: Job, ports: JobPorts, deadline: number, agentInput: string): Promise<StartedJob> {
  if (job.mode === 'poll') return { progressId: job.progressId }
  const body: Record<string, unknown> = { ...job.requestBody, agent: job.agentId, extra_instructions: job.extraInstructions }
  // Keys from request-body are the user's: a table without a prototype, so `constructor` is just a key.
  const fieldInputs: Record<string, string> = Object.assign(Object.create(null), {
    agent: agentInput,
    extra_instructions: INPUT.extraInstructions
  })
  for (const key of Object.keys(job.requestBody)) fieldInputs[key] = INPUT.requestBody
  // The text is optional: an improve job with agent-id alone (no text, no scenario) sends none.
  if (job.mode === 'improve' && job.currentInstructions !== undefined) {
    body.current_instructions = job.currentInstructions
    fieldInputs.current_instructions = job.currentInstructionsInput ?? INPUT.scenarioId
  }
  const started = await ports.client.startJob(job.mode, body, deadline, fieldInputs)
  ports.onStarted?.(started.progressId)
  ports.log(
    `Started the ${job.mode} job: progress id ${started.progressId}${started.projectId !== undefined ? `, project ${started.projectId}` : ''}.`
  )
  return started
}

/** Saves a finished text into the scenario; throws a CekuraFailure when it could not. */
async function save(scenarioId: number, outcome: Outcome, ports: JobPorts, deadline: number): Promise<void> {
  const body: Record<string, unknown> = { instructions: outcome.instructions }
  if (outcome.expectedOutcome !== '') body.expected_outcome_prompt = outcome.expectedOutcome
  await ports.client.patchScenario(scenarioId, body, Math.max(deadline, ports.now() + APPLY_MIN_MS))
  ports.log(`Saved the new instructions into scenario ${scenarioId}.`)
}
