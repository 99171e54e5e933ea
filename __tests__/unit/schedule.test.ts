import { GROWTH_SECONDS, JITTER, nextPollDelay, type PollSchedule } from '../../src/schedule.js'

const DEFAULT: PollSchedule = { pollIntervalMs: 2000, maxPollIntervalMs: 30_000 }
const MIDDLE = (): number => 0.5 // no jitter
const LOW = (): number => 0
const HIGH = (): number => 0.999999

describe('nextPollDelay', () => {
  it('starts at poll-interval', () => {
    expect(nextPollDelay(0, DEFAULT, MIDDLE)).toBe(2000)
    expect(nextPollDelay(0, { pollIntervalMs: 100, maxPollIntervalMs: 30_000 }, MIDDLE)).toBe(100)
  })

  it('grows with the square root of the time followed', () => {
    // sqrt(2 × 50 s) = 10 s; sqrt(2 × 200 s) = 20 s
    expect(GROWTH_SECONDS).toBe(2)
    expect(nextPollDelay(50_000, DEFAULT, MIDDLE)).toBe(10_000)
    expect(nextPollDelay(200_000, DEFAULT, MIDDLE)).toBe(20_000)
  })

  it('reaches max-poll-interval and stays there', () => {
    expect(nextPollDelay(450_000, DEFAULT, MIDDLE)).toBe(30_000)
    expect(nextPollDelay(3_600_000, DEFAULT, MIDDLE)).toBe(30_000)
    expect(nextPollDelay(6 * 3_600_000, DEFAULT, HIGH)).toBe(30_000)
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
    expect(nextPollDelay(50_000, DEFAULT, LOW)).toBe(9000)
    expect(nextPollDelay(50_000, DEFAULT, () => 1)).toBe(11_000)
    expect(nextPollDelay(50_000, DEFAULT, () => 0.75)).toBe(10_500)
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

  it('keeps a short job cheap to notice: with the defaults the first minute costs about 12 polls, not 30', () => {
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
    expect(nextPollDelay(-10_000, DEFAULT, MIDDLE)).toBe(2000)
  })
})
