import * as core from '@actions/core'

/**
 * The one way out to the log. The runner reads every stdout line for workflow commands: a line that
 * starts with `::` (after white space) or holds `##[` anywhere can write annotations, mask words, stop
 * command processing or set outputs. Text from outside (Cekura's answers, GitHub's answers, the
 * inputs) reaches the log only through here, where it is redacted, kept on one line, kept out of both
 * command forms and capped. Only the action's own commands, written by @actions/core, reach the runner.
 *
 * This is the one module below the top that touches the outside: everything else logs through a
 * callback that ends here.
 */

/** A log line is cut after this many characters: outside text may be megabytes long. */
export const MAX_LINE_CHARS = 1000

/** Line breaks of any kind the runner, a terminal or the log viewer might honour. */
const BREAKS = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/g
/** Other control characters: escape sequences could redraw the log a reader sees. */
const CONTROLS = /(?!\t)\p{Cc}/gu
/**
 * What may stand before a line's first `::` and still let the runner read it as a command: the runner
 * trims white space first. Invisible format characters are counted too, to be safe.
 */
const LEADING_COMMAND = /^([\s\p{Cf}\p{Z}]*):(?=:)/u

/**
 * One line of log text that the runner shows and never runs: line breaks become spaces, a leading
 * `::` becomes `: :`, every `##[` becomes `## [`, control characters become U+FFFD, and the line is
 * cut at MAX_LINE_CHARS with a note of its full length.
 */
export function logLine(text: string): string {
  let line = text.replace(BREAKS, ' ').replace(CONTROLS, '\uFFFD')
  line = line.replace(/##\[/g, '## [').replace(LEADING_COMMAND, '$1: ')
  if (line.length <= MAX_LINE_CHARS) return line
  let end = MAX_LINE_CHARS
  // Never cut a character in two.
  const last = line.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return `${line.slice(0, end)}… (${line.length} characters in all)`
}

let hide: (text: string) => string = text => text

/** Sets what every line is redacted with: the secrets are known from the first moment of run(). */
export function useRedaction(redact: (text: string) => string): void {
  hide = redact
}

/** Registers a secret with the runner, which then masks it in the log it shows. */
export function maskSecret(secret: string): void {
  if (secret !== '') core.setSecret(secret)
}

const shown = (text: string): string => logLine(hide(text))

export const log = {
  info: (text: string): void => core.info(shown(text)),
  debug: (text: string): void => core.debug(shown(text)),
  notice: (text: string): void => core.notice(shown(text)),
  warning: (text: string): void => core.warning(shown(text)),
  /** Fails the step with an error annotation; the whole text stays in the `error` output and the summary. */
  failed: (text: string): void => core.setFailed(shown(text))
}

export type Log = typeof log
