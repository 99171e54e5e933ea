// Small shared pieces of the benchmark: a seeded random source, summary statistics and plain-text tables.

/**
 * A seeded source of uniform numbers in [0, 1): a Weyl sequence passed through a 32-bit avalanche
 * mix. Seeded so that two runs of the bench draw the same phases and jitter and print the same table 1.
 * @param {number} seed
 * @returns {() => number}
 */
export function seededRandom(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    z = (z ^ (z >>> 16)) >>> 0
    return z / 4294967296
  }
}

/** @param {number[]} values */
export function mean(values) {
  return values.reduce((sum, v) => sum + v, 0) / values.length
}

/**
 * Nearest-rank percentile (p in 0..100).
 * @param {number[]} values @param {number} p
 */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length))
  return /** @type {number} */ (sorted[rank - 1])
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const upper = sorted[mid] ?? Number.NaN
  return sorted.length % 2 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2
}

/**
 * A Markdown table, columns padded so that it also reads well in a terminal.
 * @param {string[]} header
 * @param {Array<Array<string | number>>} rows
 * @param {Array<'l' | 'r'>} [align]  per column; default: first left, the rest right
 */
export function markdownTable(header, rows, align) {
  const cells = [header, ...rows.map(row => row.map(String))]
  const widths = header.map((_, c) => Math.max(3, ...cells.map(row => (row[c] ?? '').length)))
  const side = header.map((_, c) => align?.[c] ?? (c === 0 ? 'l' : 'r'))
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((cell, c) => (side[c] === 'l' ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join(' | ')} |`
  const rule = `|${widths.map((w, c) => (side[c] === 'l' ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`
  return [line(header), rule, ...cells.slice(1).map(line)].join('\n')
}

/** @param {number} ms */
export function seconds(ms, digits = 2) {
  return (ms / 1000).toFixed(digits)
}

/** 3 s, 2 min, 10 min: how the tables name job durations. @param {number} ms */
export function durationLabel(ms) {
  const s = ms / 1000
  return s < 60 ? `${s} s` : `${s / 60} min`
}

/** @param {number} bytes */
export function size(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MiB`
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KiB`
  return `${bytes} B`
}
