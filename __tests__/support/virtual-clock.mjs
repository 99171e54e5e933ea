// A virtual clock for code that sleeps in several places at once (the workers of a batch): sleeping
// only registers a timer, and run() moves the clock from one timer to the next whenever every task is
// waiting, so hours of batch pass in milliseconds and always in the same order. Used by the unit tests
// and by the benchmark (scripts/bench), so it is plain ESM JavaScript; types in virtual-clock.d.mts.

/**
 * @typedef {object} VirtualClock
 * @property {() => number} now   virtual milliseconds, from 0
 * @property {(ms: number, signal?: AbortSignal) => Promise<void>} sleep  resolves when the clock reaches
 *           now + ms, or at once when the signal aborts
 * @property {(atMs: number, action: () => void) => void} at  runs `action` when the clock reaches atMs
 * @property {<T>(task: Promise<T>) => Promise<T>} run  settles with `task`, moving the clock as it waits
 */

/** @returns {VirtualClock} */
export function virtualClock() {
  let now = 0
  let order = 0
  /** @type {Array<{ at: number, order: number, fire: () => void }>} */
  let timers = []

  /** @param {number} at @param {() => void} fire */
  function add(at, fire) {
    const timer = { at, order: order++, fire }
    timers.push(timer)
    return timer
  }

  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise(resolve => {
        if (signal?.aborted) {
          resolve()
          return
        }
        const onAbort = () => {
          timers = timers.filter(other => other !== timer)
          resolve()
        }
        const timer = add(now + Math.max(0, ms), () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        })
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    at(atMs, action) {
      add(atMs, action)
    },
    async run(task) {
      let settled = false
      task.then(
        () => {
          settled = true
        },
        () => {
          settled = true
        }
      )
      for (;;) {
        // Let every promise chain run until it waits on a timer (or the task ends).
        await new Promise(resolve => setImmediate(resolve))
        if (settled) return task
        if (timers.length === 0) throw new Error('virtual clock: the task waits, but on no timer (a real timer or a promise never settled)')
        timers.sort((a, b) => a.at - b.at || a.order - b.order)
        const next = /** @type {{ at: number, order: number, fire: () => void }} */ (timers.shift())
        now = Math.max(now, next.at)
        next.fire()
      }
    }
  }
}
