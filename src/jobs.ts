import { ApiError, type CekuraClient, type Scenario } from './cekura.js'
import { INPUT, type Job, type Settings } from './inputs.js'
import type { Report } from './report.js'

/** Saving the text may run this far past the timeout: the job is done by then and its text is worth keeping. */
export const APPLY_MIN_MS = 3000

/** The scenario's agent: an id, or an object holding one. */
function agentOf(scenario: Scenario): number | undefined {
  const agent = scenario.agent
  const id = typeof agent === 'object' && agent !== null ? (agent as Record<string, unknown>).id : agent
  const number = typeof id === 'string' ? Number(id) : id
  return typeof number === 'number' && Number.isSafeInteger(number) && number > 0 ? number : undefined
}

/** Fills what an improve job needs from its scenario, when the inputs left it out. */
export async function completeFromScenario(
  job: Job,
  settings: Settings,
  client: CekuraClient,
  deadline: number,
  report: Report,
  log: (line: string) => void
): Promise<void> {
  if (job.mode !== 'improve' || settings.scenarioId === undefined) return
  if (job.agentId !== undefined && job.currentInstructions !== undefined) return
  const id = settings.scenarioId
  log(`Reading scenario ${id} for its ${job.agentId === undefined ? 'agent and ' : ''}instructions.`)
  const scenario = await client.getScenario(id, deadline)
  if (job.agentId === undefined) {
    const agent = agentOf(scenario)
    if (agent === undefined) {
      throw new ApiError(`Scenario ${id} has no agent id that could be read; set the ${INPUT.agentId} input.`)
    }
    job.agentId = agent
    report.agentId = agent
  }
  if (job.currentInstructions === undefined) {
    if (typeof scenario.instructions !== 'string') {
      throw new ApiError(
        `Scenario ${id} has no instructions text to improve; give it with ${INPUT.currentInstructions} or ${INPUT.currentInstructionsFile}.`
      )
    }
    job.currentInstructions = scenario.instructions
    report.currentInstructions = scenario.instructions
  }
}

/** Starts the job the inputs ask for and returns its progress id; `onStarted` hears of it at once. */
export async function startJob(
  job: Job,
  client: CekuraClient,
  deadline: number,
  log: (line: string) => void,
  onStarted: (progressId: string) => void
): Promise<string> {
  if (job.mode === 'poll') return job.progressId
  const body: Record<string, unknown> = { ...job.requestBody, agent: job.agentId, extra_instructions: job.extraInstructions }
  const fieldInputs: Record<string, string> = {
    agent: INPUT.agentId,
    extra_instructions: INPUT.extraInstructions
  }
  for (const key of Object.keys(job.requestBody)) fieldInputs[key] = INPUT.requestBody
  if (job.mode === 'improve' && job.currentInstructions !== undefined) {
    body.current_instructions = job.currentInstructions
    fieldInputs.current_instructions = job.currentInstructionsInput ?? INPUT.scenarioId
  }
  const progressId = await client.startJob(job.mode, body, deadline, fieldInputs)
  onStarted(progressId)
  log(`Started the ${job.mode} job: progress id ${progressId}.`)
  return progressId
}

/** Saves a finished text into the scenario; returns an error line, or undefined when saved. */
export async function applyToScenario(
  report: Report,
  client: CekuraClient,
  deadline: number,
  log: (line: string) => void
): Promise<string | undefined> {
  const id = report.scenarioId as number
  const body: Record<string, unknown> = { instructions: report.outcome.instructions }
  if (report.outcome.expectedOutcome !== '') body.expected_outcome_prompt = report.outcome.expectedOutcome
  try {
    await client.patchScenario(id, body, Math.max(deadline, performance.now() + APPLY_MIN_MS))
    log(`Saved the new instructions into scenario ${id}.`)
    return undefined
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return `The instructions were produced but not saved: ${why} The text is in the instructions output and the instructions-file.`
  }
}
