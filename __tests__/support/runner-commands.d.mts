// Types for runner-commands.mjs (plain JavaScript so that the soak script runs it without a build).

export const RUNNER_COMMANDS: Set<string>
export const OWN_COMMANDS: Set<string>

export interface RunnerCommand {
  form: '::' | '##['
  name: string
  /** the raw text between the name and the data ('' when none) */
  properties: string
  /** unescaped as the runner unescapes it */
  data: string
  line: string
  /** 0-based line number */
  index: number
}

export function runnerLines(text: string): string[]
export function commandOf(line: string, index?: number): RunnerCommand | undefined
export function readCommands(stdout: string): RunnerCommand[]
export function foreignCommands(commands: RunnerCommand[], options?: { secrets?: string[] }): RunnerCommand[]
export function describeCommands(commands: RunnerCommand[]): string
