import { formatDuration } from '../base/duration.js'
import { redactReport } from '../base/redact.js'
import { errorMessage, oneLine } from '../base/text.js'
import type { Job, Outcome, Report, Status } from '../base/types.js'
import { MIN_RETRY_TIME_MS } from '../cekura/retry.js'
import { pacedWait, type SeenEnd } from '../wait/pace.js'
import { type JobPorts, runJob } from './runner.js'

/** Many scenarios, one improve request: what a batch is asked to do. */
export interface BatchSpec {
  /** In the order given; the results keep it. */
  scenarioIds: readonly number[]
  /** The improve job each scenario runs; its agent and current text are read from the scenario. */
  job: Extract<Job, { mode: 'improve' }>
  apply: boolean
  /** At most this many jobs are started and followed at once. */
  concurrency: number
  /** One timeout for the whole batch. */
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  /** When the timeout started to run, on the `now` clock; the call's start by default. */
  startedAt?: number
}

/** Everything runBatch reaches outside itself: a job's ports, shared by every job. */
export interface BatchPorts extends Omit<JobPorts, 'onStarted'> {
  /** Hears of a job's progress id as soon as it has one. */
  onStarted?: (scenarioId: number, progressId: string) => void
  /** Hears of each job's ending as it comes. */
  onEnded?: (report: Report) => void
}

/** How a batch ended: one Report per scenario, in the order given, and the whole in one ending. */
export interface BatchReport {
  readonly reports: readonly Report[]
  /** `completed` only when every job completed; otherwise the most serious ending among them. */
  readonly status: Status
  /** One line summing up what went wrong; empty when every job completed (and was saved, with apply). */
  readonly error: string
  /** Progress requests of all the jobs together. */
  readonly polls: number
  /** The whole batch. */
  readonly elapsedMs: number
  /** Whether apply was asked for. */
  readonly apply: boolean
  /** True only when apply was asked for and every job was saved. */
  readonly applied: boolean
  readonly extraInstructions: string
  readonly concurrency: number
}

/** The order in which endings outrank each other for the batch's status: a cancel above a failure above a time-out. */
const SERIOUSNESS: readonly Status[] = ['cancelled', 'failed', 'timed-out']
/** How much of each job's error the one-line batch error quotes, and how many jobs it names per ending. */
const BRIEF_CHARS = 120
const NAMED_PER_ENDING = 10

/**
 * Runs one improve job per scenario, at most `concurrency` at once, the next starting when one ends,
 * all within one deadline and one cancel signal. A job's failure never stops the others. Never
 * touches the runner, the environment or files; resolves to one frozen BatchReport.
 */
export async function runBatch(spec: BatchSpec, ports: BatchPorts): Promise<BatchReport> {
  const startedAt = spec.startedAt ?? ports.now()
  const deadline = startedAt + spec.timeoutMs
  const ids = spec.scenarioIds
  // Stryker disable next-line ArrayDeclaration: every index is filled in before the array is read
  const reports: Report[] = new Array(ids.length)
  let next = 0
  // When the completed jobs ended: they pace the polls of the others (pacedWait).
  const ends: SeenEnd[] = []

  const worker = async (): Promise<void> => {
    for (let index = next++; index < ids.length; index = next++) {
      const report = await one(ids[index] as number)
      reports[index] = report
      ports.onEnded?.(report)
    }
  }

  const one = async (scenarioId: number): Promise<Report> => {
    const jobStart = ports.now()
    if (ports.cancel.aborted) {
      return notStarted(spec, scenarioId, 'cancelled', 'The run was cancelled before this job was started.')
    }
    // A job started with less time than this left could not be followed: it would only be left running in Cekura.
    if (deadline - jobStart <= MIN_RETRY_TIME_MS) {
      return notStarted(
        spec,
        scenarioId,
        'timed-out',
        `The timeout (${formatDuration(spec.timeoutMs)}) ran out before this job was started: the jobs before it took the time. ` +
          'Raise the timeout input, or the concurrency input to run more jobs at once.'
      )
    }
    const log = (line: string): void => ports.log(`Scenario ${scenarioId}: ${line}`)
    let lastRunningMs = 0
    const pace = (elapsedMs: number, waitMs: number): number => {
      lastRunningMs = elapsedMs
      return pacedWait(elapsedMs, waitMs, ends, spec)
    }
    try {
      const report = await runJob(
        {
          job: spec.job,
          scenarioId,
          apply: spec.apply,
          // The job's own clock starts now (its polls are paced from its own start); the deadline is the batch's.
          startedAt: jobStart,
          timeoutMs: deadline - jobStart,
          wholeTimeoutMs: spec.timeoutMs,
          pollIntervalMs: spec.pollIntervalMs,
          maxPollIntervalMs: spec.maxPollIntervalMs
        },
        {
          ...ports,
          log,
          onStarted: progressId => ports.onStarted?.(scenarioId, progressId),
          pace
        }
      )
      if (report.outcome.status === 'completed') {
        ends.push({ lowerMs: lastRunningMs, upperMs: report.outcome.elapsedMs })
      }
      return report
    } catch (error) {
      // A bug of ours in one job: the others go on, and this one says what happened.
      const message = `Unexpected error in the action: ${errorMessage(error)}`
      log(message)
      return notStarted(spec, scenarioId, 'failed', message, ports.now() - jobStart)
    }
  }

  await Promise.all(Array.from({ length: Math.max(1, Math.min(spec.concurrency, ids.length)) }, worker))
  return Object.freeze(summarise(reports, spec, ports.now() - startedAt))
}

/**
 * A job the batch never started (or whose run threw an error of ours), as a report like any other. Its
 * time is the time it took to fail; a job never begun took none.
 */
function notStarted(spec: BatchSpec, scenarioId: number, status: Status, error: string, elapsedMs = 0): Report {
  const outcome: Outcome = {
    status,
    progressId: '',
    instructions: '',
    expectedOutcome: '',
    error,
    lastResponse: null,
    polls: 0,
    elapsedMs
  }
  return Object.freeze({
    mode: 'improve',
    outcome,
    scenarioId,
    extraInstructions: spec.job.extraInstructions,
    ...(spec.job.agentId !== undefined ? { agentId: spec.job.agentId } : {}),
    ...(spec.apply ? { applied: false } : {})
  })
}

/** The batch's ending, from its jobs' endings. Pure. */
export function summarise(
  reports: readonly Report[],
  spec: Pick<BatchSpec, 'apply' | 'concurrency' | 'job'>,
  elapsedMs: number
): BatchReport {
  const statuses = new Set(reports.map(report => report.outcome.status))
  const status = SERIOUSNESS.find(ending => statuses.has(ending)) ?? 'completed'
  return {
    reports,
    status,
    error: batchError(reports, spec.apply),
    polls: reports.reduce((sum, report) => sum + report.outcome.polls, 0),
    elapsedMs,
    apply: spec.apply,
    applied: spec.apply && reports.length > 0 && reports.every(report => report.applied === true),
    extraInstructions: spec.job.extraInstructions,
    concurrency: spec.concurrency
  }
}

/** "2 of 12 jobs failed: 101 (…), 117 (…); 1 timed out: 130 (…)", or '' when all went well. */
export function batchError(reports: readonly Report[], apply: boolean): string {
  const total = reports.length
  const groups: Array<{ reports: Report[]; verb: (count: number) => string }> = [
    { reports: reports.filter(r => r.outcome.status === 'failed'), verb: () => 'failed' },
    { reports: reports.filter(r => r.outcome.status === 'timed-out'), verb: () => 'timed out' },
    { reports: reports.filter(r => r.outcome.status === 'cancelled'), verb: n => (n === 1 ? 'was cancelled' : 'were cancelled') },
    {
      // Completed, but the text could not be saved (apply) or something else went wrong after the job.
      reports: reports.filter(r => r.outcome.status === 'completed' && (r.outcome.error !== '' || (apply && r.applied !== true))),
      verb: n => (n === 1 ? 'completed but was not saved' : 'completed but were not saved')
    }
  ]
  const parts = groups
    .filter(group => group.reports.length > 0)
    .map((group, index) => {
      const count = group.reports.length
      const named = group.reports
        .slice(0, NAMED_PER_ENDING)
        .map(report => `${report.scenarioId ?? '?'} (${brief(report.outcome.error)})`)
        .join(', ')
      const more = count > NAMED_PER_ENDING ? ` and ${count - NAMED_PER_ENDING} more` : ''
      const lead = index === 0 ? `${count} of ${total} ${total === 1 ? 'job' : 'jobs'}` : `${count}`
      return `${lead} ${group.verb(count)}: ${named}${more}`
    })
  return parts.join('; ')
}

function brief(error: string): string {
  const line = oneLine(error).trim()
  if (line === '') return 'no error message'
  return line.length > BRIEF_CHARS ? `${line.slice(0, BRIEF_CHARS - 1)}…` : line
}

/** The batch with every text in it redacted: what the outputs, the files, the summary and the comment may show. */
export function redactBatch(batch: BatchReport, redact: (text: string) => string): BatchReport {
  return Object.freeze({
    ...batch,
    reports: batch.reports.map(report => Object.freeze(redactReport(report, redact))),
    error: redact(batch.error),
    extraInstructions: redact(batch.extraInstructions)
  })
}
