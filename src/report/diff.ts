/** A line diff of two texts, for showing people what an improve job changed. Pure. */

export type DiffLine = { op: ' ' | '-' | '+'; text: string }

/** Above this many line pairs the texts are too different to diff cheaply; the caller says so. */
const MAX_CELLS = 4_000_000

export function lineDiff(before: string, after: string): DiffLine[] | undefined {
  const a = before.split('\n')
  const b = after.split('\n')
  // The first line that differs (past the end of `after`, a line reads as undefined, which differs).
  const firstDifference = a.findIndex((line, k) => line !== b[k])
  const start = firstDifference === -1 ? a.length : firstDifference
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  const midA = a.slice(start, endA)
  const midB = b.slice(start, endB)
  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) return undefined

  // Longest common subsequence table, filled from the end so the walk below goes forward. On a tie the
  // walk removes before it adds, so a changed line reads old then new, as in `diff -u`.
  const width = midB.length + 1
  const lcs = new Uint32Array((midA.length + 1) * width)
  // Stryker disable next-line ArithmeticOperator: starting a row later only adds rows outside the table, which read as 0 anyway
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        midA[i] === midB[j]
          ? (lcs[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lcs[(i + 1) * width + j] as number, lcs[i * width + j + 1] as number)
    }
  }
  const lines: DiffLine[] = a.slice(0, start).map(text => ({ op: ' ', text }))
  let i = 0
  let j = 0
  while (i < midA.length || j < midB.length) {
    // Past the end of one side a line is undefined, which equals no line of the other (the loop ends before both are).
    if (midA[i] === midB[j]) {
      lines.push({ op: ' ', text: midA[i++] as string })
      j++
    } else if (j < midB.length && (i === midA.length || (lcs[i * width + j + 1] as number) > (lcs[(i + 1) * width + j] as number))) {
      lines.push({ op: '+', text: midB[j++] as string })
    } else {
      lines.push({ op: '-', text: midA[i++] as string })
    }
  }
  for (const text of a.slice(endA)) lines.push({ op: ' ', text })
  return lines
}

/** Unified-style text: changed lines with `context` unchanged lines around them, `@@` between hunks. */
export function unifiedDiff(lines: DiffLine[], context = 3): string {
  const keep = new Array<boolean>(lines.length).fill(false)
  lines.forEach((line, index) => {
    if (line.op !== ' ') keep.fill(true, Math.max(0, index - context), index + context + 1)
  })
  const out: string[] = []
  let oldLine = 1
  let newLine = 1
  let inHunk = false
  lines.forEach((line, index) => {
    if (keep[index]) {
      if (!inHunk) out.push(`@@ line ${oldLine} → ${newLine} @@`)
      inHunk = true
      out.push(`${line.op}${line.text}`)
    } else {
      inHunk = false
    }
    if (line.op !== '+') oldLine++
    if (line.op !== '-') newLine++
  })
  return out.join('\n')
}
