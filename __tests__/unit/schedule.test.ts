import { GROWTH_SECONDS, JITTER, nextPollDelay, type PollSchedule } from '../../src/wait/schedule.js'

// The defaults (poll-interval 1.25s, max-poll-interval 25s), as tuned with npm run bench.
const DEFAULT: PollSchedule = { pollIntervalMs: 1250, maxPollIntervalMs: 25_000 }
const MIDDLE = (): number => 0.5 // no jitter
const LOW = (): number => 0
const HIGH = (): number => 0.999999

describe('nextPollDelay', () => {
  it('starts at poll-interval', () => {
    expect(nextPollDelay(0, DEFAULT, MIDDLE)).toBe(1250)
    expect(nextPollDelay(0, { pollIntervalMs: 100, maxPollIntervalMs: 30_000 }, MIDDLE)).toBe(100)
  })

  it('grows with the square root of the time followed, added to poll-interval', () => {
    // 1.25 s + sqrt(1.1 × 110 s) = 12.25 s; 1.25 s + sqrt(1.1 × 440 s) = 23.25 s
    expect(GROWTH_SECONDS).toBe(1.1)
    expect(nextPollDelay(110_000, DEFAULT, MIDDLE)).toBe(12_250)
    expect(nextPollDelay(440_000, DEFAULT, MIDDLE)).toBe(23_250)
    // quickly from the start, so that a job of a few seconds that began at the first poll is seen soon after its end
    expect(nextPollDelay(1000, DEFAULT, MIDDLE)).toBe(2299)
    expect(nextPollDelay(2000, { pollIntervalMs: 2000, maxPollIntervalMs: 30_000 }, MIDDLE)).toBe(3483)
  })

  it('is a fixed poller when poll-interval equals max-poll-interval', () => {
    for (const elapsed of [0, 1000, 60_000, 3_600_000]) {
      expect(nextPollDelay(elapsed, { pollIntervalMs: 5000, maxPollIntervalMs: 5000 }, MIDDLE)).toBe(5000)
    }
  })

  it('reaches max-poll-interval and stays there', () => {
    // 1.25 s + sqrt(1.1 × 512.8 s) = 25 s
    expect(nextPollDelay(512_000, DEFAULT, MIDDLE)).toBeLessThan(25_000)
    expect(nextPollDelay(513_000, DEFAULT, MIDDLE)).toBe(25_000)
    expect(nextPollDelay(3_600_000, DEFAULT, MIDDLE)).toBe(25_000)
    expect(nextPollDelay(6 * 3_600_000, DEFAULT, HIGH)).toBe(25_000)
  })

  it('never grows with time for a fixed jitter', () => {
    let previous = 0
    for (let elapsed = 0; elapsed <= 600_000; elapsed += 1000) {
      const delay = nextPollDelay(elapsed, DEFAULT, MIDDLE)
      expect(delay).toBeGreaterThanOrEqual(previous)
      previous = delay
    }
  })

  it('jitters by at most 10% either way', () => {
    expect(JITTER).toBe(0.1)
    expect(nextPollDelay(110_000, DEFAULT, LOW)).toBe(11_025)
    expect(nextPollDelay(110_000, DEFAULT, () => 1)).toBe(13_475)
    expect(nextPollDelay(110_000, DEFAULT, () => 0.75)).toBe(12_863)
  })

  it('stays within [0.9 × poll-interval, max-poll-interval] for any jitter and age', () => {
    const schedules: PollSchedule[] = [
      DEFAULT,
      { pollIntervalMs: 100, maxPollIntervalMs: 100 },
      { pollIntervalMs: 100, maxPollIntervalMs: 1000 },
      { pollIntervalMs: 30_000, maxPollIntervalMs: 30_000 },
      { pollIntervalMs: 5000, maxPollIntervalMs: 3_600_000 }
    ]
    for (const schedule of schedules) {
      for (const elapsed of [0, 1, 500, 2000, 10_000, 60_000, 600_000, 21_600_000]) {
        for (const r of [0, 0.1, 0.5, 0.9, 0.999999]) {
          const delay = nextPollDelay(elapsed, schedule, () => r)
          expect(Number.isInteger(delay)).toBe(true)
          expect(delay).toBeLessThanOrEqual(schedule.maxPollIntervalMs)
          expect(delay).toBeGreaterThanOrEqual(Math.floor(schedule.pollIntervalMs * (1 - JITTER)))
        }
      }
    }
  })

  it('keeps a job cheap to follow: with the defaults the first minute costs about 12 polls, not 30', () => {
    let elapsed = 0
    let polls = 0
    while (elapsed < 60_000) {
      polls++
      elapsed += nextPollDelay(elapsed, DEFAULT, MIDDLE)
    }
    expect(polls).toBeGreaterThanOrEqual(8)
    expect(polls).toBeLessThanOrEqual(15)
  })

  it('treats a negative age as zero', () => {
    expect(nextPollDelay(-10_000, DEFAULT, MIDDLE)).toBe(1250)
  })
})

describe('nextPollDelay for a job that begins at the first poll', () => {
  /** Poll times with no jitter, from the first poll at 0. */
  function pollTimes(until: number): number[] {
    const times = [0]
    while ((times.at(-1) ?? 0) < until) {
      const last = times.at(-1) ?? 0
      times.push(last + nextPollDelay(last, DEFAULT, MIDDLE))
    }
    return times
  }

  it('sees a 3-second job end within about a second, for any jitter', () => {
    // 1.25 s, then 2.42 s (1.25 s + sqrt(1.1 × 1.25 s)): the second poll after the first is at 3.67 s
    expect(pollTimes(3000).slice(0, 3)).toEqual([0, 1250, 3673])
    for (const first of [0, 0.5, 0.999999]) {
      for (const second of [0, 0.5, 0.999999]) {
        const a = nextPollDelay(0, DEFAULT, () => first)
        const b = a + nextPollDelay(a, DEFAULT, () => second)
        expect(b).toBeGreaterThanOrEqual(3000)
        // at most 1.1 s late (both waits at the top of their jitter), 0.67 s without jitter
        expect(b - 3000).toBeLessThanOrEqual(1110)
      }
    }
  })
})
