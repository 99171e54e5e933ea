/** How long after a cancel signal the process may take before it exits regardless. */
const CANCEL_GRACE_MS = 4000

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

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
