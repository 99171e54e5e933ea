import { formatDuration, parseDuration } from '../../src/base/duration.js'

describe('parseDuration', () => {
  it.each([
    ['600', 600_000],
    ['0', 0],
    ['1.5', 1_500],
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['10m', 600_000],
    ['2s', 2_000],
    ['1h2m3s4ms', 3_723_004],
    ['1m500ms', 60_500],
    ['  90s  ', 90_000],
    ['90S', 90_000],
    ['1H30M', 5_400_000],
    // As formatDuration writes it, so that every formatted duration reads back.
    ['1m 30s', 90_000],
    ['1h 02m', 3_720_000]
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it('tells ms from m followed by s', () => {
    expect(parseDuration('1ms')).toBe(1)
    expect(parseDuration('1m5s')).toBe(65_000)
  })

  it.each([
    '',
    '   ',
    'abc',
    '10x',
    '1d',
    '-5',
    '-5s',
    '+5s',
    '.5s',
    '5.s',
    '1e3',
    'Infinity',
    'NaN',
    '10 s',
    '1m  30s',
    '1m 30s ms',
    's',
    '5m5m', // the same unit twice is a typo
    '1s1m', // units must go from largest to smallest
    '30s1h',
    '1ms1s',
    '1h,30m',
    'PT10S',
    '0x10'
  ])('rejects %j', text => {
    expect(parseDuration(text)).toBeUndefined()
  })

  it('rounds fractional milliseconds', () => {
    expect(parseDuration('0.0004')).toBe(0)
    expect(parseDuration('1.0006s')).toBe(1001)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [-5, '0ms'],
    [850, '850ms'],
    [999, '999ms'],
    [1000, '1s'],
    [4200, '4.2s'],
    [30_000, '30s'],
    [59_940, '59.9s'],
    [59_999, '1m'],
    [60_000, '1m'],
    [65_000, '1m 05s'],
    [90_000, '1m 30s'],
    [600_000, '10m'],
    [3_599_000, '59m 59s'],
    [3_600_000, '1h'],
    [3_720_000, '1h 02m'],
    [21_600_000, '6h']
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('gives back a value parseDuration reads to the same amount for whole units', () => {
    for (const ms of [1000, 30_000, 600_000, 3_600_000]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  })
})

describe('formatDuration at the edge of a second', () => {
  it('rounds 999.6 ms up to a second, not to "1000ms"', () => {
    expect(formatDuration(999.6)).toBe('1s')
  })
})

describe('parts of a duration, together or apart', () => {
  it.each([
    ['1m30s', 90_000],
    ['1m 30s', 90_000],
    ['1h 02m', 3_720_000],
    ['2m 0.5s', 120_500]
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it('takes one space between parts, not two', () => {
    expect(parseDuration('1m  30s')).toBeUndefined()
  })

  it('reads spaces around the whole as nothing, and a space followed by no part as no duration', () => {
    expect(parseDuration(' 1m 30s ')).toBe(90_000)
    expect(parseDuration('1m ')).toBe(60_000)
    expect(parseDuration('1m x')).toBeUndefined()
  })
})
