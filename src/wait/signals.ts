/** How long after a cancel signal the process may take before it exits regardless. */
const CANCEL_GRACE_MS = 4000

/** Stops the wait on the runner's cancel signals (SIGINT, then SIGTERM 7.5 s later). */
export function watchForCancel(log: (line: string) => void): AbortSignal {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) return
    log(`Received ${signal}: the run is being cancelled; stopping the wait.`)
    controller.abort()
    setTimeout(() => process.exit(1), CANCEL_GRACE_MS).unref()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return controller.signal
}
