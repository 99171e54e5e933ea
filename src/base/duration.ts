const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000
}

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/y

/**
 * Reads a duration such as `600` (seconds), `90s`, `1m30s`, `1m 30s`, `1.5h` or `250ms` and returns
 * milliseconds; whatever formatDuration writes reads back.
 * Returns undefined when the text is not a duration; range checks belong to the caller.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim().toLowerCase()
  if (value === '') return undefined
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)

  let total = 0
  let index = 0
  const seen = new Set<string>()
  while (index < value.length) {
    PART.lastIndex = index
    const match = PART.exec(value)
    if (!match) return undefined
    const [whole, amount, unit] = match as unknown as [string, string, string]
    // Each unit once and from largest to smallest, so `1s1m` or `5m5m` are rejected as typos.
    for (const earlier of seen) {
      if ((UNIT_MS[earlier] as number) <= (UNIT_MS[unit] as number)) return undefined
    }
    seen.add(unit)
    total += Number(amount) * (UNIT_MS[unit] as number)
    index += whole.length
    // Parts may stand apart, as formatDuration writes them (`1m 05s`). The text is trimmed, so a space is
    // never its last character: one is always followed by the next part (or by text that is no part).
    if (value[index] === ' ') index++
  }
  return Math.round(total)
}

/** Formats milliseconds for people: `850ms`, `4.2s`, `30s`, `1m 05s`, `10m`, `1h 02m`. */
export function formatDuration(ms: number): string {
  if (ms < 999.5) return `${Math.max(0, Math.round(ms))}ms`
  const seconds = Math.round(ms / 100) / 10
  if (seconds < 60) return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(1)}s`
  const wholeSeconds = Math.round(seconds)
  const minutes = Math.floor(wholeSeconds / 60)
  const pad = (n: number): string => String(n).padStart(2, '0')
  if (minutes < 60) return wholeSeconds % 60 === 0 ? `${minutes}m` : `${minutes}m ${pad(wholeSeconds % 60)}s`
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`
}
