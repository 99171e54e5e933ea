/** The types every layer shares: what a run is asked to do and how it ended. */

export const MODES = ['poll', 'generate', 'improve'] as const
export type Mode = (typeof MODES)[number]

/**
 * What happens to our pull-request comment: edit it in place (`update`), delete it and post a new one
 * (`recreate`), hide it as outdated and post a new one (`hide-and-recreate`), or delete it and post
 * nothing (`delete`).
 */
export const COMMENT_MODES = ['update', 'recreate', 'hide-and-recreate', 'delete'] as const
export type CommentMode = (typeof COMMENT_MODES)[number]

/** How a run ended. */
export type Status = 'completed' | 'failed' | 'timed-out' | 'cancelled'

/** How following one job ended. */
export interface Outcome {
  status: Status
  progressId: string
  instructions: string
  expectedOutcome: string
  /** One line, empty when completed. */
  error: string
  /** The last progress response body that parsed as JSON. */
  lastResponse: unknown
  polls: number
  elapsedMs: number
  /** Status words Cekura sent that the action does not know (it kept waiting), in the order first seen. */
  unknownStatuses?: readonly string[]
}

/** Everything the outputs, the summary and the pull-request comment show about one run. */
export interface Report {
  readonly outcome: Outcome
  readonly mode: Mode
  readonly agentId?: number
  readonly scenarioId?: number
  /** The Cekura project the job ran in, when known: the project-id input, or what the start answer said. */
  readonly projectId?: number
  readonly extraInstructions?: string
  /** The text an improve job started from, for the diff. */
  readonly currentInstructions?: string
  /** Set when `apply` was asked for: whether the text was saved into the scenario. */
  readonly applied?: boolean
}

/** What the action is to do: follow a job, or start one first. */
export type Job =
  | {
      readonly mode: 'poll'
      readonly progressId: string
      /** Only names the tenant of the progress requests. */
      readonly agentId?: number
    }
  | {
      readonly mode: 'generate'
      readonly agentId: number
      readonly extraInstructions: string
      readonly requestBody: Readonly<Record<string, unknown>>
    }
  | {
      readonly mode: 'improve'
      /** Read from the scenario when not given. */
      readonly agentId?: number
      readonly extraInstructions: string
      /** Read from the scenario when not given (and a scenario is). */
      readonly currentInstructions?: string
      /** The input the current text came from, so API field errors can name it. */
      readonly currentInstructionsInput?: string
      readonly requestBody: Readonly<Record<string, unknown>>
    }
