// Reads a step's stdout the way the GitHub runner reads it for workflow commands, so that tests can
// check that the only commands in it are the ones the action meant to write.
//
// The runner splits the output into lines (at LF, CR or CRLF) and tries two forms on each line:
//   - `::name props::data`: the line, with leading white space trimmed, must start with `::`;
//   - `##[name props]data`: the older form, found ANYWHERE in the line.
// A form counts only when `name` is a command the runner knows. Plain ESM JavaScript (types in
// runner-commands.d.mts) so that the soak script can use it without a build.

/** Every command name the runner acts on. */
export const RUNNER_COMMANDS = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning'
])

/** What @actions/core writes for this action: masks, debug lines and annotations without properties. */
export const OWN_COMMANDS = new Set(['add-mask', 'debug', 'notice', 'warning', 'error'])

// White space as .NET's String.TrimStart sees it (Char.IsWhiteSpace), which is what the runner trims.
const LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

/** The lines the runner sees. @param {string} text @returns {string[]} */
export function runnerLines(text) {
  const lines = text.split(/\r\n|\r|\n/)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** @param {string} text */
function unescapeData(text) {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/**
 * @typedef {object} RunnerCommand
 * @property {'::' | '##['} form
 * @property {string} name
 * @property {string} properties  the raw text between the name and the data ('' when none)
 * @property {string} data        unescaped as the runner unescapes it
 * @property {string} line
 * @property {number} index       0-based line number
 */

/**
 * The command a line holds for the runner, or undefined.
 * @param {string} line @param {number} [index]
 * @returns {RunnerCommand | undefined}
 */
export function commandOf(line, index = 0) {
  const trimmed = line.replace(LEADING_SPACE, '')
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end >= 0) {
      const info = trimmed.slice(2, end)
      const space = info.indexOf(' ')
      const name = space < 0 ? info : info.slice(0, space)
      if (RUNNER_COMMANDS.has(name)) {
        return {
          form: '::',
          name,
          properties: space < 0 ? '' : info.slice(space + 1).trim(),
          data: unescapeData(trimmed.slice(end + 2)),
          line,
          index
        }
      }
    }
  }
  const start = line.indexOf('##[')
  if (start < 0) return undefined
  const close = line.indexOf(']', start)
  if (close < 0) return undefined
  const info = line.slice(start + 3, close)
  const space = info.indexOf(' ')
  const name = space < 0 ? info : info.slice(0, space)
  if (!RUNNER_COMMANDS.has(name)) return undefined
  return { form: '##[', name, properties: space < 0 ? '' : info.slice(space + 1), data: line.slice(close + 1), line, index }
}

/** Every command in a step's stdout, in order. @param {string} stdout @returns {RunnerCommand[]} */
export function readCommands(stdout) {
  /** @type {RunnerCommand[]} */
  const found = []
  runnerLines(stdout).forEach((line, index) => {
    const command = commandOf(line, index)
    if (command) found.push(command)
  })
  return found
}

/**
 * The commands the action did not mean to write: the old `##[` form (the toolkit never writes it), a
 * name other than OWN_COMMANDS, an annotation with properties (the action passes none), a mask of
 * anything but the secrets it was given, or a command line with white space before it.
 * @param {RunnerCommand[]} commands
 * @param {{ secrets?: string[] }} [options]
 * @returns {RunnerCommand[]}
 */
export function foreignCommands(commands, options = {}) {
  const secrets = new Set((options.secrets ?? []).map(secret => secret.trim()).filter(Boolean))
  return commands.filter(command => {
    if (command.form !== '::' || !OWN_COMMANDS.has(command.name)) return true
    if (command.properties !== '' || !command.line.startsWith('::')) return true
    if (command.name === 'add-mask') return !secrets.has(command.data)
    return false
  })
}

/** One line per command, for an error message. @param {RunnerCommand[]} commands */
export function describeCommands(commands) {
  return commands.map(command => `line ${command.index + 1}: ${JSON.stringify(command.line.slice(0, 200))}`).join('\n  ')
}
