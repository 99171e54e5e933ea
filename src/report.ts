import type { Mode } from './inputs.js'
import type { Outcome } from './poll.js'

/** Everything the summary and the pull-request comment show about one run. */
export interface Report {
  outcome: Outcome
  mode: Mode
  agentId?: number
  scenarioId?: number
  extraInstructions?: string
  /** The text an improve job started from, for the diff. */
  currentInstructions?: string
  /** Set when `apply` was asked for: whether the text was saved into the scenario. */
  applied?: boolean
}
