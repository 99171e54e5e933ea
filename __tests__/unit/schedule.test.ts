import { GROWTH_SECONDS, JITTER, nextPollDelay, type PollSchedule } from '../../src/wait/schedule.js'

// The defaults (poll-interval 2.5s, max-poll-interval 25s), as tuned with npm run bench.
const DEFAULT: PollSchedule = { pollIntervalMs: 2500, maxPollIntervalMs: 25_000 }
const MIDDLE = (): number => 0.5 // no jitter
const LOW = (): number => 0
const HIGH = (): number => 0.999999

describe('nextPollDelay', () => {
  it('starts at poll-interval', () => {
    expect(nextPollDelay(0, DEFAULT, MIDDLE)).toBe(2500)
    expect(nextPollDelay(0, { pollIntervalMs: 100, maxPollIntervalMs: 30_000 }, MIDDLE)).toBe(100)
  })

  it('grows with the square root of the time followed', () => {
    // sqrt(2.5² + 1.5 × 62.5 s) = 10 s; sqrt(2.5² + 1.5 × 262.5 s) = 20 s
    expect(GROWTH_SECONDS).toBe(1.5)
    expect(nextPollDelay(62_500, DEFAULT, MIDDLE)).toBe(10_000)
    expect(nextPollDelay(262_500, DEFAULT, MIDDLE)).toBe(20_000)
    // smoothly from the start: no flat stretch at poll-interval
    expect(nextPollDelay(1000, DEFAULT, MIDDLE)).toBe(2784)
  })

  it('is a fixed poller when poll-interval equals max-poll-interval', () => {
    for (const elapsed of [0, 1000, 60_000, 3_600_000]) {
      expect(nextPollDelay(elapsed, { pollIntervalMs: 5000, maxPollIntervalMs: 5000 }, MIDDLE)).toBe(5000)
    }
  })

  it('reaches max-poll-interval and stays there', () => {
    // sqrt(2.5² + 1.5 × 412.5 s) = 25 s
    expect(nextPollDelay(412_000, DEFAULT, MIDDLE)).toBeLessThan(25_000)
    expect(nextPollDelay(412_500, DEFAULT, MIDDLE)).toBe(25_000)
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
    expect(nextPollDelay(62_500, DEFAULT, LOW)).toBe(9000)
    expect(nextPollDelay(62_500, DEFAULT, () => 1)).toBe(11_000)
    expect(nextPollDelay(62_500, DEFAULT, () => 0.75)).toBe(10_500)
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

  it('keeps a short job cheap to notice: with the defaults the first minute costs about 11 polls, not 30', () => {
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
    expect(nextPollDelay(-10_000, DEFAULT, MIDDLE)).toBe(2500)
  })
})
