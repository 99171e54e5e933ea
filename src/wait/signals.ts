/** How long after a cancel signal the process may take before it exits regardless. */
const CANCEL_GRACE_MS = 4000

const controller = new AbortController()
let received: NodeJS.Signals | undefined
let report: ((line: string) => void) | undefined
let installed = false

const message = (signal: NodeJS.Signals): string => `Received ${signal}: the run is being cancelled; stopping the wait.`

function onSignal(signal: NodeJS.Signals): void {
  if (controller.signal.aborted) return
  received = signal
  controller.abort()
  report?.(message(signal))
  setTimeout(() => process.exit(1), CANCEL_GRACE_MS).unref()
}

/**
 * Catches the runner's cancel signals (SIGINT, then SIGTERM 7.5 s later) from now on. Called by the
 * first module the bundle evaluates (cancel-handlers.ts): without a listener, a signal that arrives
 * while the rest is still loading would kill the process by its default action, with no outputs.
 */
export function installCancelHandlers(): void {
  if (installed) return
  installed = true
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
}

/** The cancel signal, aborted once a signal came (even before this call); `log` hears of it. */
export function watchForCancel(log: (line: string) => void): AbortSignal {
  installCancelHandlers()
  report = log
  if (received !== undefined) log(message(received))
  return controller.signal
}
