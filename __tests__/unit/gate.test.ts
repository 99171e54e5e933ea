// The request gate a batch shares: what holds it, how long a caller waits at it, and how the client
// uses it (a request held back past its time is provably unsent, so a start POST is never in doubt).
import { CekuraClient } from '../../src/cekura/client.js'
import { CekuraFailure } from '../../src/cekura/failure.js'
import { createGate, DEFAULT_429_HOLD_MS, holdFor } from '../../src/cekura/gate.js'
import { DEFAULT_API_KEY, type FakeCekura, faults, replies, startFakeCekura } from '../support/fake-cekura.mjs'
import { virtualClock } from '../support/virtual-clock.mjs'

const NOW = Date.parse('2026-11-29T12:00:00Z')
const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers })

describe('holdFor', () => {
  it.each([
    ['429 with Retry-After: 3', answer(429, { 'retry-after': '3' }), 3000],
    ['429 without Retry-After', answer(429), DEFAULT_429_HOLD_MS],
    ['429 with an unreadable Retry-After', answer(429, { 'retry-after': 'soon' }), DEFAULT_429_HOLD_MS],
    ['503 with Retry-After: 1.5', answer(503, { 'retry-after': '1.5' }), 1500],
    ['503 with Retry-After as an HTTP date', answer(503, { 'retry-after': new Date(NOW + 4000).toUTCString() }), 4000],
    ['503 without Retry-After', answer(503), undefined],
    ['200 with Retry-After (pacing is not a limit)', answer(200, { 'retry-after': '5' }), undefined],
    ['500', answer(500), undefined],
    ['300 with Retry-After: 2 (not a 2xx)', answer(300, { 'retry-after': '2' }), 2000],
    ['299 with Retry-After: 2', answer(299, { 'retry-after': '2' }), undefined],
    ['199 with Retry-After: 2', answer(199, { 'retry-after': '2' }), 2000]
  ])('%s', (_name, given, expected) => {
    expect(holdFor(given, NOW)).toBe(expected)
  })
})

describe('createGate', () => {
  it('is not held back by an answer that asks for no hold, or for none at all', () => {
    const clock = virtualClock()
    const gate = createGate({ now: clock.now, sleep: clock.sleep, epochNow: () => NOW })
    gate.heard({ status: 200, headers: {}, body: '' })
    gate.heard({ status: 503, headers: {}, body: '' })
    gate.heard({ status: 503, headers: { 'retry-after': '0' }, body: '' })
    expect(gate.heldFor()).toBe(0)
  })

  it('lets requests go at once until an answer holds them back, then until that time', async () => {
    const clock = virtualClock()
    const gate = createGate({ now: clock.now, sleep: clock.sleep, epochNow: () => NOW })
    expect(gate.heldFor()).toBe(0)
    expect(await clock.run(gate.wait(10_000))).toBe(0)

    gate.heard({ status: 429, headers: { 'retry-after': '2' }, body: '' })
    expect(gate.heldFor()).toBe(2000)
    expect(await clock.run(gate.wait(10_000))).toBe(2000)
    expect(gate.heldFor()).toBe(0)
  })

  it('a later, longer hold heard while waiting makes the wait longer; a shorter one changes nothing', async () => {
    const clock = virtualClock()
    const gate = createGate({ now: clock.now, sleep: clock.sleep, epochNow: () => NOW })
    gate.heard({ status: 429, headers: { 'retry-after': '2' }, body: '' })
    clock.at(1000, () => gate.heard({ status: 429, headers: { 'retry-after': '3' }, body: '' }))
    clock.at(1500, () => gate.heard({ status: 429, headers: { 'retry-after': '1' }, body: '' }))
    expect(await clock.run(gate.wait(60_000))).toBe(4000)
  })

  it('waits no longer than the caller allows, and not past an abort', async () => {
    const clock = virtualClock()
    const gate = createGate({ now: clock.now, sleep: clock.sleep, epochNow: () => NOW })
    gate.heard({ status: 429, headers: { 'retry-after': '60' }, body: '' })
    expect(await clock.run(gate.wait(5000))).toBe(5000)
    expect(gate.heldFor()).toBe(55_000)

    const controller = new AbortController()
    clock.at(clock.now() + 700, () => controller.abort())
    expect(await clock.run(gate.wait(30_000, controller.signal))).toBe(700)
  })

  it('several callers held back together go on together', async () => {
    const clock = virtualClock()
    const gate = createGate({ now: clock.now, sleep: clock.sleep, epochNow: () => NOW })
    gate.heard({ status: 503, headers: { 'retry-after': '3' }, body: '' })
    const went: number[] = []
    const caller = async (): Promise<void> => {
      await gate.wait(10_000)
      went.push(clock.now())
    }
    await clock.run(Promise.all([caller(), caller(), caller()]))
    expect(went).toEqual([3000, 3000, 3000])
  })
})

describe('CekuraClient with a gate', () => {
  let fake: FakeCekura
  beforeEach(async () => {
    fake = await startFakeCekura()
  })
  afterEach(async () => {
    await fake.close()
  })

  /** A client whose retries do not wait, and a gate on a clock that moves only when something waits at it. */
  function setup() {
    let virtual = 0
    const gate = createGate({
      now: () => virtual,
      sleep: async ms => {
        virtual += ms
      }
    })
    const client = new CekuraClient({ apiUrl: fake.url, apiKey: DEFAULT_API_KEY, gate, sleep: async () => {}, random: () => 0 })
    return { gate, client, gateTime: () => virtual }
  }

  it('a 429 answered to one call holds back the next request of any other call until then', async () => {
    const { gate, client, gateTime } = setup()
    fake.setFault('improve', faults.once(replies.retryAfter(7)))
    try {
      // A start POST is not retried after an answer; its 429 still holds back what comes next.
      await expect(client.startJob('improve', { agent: 1234, extra_instructions: 'x' }, performance.now() + 5000)).rejects.toMatchObject({
        kind: 'rejected',
        status: 429
      })
      expect(gate.heldFor()).toBe(7000)
      await expect(client.getScenario(9876, performance.now() + 60_000)).resolves.toMatchObject({ id: 9876 })
      expect(gateTime()).toBe(7000)
      expect(gate.heldFor()).toBe(0)
      expect(fake.requests.map(request => `${request.method} ${request.response?.status}`)).toEqual(['POST 429', 'GET 200'])
    } finally {
      client.close()
    }
  })

  it('a start POST held back past its time is not sent, and the failure says no job was started', async () => {
    // One virtual clock for the gate, the client's waits and its deadline, so the hold really outlasts the run.
    let virtual = 0
    const gate = createGate({
      now: () => virtual,
      sleep: async ms => {
        virtual += ms
      }
    })
    const client = new CekuraClient({
      apiUrl: fake.url,
      apiKey: DEFAULT_API_KEY,
      gate,
      now: () => virtual,
      sleep: async ms => {
        virtual += ms
      },
      random: () => 0
    })
    gate.heard({ status: 429, headers: { 'retry-after': '3600' }, body: '' })
    try {
      const failure = await client.startJob('improve', { agent: 1234, extra_instructions: 'x' }, virtual + 5000).then(
        () => undefined,
        (error: unknown) => error
      )
      expect(failure).toBeInstanceOf(CekuraFailure)
      // Held back until the run's time ran out: it ends timed out, and the message says nothing was sent.
      expect((failure as CekuraFailure).kind).toBe('timed-out')
      expect((failure as CekuraFailure).message).toMatch(/held back by Cekura's rate limit .*no job was started/)
      expect(fake.requests).toHaveLength(0)
    } finally {
      client.close()
    }
  })

  it('a poll held back past its time is a fault a later poll can get past, and nothing is sent', async () => {
    const { gate, client } = setup()
    gate.heard({ status: 429, headers: { 'retry-after': '3600' }, body: '' })
    try {
      const verdict = await client.getProgress('complete-after-1', { timeoutMs: 2000 })
      expect(verdict).toMatchObject({ kind: 'transient' })
      expect(fake.requests).toHaveLength(0)
    } finally {
      client.close()
    }
  })
})
