// End-to-end: the runner cancelling the step (SIGINT, then SIGTERM 7.5 s later, then a kill).
import type { ChildProcess } from 'node:child_process'
import { expectKeySafe, expectNotCompletedOutputs, fastInputs, progressRequests, run, useFake, waitFor } from '../support/e2e.js'

describe('cancellation by signal', () => {
  const ctx = useFake()

  async function cancel(progressId: string, signal: NodeJS.Signals, afterRequests: number) {
    let signalledAt = 0
    const result = await run({
      inputs: fastInputs(ctx.fake, progressId, { timeout: '1m' }),
      timeoutMs: 20_000,
      onSpawn: (child: ChildProcess) => {
        waitFor(() => progressRequests(ctx.fake).length >= afterRequests, 10_000, `${afterRequests} request(s)`)
          .then(() => {
            signalledAt = performance.now()
            child.kill(signal)
          })
          .catch(() => child.kill('SIGKILL'))
      }
    })
    return { result, exitAfterSignalMs: result.exitedAt - signalledAt, signalledAt }
  }

  test.each(['SIGTERM', 'SIGINT'] as const)('%s while polling: cancelled outputs, summary, non-zero exit within 5 s', async signal => {
    const { result, exitAfterSignalMs, signalledAt } = await cancel('never', signal, 2)

    expect(signalledAt).toBeGreaterThan(0)
    // The action exits by itself (it handled the signal) rather than being killed by it.
    expect(result.signal).toBeNull()
    expect(result.code).not.toBeNull()
    expect(result.code).not.toBe(0)
    expect(exitAfterSignalMs).toBeLessThan(5000)
    expectNotCompletedOutputs(result, 'cancelled')
    expect(result.summary).toMatch(/^#+ .*cancelled/im)
    expect(result.summary).toContain('never')
    expectKeySafe(result)
  })

  test('SIGTERM while a request hangs: cancelled within 5 s', async () => {
    const { result, exitAfterSignalMs } = await cancel('hang', 'SIGTERM', 1)

    expect(result.signal).toBeNull()
    expect(result.code).not.toBe(0)
    expect(exitAfterSignalMs).toBeLessThan(5000)
    expectNotCompletedOutputs(result, 'cancelled')
    expect(result.summary).toMatch(/cancelled/i)
    expectKeySafe(result)
  })

  test('SIGTERM with fail-on-error: false still exits non-zero', async () => {
    let signalled = false
    const result = await run({
      inputs: fastInputs(ctx.fake, 'never', { timeout: '1m', 'fail-on-error': 'false' }),
      timeoutMs: 20_000,
      onSpawn: (child: ChildProcess) => {
        waitFor(() => progressRequests(ctx.fake).length >= 1, 10_000, 'a request')
          .then(() => {
            signalled = true
            child.kill('SIGTERM')
          })
          .catch(() => child.kill('SIGKILL'))
      }
    })

    expect(signalled).toBe(true)
    expect(result.code).not.toBeNull()
    expect(result.code).not.toBe(0)
    expect(result.outputs.status).toBe('cancelled')
    expectKeySafe(result)
  })
})
