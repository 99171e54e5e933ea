// The command line the fake servers share (docs/fake-servers.md): options that take a value, flags,
// --help, the port check, exit codes, and running until SIGINT or SIGTERM.

import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * Reads the arguments. `values` maps each option that takes a value to its key, `flags` each flag to
 * its key (set to true); `usage` is the one-line synopsis an unknown argument quotes. `--port` is read
 * as a number from 0 to 65535.
 *
 * @template {{ port: number }} T
 * @param {string[]} argv
 * @param {{ defaults: T, values: Record<string, keyof T>, flags: Record<string, keyof T>, usage: string }} spec
 * @returns {T & { help: boolean }}
 */
export function parseOptions(argv, { defaults, values, flags, usage }) {
  /** @type {Record<string, unknown>} */
  const args = { ...defaults, help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i])
    if (arg === '--help' || arg === '-h') args.help = true
    else if (Object.hasOwn(values, arg)) {
      const next = argv[++i]
      if (next === undefined) throw new Error(`${arg} needs a value (--help lists the options)`)
      args[/** @type {string} */ (values[arg])] = arg === '--port' ? Number(next) : next
    } else if (Object.hasOwn(flags, arg)) args[/** @type {string} */ (flags[arg])] = true
    else throw new Error(`unknown argument ${arg}; usage: ${usage} (--help lists the options)`)
  }
  const port = args.port
  if (!args.help && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error('--port must be 0..65535')
  }
  return /** @type {T & { help: boolean }} */ (args)
}

/** True when the module at `moduleUrl` is the script node was started with. */
function isMain(moduleUrl) {
  if (!process.argv[1]) return false
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl))
  } catch {
    return false
  }
}

/**
 * Runs a fake server from the command line when its module is the script node was started with:
 * reads the arguments (exit 2 on a bad one), prints the help (exit 0), starts the server (exit 2 when
 * it cannot), and closes it on SIGINT or SIGTERM (exit 0, or 1 when closing fails).
 *
 * @template {{ help: boolean }} T
 * @param {string} moduleUrl the fake's import.meta.url
 * @param {{ parse: (argv: string[]) => T, help: string, start: (args: T) => Promise<{ close: () => Promise<void> }> }} cli
 */
export async function runFakeCli(moduleUrl, { parse, help, start }) {
  if (!isMain(moduleUrl)) return
  const message = error => String(error instanceof Error ? error.message : error)
  let args
  try {
    args = parse(process.argv.slice(2))
  } catch (error) {
    console.error(message(error))
    process.exit(2)
  }
  if (args.help) {
    process.stdout.write(help)
    process.exit(0)
  }
  let fake
  try {
    fake = await start(args)
  } catch (error) {
    console.error(message(error))
    process.exit(2)
  }
  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
